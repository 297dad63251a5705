"""Every test gets its own store directory and an environment without provider keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import adpipeline as ap
from adpipeline.pipeline import entry

from .fake_openai import KEY, FakeOpenAI, serve

BRIEF = "30 s ad for Aurora, a reusable water bottle"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    store = tmp_path / "home"
    monkeypatch.setenv("ADPIPELINE_HOME", str(store))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "REPLICATE_API_TOKEN",
                 "ADPIPELINE_PROVIDERS", "ADPIPELINE_OPENAI_MODEL", "ADPIPELINE_TEXT_JSON",
                 "ADPIPELINE_CONCURRENCY", "REPLICATE_BASE_URL",
                 *(f"ADPIPELINE_{c.upper()}_{k}" for c in ("text", "image", "inpaint", "video",
                                                           "voice", "music")
                   for k in ("MODEL", "BASE_URL"))):
        monkeypatch.delenv(name, raising=False)
    yield store
    for cached in list(entry._stores.values()):
        cached.close()
    entry._stores.clear()


@pytest.fixture
def pipeline(home: Path) -> ap.Pipeline:
    return ap.start(BRIEF, home=home)


@pytest.fixture
def openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """A loopback server answering like OpenAI's API, with the provider pointed at it."""
    monkeypatch.setattr("adpipeline.providers.gateway.time.sleep", lambda s: None)
    with serve() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        yield fake


#: Lines the reliability suite reports (kills, reads, refusals ...), printed at the end.
REPORTS: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REPORTS:
        terminalreporter.section("reliability counts")
        for line in REPORTS:
            terminalreporter.write_line(line)
