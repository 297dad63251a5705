"""Structured output that survives real servers: one place for the JSON protocol that
every chat-style provider (OpenAI, OpenAI-compatible local servers, Replicate's
language models) speaks with a model.

Servers differ (see docs/providers.md): OpenAI enforces ``json_schema`` strictly;
llama.cpp, vLLM and Ollama >= 0.5 enforce it without ``strict``; LM Studio answers
``json_object`` with HTTP 400; Ollama Cloud and older Ollama accept ``json_schema`` and
ignore it, and their answers often come in code fences. So :func:`ask_json`

1. asks with ``json_schema`` (strict on OpenAI's own endpoint) and always puts the
   schema in the prompt too, so a server that ignores the field still shows it;
2. on HTTP 400 for the format, asks again without it;
3. reads the answer leniently (code fences and chatter stripped) and validates it;
4. makes one repair retry that carries the validation error.

``ADPIPELINE_TEXT_JSON=schema|object|prompt`` picks the first form by hand.
"""

from __future__ import annotations

import copy
import json
import logging
import os
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from ...errors import InvalidInput, ProviderError

log = logging.getLogger(__name__)

T = TypeVar("T")
JsonMode = Literal["schema", "object", "prompt"]
#: ``send(messages, response_format or None) -> the answer's text``.
Send = Callable[[list[dict[str, str]], dict[str, Any] | None], str]


def json_mode(default: JsonMode = "schema") -> JsonMode:
    """The structured-output form asked for in ``ADPIPELINE_TEXT_JSON``, else ``default``."""
    value = os.environ.get("ADPIPELINE_TEXT_JSON", "").strip().lower() or default
    if value not in ("schema", "object", "prompt"):
        raise InvalidInput(f"ADPIPELINE_TEXT_JSON={value!r}: use schema, object or prompt.")
    return value  # type: ignore[return-value]


def model_schema(
    model: type[BaseModel], *, leave_out: dict[str, set[str]] | None = None, strict: bool,
    max_items: dict[str, int] | None = None, max_length: int | None = None,
    lengths: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The JSON schema a model is shown for ``model``: internal fields left out
    (``leave_out`` maps a class name to its field names), every object closed and every
    property required (what strict mode needs), titles and defaults dropped.

    ``max_length`` (``lengths`` per field name) and ``max_items`` bound what a
    grammar-constrained server (llama.cpp) can generate, so a small model cannot ramble
    until the token limit; OpenAI's strict mode does not take them, so they are only
    added when ``strict`` is off.
    """
    schema = copy.deepcopy(model.model_json_schema())
    leave_out = leave_out or {}
    defs = schema.pop("$defs", {})

    def close(node: dict[str, Any], name: str) -> dict[str, Any]:
        props = {k: v for k, v in node.get("properties", {}).items()
                 if k not in leave_out.get(name, set())}
        for key, prop in props.items():
            props[key] = clean(prop, key)
        return {"type": "object", "properties": props, "required": list(props),
                "additionalProperties": False}

    def clean(node: dict[str, Any], key: str) -> dict[str, Any]:
        node = {k: v for k, v in node.items() if k not in ("title", "default", "description")}
        if "$ref" in node:
            ref = node["$ref"].split("/")[-1]
            return close(defs[ref], ref)
        if "anyOf" in node:
            return {"anyOf": [clean(option, key) for option in node["anyOf"]]}
        if node.get("type") == "array" and "items" in node:
            node["items"] = clean(node["items"], key)
            if not strict and max_items and key in max_items:
                node["maxItems"] = max_items[key]
        if strict:
            for bound in ("minLength", "maxLength", "minItems", "maxItems", "exclusiveMinimum",
                          "minimum", "maximum"):
                node.pop(bound, None)
        elif node.get("type") == "string" and (limit := (lengths or {}).get(key, max_length)):
            node["maxLength"] = limit
        return node

    return close(schema, model.__name__)


def response_format(name: str, schema: dict[str, Any], mode: JsonMode, strict: bool
                    ) -> dict[str, Any] | None:
    if mode == "schema":
        return {"type": "json_schema",
                "json_schema": {"name": name, "schema": schema, "strict": strict}}
    if mode == "object":
        return {"type": "json_object"}
    return None


def schema_prompt(schema: dict[str, Any]) -> str:
    return ("Reply with one JSON object only, no code fences and no other text. It must "
            "match this JSON schema:\n" + json.dumps(schema, separators=(",", ":")))


def json_text(text: str) -> str:
    """The JSON object in a model's answer, without code fences or chatter around it."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("the answer holds no JSON object")
    return text[start:end + 1]


def ask_json(
    send: Send, system: str, user: str, *, name: str, schema: dict[str, Any],
    read: Callable[[dict[str, Any]], T], strict: bool, mode: JsonMode | None = None,
    who: str = "the model",
) -> T:
    """Ask for one JSON object and return ``read(object)``; see the module docstring.

    ``read`` validates (raising ``ValueError`` for an answer that does not fit). Raises
    ``ProviderError`` when the repaired answer still does not fit, with the reason.
    """
    mode = mode or json_mode()
    messages = [{"role": "system", "content": f"{system}\n\n{schema_prompt(schema)}"},
                {"role": "user", "content": user}]
    fmt = response_format(name, schema, mode, strict)
    try:
        answer = send(messages, fmt)
    except ProviderError as exc:
        if exc.status != 400 or fmt is None:
            raise
        # LM Studio refuses json_object, some servers any response_format: the schema
        # is in the prompt already, so ask again without the field.
        log.warning("%s refused response_format %s (%s); asking with the schema in the "
                    "prompt instead", who, fmt["type"], exc)
        fmt = None
        answer = send(messages, fmt)
    try:
        return read(json.loads(json_text(answer)))
    except ValueError as exc:
        problem = _short(exc)
    log.warning("%s's answer did not fit the %s schema (%s); asking once more", who, name, problem)
    repair = [*messages, {"role": "assistant", "content": answer[:4000]},
              {"role": "user", "content": f"That answer is not valid: {problem}. Reply again "
                                          "with the corrected JSON object only."}]
    answer = send(repair, fmt)
    try:
        return read(json.loads(json_text(answer)))
    except ValueError as exc:
        raise ProviderError(
            f"{who} returned {name} JSON that does not fit the schema twice ({_short(exc)}); "
            "regenerate to try again, or set ADPIPELINE_TEXT_JSON=prompt for servers that "
            "ignore structured output."
        ) from None


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]
