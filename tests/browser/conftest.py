"""One JupyterLab server and one Chromium for the whole browser suite (starting them is
most of the suite's time), each test in its own notebook and page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import CHROMIUM, Browser, Lab, open_browser

SCREENS = Path("/tmp/screens")


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's Chromium is not at {CHROMIUM}: `apt-get install -y chromium` "
                    "(never `playwright install`); CI installs it.")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    _need_chromium()
    root = tmp_path_factory.mktemp("lab")
    server = Lab(root, root / "home").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(lab: Lab) -> Iterator[Browser]:
    with open_browser() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def screens() -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS
