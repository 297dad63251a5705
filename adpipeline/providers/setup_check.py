"""Checking the setup: what each capability would use, and whether it answers.

``ap.providers.check()`` / ``adpipeline providers check``. Each remote provider is asked
the cheapest thing that proves it works (OpenAI and compatible servers: the model
listing; Replicate: the model's page), never a paid call. Keys are only ever reported
as set or missing, by the name of the variable to set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import AdPipelineError

_KEYS = {"openai": "OPENAI_API_KEY", "replicate": "REPLICATE_API_TOKEN"}


@dataclass
class Check:
    capability: str
    provider: str
    model: str
    base_url: str | None
    answers: bool | None  # None: not asked (offline, or no key)
    detail: str
    price: str
    prices_dated: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_chosen(chosen: Mapping[str, str], built: Any, *, ask: bool) -> list[Check]:
    """One :class:`Check` per capability of ``chosen`` (every capability, completed from
    the environment by ``providers.choose``); ``built`` is the ``providers.Providers``
    made from it. ``ask=False`` skips the network."""
    results = []
    for capability in chosen:
        try:
            provider = built.get(capability)
        except AdPipelineError as exc:
            results.append(Check(capability, chosen[capability].split(":")[0], "", None, False,
                                 str(exc), "", None))
            continue
        results.append(_one(capability, provider, ask))
    return results


def _one(capability: str, provider: Any, ask: bool) -> Check:
    name, model = provider.name, str(provider.model)
    base_url = getattr(provider, "base_url", None)
    price, dated = _price(capability, provider)
    if name == "offline":
        return Check(capability, name, model, None, None, "runs on this machine, no key", price,
                     dated)
    variable = _KEYS.get(name)
    if variable and not os.environ.get(variable) and not (name == "openai" and base_url):
        return Check(capability, name, model, base_url, None, f"{variable} is not set: set it "
                     "to use this provider, or choose offline", price, dated)
    if not ask:
        return Check(capability, name, model, base_url, None, "not asked", price, dated)
    try:
        provider.client()
        detail = _ping(provider)
        return Check(capability, name, model, base_url, True, detail, price, dated)
    except AdPipelineError as exc:
        return Check(capability, name, model, base_url, False, str(exc), price, dated)
    except Exception as exc:  # a client's own error: report it, this is a diagnosis
        return Check(capability, name, model, base_url, False,
                     f"{type(exc).__name__}: {str(exc)[:200]}", price, dated)


def _ping(provider: Any) -> str:
    if provider.name == "openai":
        listed = provider._call("list models", lambda: provider._api().models.list())
        ids = [m.id for m in getattr(listed, "data", [])]
        if ids and provider.model not in ids:
            return f"answers; {provider.model!r} is not among its {len(ids)} models"
        return "answers; the model is listed" if ids else "answers"
    client = provider.client()
    owner_name = provider.model.split(":", 1)[0]
    provider._call("read the model", lambda: client.models.get(owner_name))
    return "answers; the model exists"


def _price(capability: str, provider: Any) -> tuple[str, str | None]:
    if provider.name == "offline":
        return "free", None
    if provider.name == "openai":
        from . import openai_catalog as catalog

        if capability in ("image", "inpaint"):
            usd = provider.estimate("generate", {"width": 1280, "height": 720}).usd
            return f"${usd:.3f} a 1280x720 picture ({provider.quality})", catalog.PRICES_DATED
        usd = provider.estimate("write_story", {}).usd
        return f"about ${usd:.4f} a story", catalog.PRICES_DATED
    from .replicate import families

    usd = provider.estimate("generate", {}).usd if capability in ("image", "inpaint") else None
    return (f"${usd:.3f} a picture" if usd is not None else "see the ledger"), \
        families.PRICES_DATED


def table(results: list[Check]) -> str:
    """The checks as a plain-text table (what the CLI prints)."""
    rows = [("capability", "provider", "model", "answers", "price", "prices of", "detail")]
    for r in results:
        rows.append((r.capability, r.provider + (f" @ {r.base_url}" if r.base_url else ""),
                     r.model, {True: "yes", False: "NO", None: "-"}[r.answers], r.price,
                     r.prices_dated or "-", r.detail))
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    return "\n".join("  ".join(cell.ljust(widths[i]) if i < 6 else cell
                               for i, cell in enumerate(row)) for row in rows)
