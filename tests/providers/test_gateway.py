from __future__ import annotations

from pathlib import Path
from typing import Any

import diskcache
import pytest

import adpipeline as ap
from adpipeline.providers.base import Cost
from adpipeline.providers.gateway import Gateway, cache_key


class Paid:
    """A provider double that counts the calls that would leave the machine."""

    name = "paid"
    model = "m1"

    def __init__(self, failures: int = 0, transient: bool = True) -> None:
        self.calls = 0
        self.failures = failures
        self.transient = transient

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        return Cost(units=100, unit="tokens", usd=0.25)

    def run(self) -> dict[str, int]:
        self.calls += 1
        if self.calls <= self.failures:
            raise ap.ProviderError("503 from upstream", transient=self.transient)
        return {"answer": 42}


def _gateway(tmp_path: Path, budget: float | None = None, spent: float = 0.0) -> Gateway:
    return Gateway(diskcache.Cache(str(tmp_path / "calls")), stage="story", budget_usd=budget,
                   spent_usd=spent, backoff_s=0)


def test_identical_calls_are_made_once_and_recorded_as_cached(tmp_path: Path) -> None:
    provider = Paid()
    gateway = _gateway(tmp_path)
    first = gateway.call(provider, "write", {"seed": 1}, provider.run)
    second = gateway.call(provider, "write", {"seed": 1}, provider.run)
    assert first == second == {"answer": 42}
    assert provider.calls == 1
    assert [e.cached for e in gateway.ledger] == [False, True]
    assert gateway.ledger[0].cost_usd == 0.25
    assert gateway.spent_usd == 0.25


def test_key_changes_with_provider_model_params_and_inputs() -> None:
    provider = Paid()
    base = cache_key(provider, "write", {"seed": 1}, ["a.png"])
    assert base != cache_key(provider, "write", {"seed": 2}, ["a.png"])
    assert base != cache_key(provider, "write", {"seed": 1}, ["b.png"])
    assert base != cache_key(provider, "other", {"seed": 1}, ["a.png"])
    other = Paid()
    other.model = "m2"
    assert base != cache_key(other, "write", {"seed": 1}, ["a.png"])


def test_call_over_budget_is_refused_before_it_is_made(tmp_path: Path) -> None:
    provider = Paid()
    gateway = _gateway(tmp_path, budget=0.30, spent=0.10)
    with pytest.raises(ap.BudgetExceeded, match="budget"):
        gateway.call(provider, "write", {"seed": 1}, provider.run)
    assert provider.calls == 0
    assert gateway.ledger == []


def test_cached_call_is_served_even_when_the_budget_is_spent(tmp_path: Path) -> None:
    provider = Paid()
    _gateway(tmp_path).call(provider, "write", {"seed": 1}, provider.run)
    broke = _gateway(tmp_path, budget=0.0)
    assert broke.call(provider, "write", {"seed": 1}, provider.run) == {"answer": 42}
    assert provider.calls == 1


def test_transient_failures_are_retried(tmp_path: Path) -> None:
    provider = Paid(failures=2)
    assert _gateway(tmp_path).call(provider, "write", {}, provider.run) == {"answer": 42}
    assert provider.calls == 3


def test_permanent_failures_are_not_retried_and_nothing_is_cached(tmp_path: Path) -> None:
    provider = Paid(failures=1, transient=False)
    gateway = _gateway(tmp_path)
    with pytest.raises(ap.ProviderError):
        gateway.call(provider, "write", {}, provider.run)
    assert provider.calls == 1
    assert gateway.call(provider, "write", {}, provider.run) == {"answer": 42}
