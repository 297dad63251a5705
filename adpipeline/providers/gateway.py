"""The one choke point every provider call passes through.

In order, for each call: build a cache key from everything the result depends on;
serve a cached result if there is one (recorded as a cached ledger entry, no cost);
otherwise ask the provider what the call will cost and refuse it with
:class:`BudgetExceeded` if it would take the session past its budget, *before*
anything is sent; make the call, retrying transient failures with backoff; store the
result and record the cost.

Results must be JSON-able (media goes into the blob store first and is returned by
name), so a cached result is exactly what the first call returned.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import BudgetExceeded, ProviderError
from ..models import LedgerEntry, blob_names_in
from .base import Provider

if TYPE_CHECKING:
    from ..store import Blobs, Calls

log = logging.getLogger(__name__)

T = TypeVar("T")

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
    ) -> None:
        self._cache = cache
        self._blobs = blobs
        self.stage = stage
        self.budget_usd = budget_usd
        self.spent_usd = spent_usd
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.ledger: list[LedgerEntry] = []

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
            self._record(provider, operation, cost.units, cost.unit, cost.usd, cached=True, key=key)
            return hit  # type: ignore[no-any-return]
        if self.budget_usd is not None and self.spent_usd + cost.usd > self.budget_usd + 1e-9:
            raise BudgetExceeded(
                f"{provider.name}/{provider.model} {operation} would cost about "
                f"${cost.usd:.4f}; this session has spent ${self.spent_usd:.4f} of its "
                f"${self.budget_usd:.2f} budget, so it was not made. Raise the budget "
                "(p.budget = ...) or switch this capability to the offline provider "
                "(p.use(image='offline'), or text=, inpaint=, video=)."
            )
        result = self._with_retries(provider, operation, run)
        self._cache.set(key, result, retry=True)
        self.spent_usd += cost.usd
        self._record(provider, operation, cost.units, cost.unit, cost.usd, cached=False, key=key)
        return result

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

    def _with_retries(self, provider: Provider, operation: str, run: Callable[[], T]) -> T:
        for attempt in range(1, self.attempts + 1):
            try:
                return run()
            except ProviderError as exc:
                if not exc.transient or attempt == self.attempts:
                    raise
                delay = self.backoff_s * 2 ** (attempt - 1)
                log.warning(
                    "%s %s failed (%s); retry %d of %d in %.1fs",
                    provider.name, operation, exc, attempt, self.attempts - 1, delay,
                )
                time.sleep(delay)
        raise AssertionError("unreachable")

    def _record(
        self, provider: Provider, operation: str, units: float, unit: str, usd: float,
        *, cached: bool, key: str,
    ) -> None:
        self.ledger.append(
            LedgerEntry(
                provider=provider.name,
                model=provider.model,
                stage=self.stage,
                operation=operation,
                units=units,
                unit=unit,
                cost_usd=usd,
                cached=cached,
                key=key,
            )
        )
