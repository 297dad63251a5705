"""The two-role refinement loop: a cinematographer critiques, a prompt engineer rewrites.

Round 0 is the critique of the prompt as given. Each further round rewrites the prompt
from the last critique and critiques the rewrite, until the score reaches the target,
the round limit is used up, or the rewrite changes nothing. Both roles are calls made
through the :class:`~adpipeline.providers.gateway.Gateway`, so with a language model
they are cached (the same prompt and seed cost nothing the second time), priced, held
to a budget and written to a ledger.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from ..errors import InvalidInput, ProviderError
from ..models import LedgerEntry
from ..providers import Providers
from ..providers.base import Cost
from ..providers.gateway import Gateway
from .criteria import CRITERIA, KINDS, Criterion, Kind, judge_offline, rewrite_offline

Stop = Literal["target", "limit", "unchanged"]


class CriterionScore(BaseModel):
    name: str
    score: int = Field(ge=0, le=100)
    note: str


class Round(BaseModel):
    """One prompt and its critique. Round 0 is the prompt as given."""

    number: int
    prompt: str
    score: int = Field(ge=0, le=100)
    criteria: list[CriterionScore]
    summary: str

    def weakest(self) -> CriterionScore:
        return min(self.criteria, key=lambda c: c.score)


class Refinement(BaseModel):
    """Everything a run of the loop did, as written to ``--out``."""

    kind: Kind
    provider: str
    model: str
    seed: int
    target: int
    round_limit: int
    stopped: Stop
    rounds: list[Round]
    ledger: list[LedgerEntry] = Field(default_factory=list, exclude=True)

    @property
    def best(self) -> Round:
        """The highest-scoring round (the earliest of equals)."""
        return max(self.rounds, key=lambda r: (r.score, -r.number))

    @property
    def cost_usd(self) -> float:
        return round(sum(e.cost_usd for e in self.ledger if not e.cached), 6)


class Roles(Protocol):
    """Who plays the two roles. ``name``/``model``/``estimate`` make it a provider for
    the gateway (cache key, price, ledger)."""

    name: str
    model: str

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost: ...
    def critique(self, prompt: str, kind: Kind, seed: int) -> dict[str, Any]: ...
    def rewrite(self, prompt: str, critique: dict[str, Any], kind: Kind, seed: int,
                round_number: int, duration_s: float) -> str: ...


class OfflineRoles:
    """The rule-based critic and rewriter of :mod:`.criteria`: free, instant, repeatable."""

    name = "offline"
    model = "prompt-critic-v1"

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        return Cost(units=1, unit="calls", usd=0.0)

    def critique(self, prompt: str, kind: Kind, seed: int) -> dict[str, Any]:
        judgements = judge_offline(prompt, kind)
        weak = sorted((j for j in judgements if j.score < 80), key=lambda j: j.score)
        summary = ("every criterion is covered" if not weak else
                   "weakest: " + ", ".join(f"{j.name} ({j.score})" for j in weak[:3]))
        return {"criteria": [{"name": j.name, "score": j.score, "note": j.note}
                             for j in judgements], "summary": summary}

    def rewrite(self, prompt: str, critique: dict[str, Any], kind: Kind, seed: int,
                round_number: int, duration_s: float) -> str:
        from .criteria import Judgement

        judgements = [Judgement(c["name"], c["score"], c["note"]) for c in critique["criteria"]]
        return rewrite_offline(prompt, judgements, kind, seed=seed, round_number=round_number,
                               duration_s=duration_s)


class Completes(Protocol):
    """A text provider that answers a system + user message with JSON text."""

    name: str
    model: str

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost: ...
    def complete(self, system: str, user: str, *, seed: int, max_tokens: int = ...) -> str: ...


_WHAT = {"image": "a text-to-image prompt for one still of a video ad",
         "video": "an image-to-video motion prompt that animates one still of a video ad"}


class ModelRoles:
    """Both roles played by a language model (OpenAI, an OpenAI-compatible server,
    Replicate), each asked for JSON."""

    def __init__(self, provider: Completes) -> None:
        self.provider = provider
        self.name = provider.name
        self.model = provider.model

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        return self.provider.estimate(operation, params)

    def critique(self, prompt: str, kind: Kind, seed: int) -> dict[str, Any]:
        criteria = CRITERIA[kind]
        system = (
            f"You are an experienced cinematographer reviewing {_WHAT[kind]}. Score it from 0 "
            "to 100 on each criterion below, where 0 means the prompt says nothing about it "
            "and 100 means a crew could shoot it without asking. Criteria:\n"
            + "\n".join(f"- {c.name}: {c.asks}" for c in criteria)
            + '\nReply with one JSON object only: {"criteria": {"<criterion>": {"score": '
            '<0-100>, "note": "<one sentence: what is good or missing>"}}, "summary": '
            '"<one sentence>"}'
        )
        data = _json(self.provider.complete(system, prompt, seed=seed), self.name, "critique")
        return _critique_from(data, criteria)

    def rewrite(self, prompt: str, critique: dict[str, Any], kind: Kind, seed: int,
                round_number: int, duration_s: float) -> str:
        system = (
            f"You are a prompt engineer. Rewrite {_WHAT[kind]} so that it answers every point "
            "of the cinematographer's critique, weakest criteria first, keeping the subject "
            "and intent. Keep it one paragraph under 80 words"
            + (f"; the clip lasts {duration_s:g} seconds" if kind == "video" else "")
            + '. Reply with one JSON object only: {"prompt": "<the new prompt>"}'
        )
        user = json.dumps({"prompt": prompt, "critique": critique})
        data = _json(self.provider.complete(system, user, seed=seed), self.name, "rewrite")
        new = str(data.get("prompt") or "").strip()
        if not new:
            raise ProviderError(f"{self.name}/{self.model} returned no rewritten prompt; "
                                "run again, or use --provider text=offline.")
        return new[:2000]


def _json(text: str, who: str, what: str) -> dict[str, Any]:
    start, end = text.find("{"), text.rfind("}")
    try:
        data = json.loads(text[start:end + 1]) if start >= 0 else None
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise ProviderError(f"{who} answered the {what} with something that is not JSON; "
                            "run again, or use --provider text=offline.")
    return data


def _critique_from(data: Mapping[str, Any], criteria: tuple[Criterion, ...]) -> dict[str, Any]:
    """The model's critique in our shape; a criterion it skipped scores 0 and says so."""
    given = data.get("criteria")
    if isinstance(given, list):  # some models answer with a list of {"name": ...}
        given = {str(c.get("name")): c for c in given if isinstance(c, dict)}
    if not isinstance(given, dict):
        given = {}
    scored = []
    for criterion in criteria:
        entry = given.get(criterion.name)
        if not isinstance(entry, dict):
            scored.append({"name": criterion.name, "score": 0,
                           "note": "the critic said nothing about it."})
            continue
        try:
            score = round(float(entry.get("score", 0)))
        except (TypeError, ValueError):
            score = 0
        scored.append({"name": criterion.name, "score": max(0, min(100, score)),
                       "note": str(entry.get("note") or "")[:400]})
    return {"criteria": scored, "summary": str(data.get("summary") or "")[:400]}


def roles_for(choice: str) -> Roles:
    """The roles for a text provider choice: ``offline``, ``openai``, ``openai:gpt-4o``,
    ``replicate`` (a model on an OpenAI-compatible server via ``OPENAI_BASE_URL``)."""
    provider = Providers.build({"text": choice}).text
    if provider.name == "offline":
        return OfflineRoles()
    if not callable(getattr(provider, "complete", None)):
        raise InvalidInput(f"the {provider.name} text provider cannot play the critic; "
                           "use --provider text=openai or text=offline.")
    return ModelRoles(provider)  # type: ignore[arg-type]


class MemoryCalls:
    """A call cache that lives for one run: the offline roles are instant, and a cache
    on disk would keep serving an old critique after the rules change."""

    def __init__(self) -> None:
        self._entries: dict[str, Any] = {}

    def get(self, key: str, default: Any = None, *, retry: bool = True) -> Any:
        return self._entries.get(key, default)

    def set(self, key: str, value: Any, *, retry: bool = True) -> None:
        self._entries[key] = value


def refine(
    prompt: str,
    *,
    kind: Kind,
    roles: Roles,
    gateway: Gateway,
    target: int = 85,
    rounds: int = 5,
    seed: int = 0,
    duration_s: float = 5.0,
    on_round: Callable[[Round], None] | None = None,
) -> Refinement:
    """Critique and rewrite ``prompt`` until it scores ``target`` or ``rounds`` rewrites
    are done (or a rewrite changes nothing); ``on_round`` sees each round as it ends.

    Raises ``InvalidInput`` for an empty prompt, an unknown kind, ``rounds`` < 1 or a
    target outside 0..100; ``ProviderError``/``BudgetExceeded`` from the model.

    >>> from adpipeline.refine import OfflineRoles, MemoryCalls, refine
    >>> from adpipeline.providers.gateway import Gateway
    >>> g = Gateway(MemoryCalls(), stage="enhance", budget_usd=None, spent_usd=0)
    >>> refine("a water bottle", kind="image", roles=OfflineRoles(), gateway=g).best.score > 80
    True
    """
    prompt = _check(prompt, kind, target, rounds, duration_s)
    names = [c.name for c in CRITERIA[kind]]

    def critique(text: str, number: int) -> Round:
        params = {"kind": kind, "prompt": text, "criteria": names, "seed": seed}
        data = gateway.call(roles, "critique", params, lambda: roles.critique(text, kind, seed))
        scores = [CriterionScore(**c) for c in data["criteria"]]
        overall = round(sum(c.score for c in scores) / len(scores))
        done = Round(number=number, prompt=text, score=overall, criteria=scores,
                     summary=data.get("summary", ""))
        if on_round is not None:
            on_round(done)
        return done

    history = [critique(prompt, 0)]
    stopped: Stop = "limit"
    while True:
        last = history[-1]
        if last.score >= target:
            stopped = "target"
            break
        if len(history) > rounds:
            break
        said = {"criteria": [c.model_dump() for c in last.criteria], "summary": last.summary}
        params = {"kind": kind, "prompt": last.prompt, "critique": said, "seed": seed,
                  "round": len(history), "duration_s": duration_s}
        def rewrite(text: str = last.prompt, critique: dict[str, Any] = said) -> str:
            return roles.rewrite(text, critique, kind, seed, len(history), duration_s)

        new = gateway.call(roles, "rewrite", params, rewrite)
        if new.strip() == last.prompt.strip():
            stopped = "unchanged"
            break
        history.append(critique(new, len(history)))
    return Refinement(kind=kind, provider=roles.name, model=roles.model, seed=seed,
                      target=target, round_limit=rounds, stopped=stopped, rounds=history,
                      ledger=list(gateway.ledger))


def _check(prompt: object, kind: str, target: int, rounds: int, duration_s: float) -> str:
    if kind not in KINDS:
        raise InvalidInput(f"unknown prompt kind {kind!r}: choose one of {', '.join(KINDS)}.")
    if not isinstance(prompt, str) or not prompt.strip():
        raise InvalidInput("the prompt is empty: give the prompt to improve.")
    if len(prompt) > 2000:
        raise InvalidInput(f"the prompt is {len(prompt)} characters; keep it under 2000.")
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise InvalidInput(f"rounds must be a whole number of at least 1, got {rounds!r}.")
    if isinstance(target, bool) or not isinstance(target, int) or not 0 <= target <= 100:
        raise InvalidInput(f"target must be a score from 0 to 100, got {target!r}.")
    if not 0 < duration_s <= 600:
        raise InvalidInput(f"duration must be more than 0 and at most 600 seconds, got {duration_s!r}.")
    return prompt.strip()
