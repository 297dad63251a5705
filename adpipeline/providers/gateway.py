"""The one choke point every provider call passes through.

In order, for each call: build a cache key from everything the result depends on;
serve a cached result if there is one (recorded as a cached ledger entry, no cost);
otherwise ask the provider what the call will cost and refuse it with
:class:`BudgetExceeded` if it would take the session past its budget, *before*
anything is sent; make the call, retrying transient failures with backoff; store the
result and record the cost.

Concurrency: a stage draws its items on several threads through one gateway. The
budget holds because each call *reserves* its estimate under a lock before it is sent
(so eight concurrent calls cannot each see the same headroom) and *settles* with the
real cost afterwards (what the provider reported from the response's ``usage``, via
:func:`report_cost`, else the estimate).

Deadlines: each call has one deadline, set here (``deadline_s``, or the provider's
own ``deadline_s`` for slow kinds such as video); providers read what is left with
:func:`remaining` for their HTTP timeouts, and no retry starts after it. Retries wait
with exponential backoff and full jitter, or what a 429's ``Retry-After`` asked for.

Results must be JSON-able (media goes into the blob store first and is returned by
name), so a cached result is exactly what the first call returned.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import BudgetExceeded, ProviderError
from ..models import LedgerEntry, blob_names_in
from .base import Provider

if TYPE_CHECKING:
    from ..store import Blobs, Calls

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds one call may take, retries included, unless its provider says otherwise.
DEFAULT_DEADLINE_S = 300.0


@dataclass
class _Scope:
    deadline: float
    actual_usd: float | None = None
    note: str | None = None


_scope: ContextVar[_Scope | None] = ContextVar("adpipeline_call_scope", default=None)


def remaining(default: float = DEFAULT_DEADLINE_S) -> float:
    """Seconds left before the current call's deadline (``default`` outside a call).

    Providers pass this as their HTTP timeout, so a slow answer ends the call on time.
    """
    scope = _scope.get()
    if scope is None:
        return default
    return max(0.05, scope.deadline - time.monotonic())


def report_cost(usd: float) -> None:
    """Tell the gateway what the current call really cost (from the response's usage)."""
    scope = _scope.get()
    if scope is not None:
        scope.actual_usd = (scope.actual_usd or 0.0) + usd


def report_note(note: str) -> None:
    """A sentence for the ledger about the current call ("takes no reference images")."""
    scope = _scope.get()
    if scope is not None:
        scope.note = note


@contextmanager
def _call_scope(deadline_s: float) -> Iterator[_Scope]:
    scope = _Scope(deadline=time.monotonic() + deadline_s)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


# Bump when a provider's output for the same request changes, so old cache entries
# are not served for the new behaviour.
CACHE_EPOCH = 1


def cache_key(
    provider: Provider, operation: str, params: dict[str, Any], inputs: Sequence[str] = ()
) -> str:
    """A content hash of (provider, model, operation, parameters incl. seed, input blobs)."""
    material = {
        "epoch": CACHE_EPOCH,
        "provider": provider.name,
        "model": provider.model,
        "operation": operation,
        "params": params,
        "inputs": list(inputs),
    }
    blob = json.dumps(material, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


class Gateway:
    """Caching, budget, ledger and retries for one piece of work on one session.

    ``spent_usd`` is what the session had already spent; ``ledger`` collects the
    entries of this piece of work, which the pipeline appends to the session.
    """

    def __init__(
        self,
        cache: Calls,
        *,
        stage: str,
        budget_usd: float | None,
        spent_usd: float,
        attempts: int = 3,
        backoff_s: float = 0.5,
        blobs: Blobs | None = None,
        deadline_s: float | None = None,
    ) -> None:
        self._cache = cache
        self._blobs = blobs
        self.stage = stage
        self.budget_usd = budget_usd
        self.spent_usd = spent_usd
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.deadline_s = deadline_s
        self.ledger: list[LedgerEntry] = []
        #: Estimates of calls in flight, held against the budget until they settle.
        self.reserved_usd = 0.0
        self._lock = threading.Lock()

    def call(
        self,
        provider: Provider,
        operation: str,
        params: dict[str, Any],
        run: Callable[[], T],
        *,
        inputs: Sequence[str] = (),
    ) -> T:
        key = cache_key(provider, operation, params, inputs)
        cost = provider.estimate(operation, params)
        hit = self._cache.get(key, retry=True)
        if hit is not None and self._media_intact(hit):
            self._record(provider, operation, cost, None, cached=True, key=key, note=None)
            return hit  # type: ignore[no-any-return]
        self._reserve(provider, operation, cost.usd)
        deadline = self.deadline_s or float(getattr(provider, "deadline_s", DEFAULT_DEADLINE_S))
        try:
            with _call_scope(deadline) as scope:
                result = self._with_retries(provider, operation, run, scope)
        finally:
            with self._lock:
                self.reserved_usd -= cost.usd
        self._cache.set(key, result, retry=True)
        with self._lock:
            self.spent_usd += scope.actual_usd if scope.actual_usd is not None else cost.usd
        self._record(provider, operation, cost, scope.actual_usd, cached=False, key=key,
                     note=scope.note)
        return result

    def _reserve(self, provider: Provider, operation: str, usd: float) -> None:
        with self._lock:
            committed = self.spent_usd + self.reserved_usd
            if self.budget_usd is not None and committed + usd > self.budget_usd + 1e-9:
                raise BudgetExceeded(
                    f"{provider.name}/{provider.model} {operation} would cost about "
                    f"${usd:.4f}; this session has spent ${self.spent_usd:.4f} "
                    + (f"(and ${self.reserved_usd:.4f} is held by calls in flight) "
                       if self.reserved_usd > 0 else "")
                    + f"of its ${self.budget_usd:.2f} budget, so it was not made. Raise the "
                    "budget (p.budget = ...) or switch this capability to the offline provider "
                    "(p.use(image='offline'), or text=, inpaint=, video=)."
                )
            self.reserved_usd += usd

    def has(
        self, provider: Provider, operation: str, params: dict[str, Any], inputs: Sequence[str] = ()
    ) -> bool:
        """Whether :meth:`call` with these arguments would be served from the cache.

        Lets a caller batch the misses into one provider run (piper loads its voice once
        for all the lines to speak) and still pass every item through :meth:`call`.
        """
        hit = self._cache.get(cache_key(provider, operation, params, inputs), retry=True)
        return hit is not None and self._media_intact(hit)

    def _media_intact(self, result: Any) -> bool:
        """A cached result whose media was deleted or damaged is made again, so that
        regenerating a damaged item repairs it."""
        if self._blobs is None:
            return True
        return all(self._blobs.intact(name) for name in blob_names_in(json.dumps(result, default=str)))

    def _with_retries(
        self, provider: Provider, operation: str, run: Callable[[], T], scope: _Scope
    ) -> T:
        for attempt in range(1, self.attempts + 1):
            try:
                return run()
            except ProviderError as exc:
                left = scope.deadline - time.monotonic()
                if not exc.transient or attempt == self.attempts or left <= 0:
                    raise
                # Full jitter: concurrent calls that failed together do not retry together.
                delay = random.uniform(0, self.backoff_s * 2 ** (attempt - 1))
                if exc.retry_after is not None:
                    delay = max(delay, exc.retry_after)
                if delay >= left:
                    raise ProviderError(
                        f"{exc} (the retry would start after this call's "
                        f"{self.deadline_s or getattr(provider, 'deadline_s', DEFAULT_DEADLINE_S):.0f} s "
                        "deadline; try again later)", status=exc.status,
                    ) from None
                log.warning(
                    "%s %s failed (%s); retry %d of %d in %.1fs",
                    provider.name, operation, exc, attempt, self.attempts - 1, delay,
                )
                time.sleep(delay)
        raise AssertionError("unreachable")

    def _record(
        self, provider: Provider, operation: str, cost: Any, actual_usd: float | None,
        *, cached: bool, key: str, note: str | None,
    ) -> None:
        entry = LedgerEntry(
            provider=provider.name,
            model=provider.model,
            stage=self.stage,
            operation=operation,
            units=cost.units,
            unit=cost.unit,
            cost_usd=actual_usd if actual_usd is not None else cost.usd,
            estimate_usd=cost.usd,
            cached=cached,
            key=key,
            note=note,
        )
        with self._lock:
            self.ledger.append(entry)
