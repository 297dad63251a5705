"""JupyterLab in Debian's Chromium, for the browser tests and ``benchmarks/bench_widgets.py``.

* :class:`Lab` starts ``jupyter lab`` on a free port in a temporary directory, with its
  own ``ADPIPELINE_HOME`` and Jupyter config/runtime directories (so nothing from the
  user's setup leaks in), and stops it by process group so it cannot autosave over a
  notebook afterwards.
* :func:`open_browser` launches Chromium with the flags from JUPYTER-NOTES and blocks
  every request that is not to 127.0.0.1/localhost, ``data:`` or ``blob:``; the ones it
  blocked are kept in ``blocked`` so a test can fail on a hidden CDN dependency.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
    # Let the test start the <video> without a click.
    "--autoplay-policy=no-user-gesture-required",
]
#: Requests the tests tolerate being blocked: icons only, harmless when they fail.
KNOWN_EXTERNAL = ("font-awesome", "fontawesome")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Lab:
    """A JupyterLab server serving ``root``, its kernels using ``home`` as ADPIPELINE_HOME."""

    root: Path
    home: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> Lab:
        self.port = self.port or free_port()
        jupyter = self.root / ".jupyter"
        env = {
            **os.environ,
            "ADPIPELINE_HOME": str(self.home),
            "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
            "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(jupyter / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(jupyter / "workspaces"),
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("ANYWIDGET_HMR", "OPENAI_API_KEY", "REPLICATE_API_TOKEN",
                     "ADPIPELINE_PROVIDERS"):
            env.pop(name, None)
        self._quiet_lab_settings(jupyter / "settings")
        self.log = self.root / "jupyter-lab.log"
        command = [
            sys.executable, "-m", "jupyter", "lab", "--allow-root", "--no-browser",
            f"--port={self.port}", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=",
            "--LabApp.expose_app_in_browser=True", f"--ServerApp.root_dir={self.root}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=", "--ServerApp.open_browser=False",
        ]
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status", timeout=2) as reply:
                    if reply.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer in {timeout:.0f} s")

    @staticmethod
    def _quiet_lab_settings(settings: Path) -> None:
        # No announcements popup (it asks to fetch news from the internet).
        plugin = settings / "@jupyterlab" / "apputils-extension"
        plugin.mkdir(parents=True, exist_ok=True)
        (plugin / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def write_notebook(self, name: str, cells: list[str]) -> Path:
        """Write a notebook of code ``cells`` under the server root."""
        notebook = {
            "cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}",
                       "metadata": {}, "outputs": [], "source": source}
                      for i, source in enumerate(cells)],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                        "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5,
        }
        path = self.root / name
        path.write_text(json.dumps(notebook))
        return path


@dataclass
class Browser:
    """A Chromium context that blocks the network beyond this machine."""

    context: Any
    blocked: list[str] = field(default_factory=list)

    def unexpected_requests(self) -> list[str]:
        return [u for u in self.blocked if not any(k in u.lower() for k in KNOWN_EXTERNAL)]


def _local(url: str) -> bool:
    return url.startswith(("data:", "blob:", "http://127.0.0.1:", "http://localhost:",
                           "ws://127.0.0.1:", "ws://localhost:", "about:"))


@contextmanager
def open_browser(width: int = 1280, height: int = 900) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                              headless=True)
        context = chromium.new_context(viewport={"width": width, "height": height})
        try:
            yield _guarded(context)
        finally:
            context.close()
            chromium.close()


def _guarded(context: Any) -> Browser:
    """``context`` as a :class:`Browser` whose requests beyond this machine are blocked."""
    browser = Browser(context)

    def guard(route: Any) -> None:
        url = route.request.url
        if _local(url):
            route.continue_()
        else:
            browser.blocked.append(url)
            route.abort()

    context.route("**/*", guard)
    return browser


@contextmanager
def own_or_shared_browser(request: Any) -> Iterator[Browser]:
    """A Chromium of our own; only one sync Playwright can run per thread, so when the
    suite's is already up, a new context in its browser (the ``browser`` fixture)."""
    from playwright.sync_api import Error

    yielded = False
    try:
        with open_browser() as own:
            yielded = True
            yield own
        return
    except Error as exc:
        if yielded or "asyncio loop" not in str(exc):
            raise
    shared: Browser = request.getfixturevalue("browser")
    context = shared.context.browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield _guarded(context)
    finally:
        context.close()


def open_notebook(browser: Browser, lab: Lab, name: str, *, timeout: float = 90_000,
                  prepare: Callable[[Any], None] | None = None) -> Any:
    """Open ``name`` in JupyterLab, run all its cells and return the page.

    ``prepare(page)`` runs before the page loads (to listen from the very start).
    """
    page = browser.context.new_page()
    if prepare is not None:
        prepare(page)
    # A workspace of its own, reset: otherwise JupyterLab reopens the notebooks of earlier
    # pages too, and "run all" may run one of them.
    workspace = Path(name).stem
    page.goto(f"{lab.url}/lab/workspaces/{workspace}/tree/{name}?reset")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=timeout)
    page.wait_for_selector(".jp-Notebook", timeout=timeout)
    # Wait for the kernel to be idle before running, or the run is queued behind start-up.
    page.wait_for_function(
        """(name) => {
            const w = window.jupyterapp.shell.currentWidget;
            const k = w && w.context && w.context.path === name && w.sessionContext
                && w.sessionContext.session && w.sessionContext.session.kernel;
            return k && k.status === 'idle';
        }""", arg=name, timeout=timeout)
    # The file browser would take a third of a narrow window: close the side panels.
    page.evaluate("() => { window.jupyterapp.shell.collapseLeft();"
                  " window.jupyterapp.shell.collapseRight(); }")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    return page


def wait_until(check: Any, timeout: float = 30.0, what: str = "") -> Any:
    """Poll ``check()`` until it returns something true (AssertionError counts as false)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
        except AssertionError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or check}")
        time.sleep(0.2)


def shoot(page: Any, path: Path, *, widths: tuple[int, ...] = (1280, 400)) -> None:
    """Screenshot the app's output at each width (``<path>-<width>.png``), the window made
    tall enough to hold all of it (JupyterLab would otherwise draw its bars over it)."""
    output = page.locator(".jp-OutputArea-output:has(.adp-app)").first
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)  # JupyterLab re-lays out after a resize
        height = output.evaluate("(el) => el.getBoundingClientRect().height")
        page.set_viewport_size({"width": width, "height": int(min(height + 300, 6000))})
        page.wait_for_timeout(300)
        output.screenshot(path=f"{path}-{width}.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(300)


def run_in_kernel(page: Any, code: str, timeout: float = 60.0) -> bool:
    """Execute ``code`` in the open notebook's kernel (not as a cell; outputs are dropped).

    Returns whether the kernel answered within ``timeout`` seconds.
    """
    return bool(page.evaluate(
        """([code, ms]) => Promise.race([
            window.jupyterapp.shell.currentWidget.sessionContext.session.kernel
                .requestExecute({code, silent: false, store_history: false}).done
                .then(() => true),
            new Promise((resolve) => setTimeout(() => resolve(false), ms)),
        ])""", [code, timeout * 1000]))


#: Start watching for a chat bubble with this exact text; ``window.__adpSeen`` resolves to
#: the epoch milliseconds it appeared (or -1 after the timeout).
WATCH_BUBBLE = """([text, ms]) => {
    const found = () => [...document.querySelectorAll('.adp-bubble')]
        .some((node) => node.textContent === text);
    window.__adpSeen = new Promise((resolve) => {
        if (found()) { resolve(Date.now()); return; }
        const observer = new MutationObserver(() => {
            if (found()) { observer.disconnect(); resolve(Date.now()); }
        });
        observer.observe(document.body, {childList: true, subtree: true, characterData: true});
        setTimeout(() => { observer.disconnect(); resolve(-1); }, ms);
    });
}"""


def time_to_bubble(page: Any, text: str, act: Any, timeout: float = 10.0) -> float:
    """Seconds from calling ``act()`` to a chat bubble with ``text`` showing in ``page``."""
    page.evaluate(WATCH_BUBBLE, [text, timeout * 1000])
    started = time.time()
    act()
    seen = page.evaluate("() => window.__adpSeen")
    if seen < 0:
        raise AssertionError(f"no chat bubble {text!r} within {timeout:.0f} s")
    return seen / 1000 - started
