"""A reviewer in a browser: ``adpipeline serve`` (Voila) in Debian's Chromium.

One server for the module, started the way a person starts it (``adpipeline serve
--no-browser``, its own ADPIPELINE_HOME) and stopped the way Ctrl-C stops it. Sessions
are made and read back *in this process* (``ap.start/resume(..., home=...)``): what the
page did must be what Python sees. Every request that is not to this machine is blocked.
Screenshots at 1280 and 400 px go to /tmp/screens/voila-*.png.

The ``serve`` command's refusals (no voila, a bad id, a busy port) are checked without a
browser at the end.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import adpipeline as ap

from .harness import CHROMIUM, Browser, free_port, own_or_shared_browser, wait_until

BRIEF = "10 s ad for Aurora, a reusable water bottle"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
#: What must never show on the page: the notebook's code, or a traceback.
CODE_MARKERS = ("import adpipeline", "ap.resume", "QUERY_STRING", "def show_app", "Traceback")


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str  # "http://127.0.0.1:PORT/"
    home: Path
    log: Path
    token: str = ""

    def at(self, session: str | None = None) -> str:
        """The app's address with the token (and a session)."""
        query = "&".join(p for p in (f"token={self.token}" if self.token else "",
                                      f"session={session}" if session is not None else "") if p)
        return self.url + (f"?{query}" if query else "")

    def session(self, session_id: str) -> ap.Pipeline:
        return ap.resume(session_id, home=self.home)


def _kernels(home: Path) -> list[int]:
    """PIDs of live kernels serving ``home`` (their environment says so)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (b"ipykernel" in (entry / "cmdline").read_bytes()
                    and f"ADPIPELINE_HOME={home}".encode() in (entry / "environ").read_bytes()):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _serve_env(root: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           "JUPYTER_CONFIG_DIR": str(root / ".jupyter" / "config"),
           "JUPYTER_RUNTIME_DIR": str(root / ".jupyter" / "runtime")}
    for name in ("ADPIPELINE_HOME", "ANYWIDGET_HMR", "OPENAI_API_KEY", "REPLICATE_API_TOKEN",
                 "ADPIPELINE_PROVIDERS"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's Chromium is not at {CHROMIUM}: `apt-get install -y chromium`.")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    root = tmp_path_factory.mktemp("voila").resolve()
    home = root / "home"
    log = root / "serve.log"
    # A relative --home: the kernels (which run elsewhere) must get it as ADPIPELINE_HOME.
    command = [sys.executable, "-m", "adpipeline.cli", "--home", "home", "serve", "--no-browser",
               "--port", str(free_port())]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=root, env=_serve_env(root), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)

    def address() -> str | None:
        assert process.poll() is None, f"adpipeline serve exited: {log.read_text()[-2000:]}"
        match = re.search(r"Review app: (http://\S+)", log.read_text())
        return match.group(1) if match else None

    printed = wait_until(address, 60, "adpipeline serve")
    base, _, query = printed.partition("?")
    token = query.removeprefix("token=")
    server = Served(process, base, home, log, token)
    try:
        yield server
    finally:
        voila = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        os.killpg(process.pid, signal.SIGTERM)  # what Ctrl-C does, for a process group
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            for pid in [process.pid, *map(int, voila)]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            raise
        assert code == 0, log.read_text()[-2000:]
        assert "stopping the review app" in log.read_text()
        wait_until(lambda: not _kernels(home), 10, "Voila to shut its kernels down")


@pytest.fixture(scope="module")
def chromium(request: pytest.FixtureRequest, served: Served) -> Iterator[Browser]:
    """Chromium blocking the network beyond this machine (its own, or a context in the
    suite's when that is already up)."""
    with own_or_shared_browser(request) as browser:
        yield browser


def new_page(browser: Browser) -> tuple[Any, list[str]]:
    """A page, and the uncaught JavaScript errors it will have (there must be none)."""
    page = browser.context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def shoot(page: Any, path: Path, widths: tuple[int, ...] = (1280, 400)) -> None:
    """The whole page at each width, as ``<path>-<width>.png``."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(400)
        page.screenshot(path=f"{path}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def assert_no_code(page: Any) -> None:
    text = page.locator("body").inner_text()
    for marker in CODE_MARKERS:
        assert marker not in text, f"{marker!r} is visible on the page"
    assert page.locator(".jp-InputArea, .jp-InputPrompt, .cm-editor, .CodeMirror").count() == 0


@pytest.mark.browser
def test_review_a_session_in_voila(served: Served, chromium: Browser, screens: Path) -> None:
    p = ap.start(BRIEF, home=served.home)
    title = p.story.output.title
    page, errors = new_page(chromium)

    # ?session=ID on Voila's single-notebook URL opens the app on that session.
    page.goto(served.at(p.id))
    story_title = page.locator(".adp-story-title")
    story_title.wait_for(timeout=60_000)
    assert story_title.inner_text().strip() == title
    assert _kernels(served.home), f"the page's kernel should have ADPIPELINE_HOME={served.home}"
    assert page.get_by_role("heading", name=title).first.is_visible()
    assert_no_code(page)
    assert page.title() == f"{title} · Ad review"
    shoot(page, screens / "voila-story")

    # Approve asks first; confirming generates the reference images in the kernel.
    page.get_by_role("button", name=re.compile(r"^Approve and continue")).click()
    dialog = page.locator("dialog.adp-dialog[open]")
    dialog.wait_for()
    dialog.get_by_role("button", name=re.compile(r"^Approve and continue")).click()
    wait_until(lambda: served.session(p.id).stage == "reference_images"
               and served.session(p.id).reference_images.status == "review", 60,
               "the reference images")

    # A reload is a new kernel, and it resumes where the session is: the Images stage.
    page.reload()
    page.locator(".adp-gallery .adp-card").nth(2).wait_for(timeout=60_000)
    assert page.locator(".adp-step-current .adp-step-label").inner_text() == "Images"
    assert_no_code(page)
    shoot(page, screens / "voila-images")

    # A bad or unknown id: a plain message, the start page below it.
    page.goto(served.at("../../etc"))
    notice = page.locator(".adp-start-notice")
    notice.wait_for(timeout=60_000)
    assert "is not the address of an ad" in notice.inner_text()
    assert_no_code(page)
    shoot(page, screens / "voila-bad-id", widths=(400,))
    page.goto(served.at("A" * 22))
    page.get_by_text(re.compile(r"^There is no ad A{22} on this server")).wait_for(timeout=60_000)
    assert_no_code(page)
    page.close()
    assert errors == []
    assert chromium.unexpected_requests() == []


@pytest.mark.browser
def test_start_a_new_ad_from_the_form(served: Served, chromium: Browser, screens: Path) -> None:
    if not ap.sessions(home=served.home):
        ap.start(BRIEF, home=served.home)
    before = ap.sessions(home=served.home)
    page, errors = new_page(chromium)
    page.goto(served.at())
    page.locator(".adp-start").wait_for(timeout=60_000)
    assert_no_code(page)
    # The widgets' shared stylesheet (colours, buttons) came with the start page.
    assert page.evaluate("() => getComputedStyle(document.querySelector('.adp-start'))"
                         ".getPropertyValue('--adp-border').trim()")

    # Recent ads: titles as links to ?session=ID, newest first.
    first = page.locator(".adp-start-list a").first
    assert first.inner_text() == before[0].title
    assert first.get_attribute("href") == f"?session={before[0].id}"
    shoot(page, screens / "voila-start")

    # A brief that is missing or too short: a message in plain words, no session.
    start = page.get_by_role("button", name="Start a new ad from this brief")
    start.click()
    page.get_by_role("alert").filter(has_text="Write a brief first").wait_for()
    page.get_by_label("Brief", exact=True).fill("ab")
    start.click()
    page.get_by_role("alert").filter(has_text="The brief is too short").wait_for(timeout=20_000)
    assert "prompt" not in page.get_by_role("alert").filter(has_text="brief").first.inner_text()
    assert start.is_enabled()
    assert len(ap.sessions(home=served.home)) == len(before)
    shoot(page, screens / "voila-start-error", widths=(400,))

    page.get_by_label("Brief", exact=True).fill("15 s ad for Nimbus, a running shoe")
    page.get_by_label("Frame shape").select_option("9:16")
    start.click()
    page.locator(".adp-story-title").wait_for(timeout=60_000)
    new = [s for s in ap.sessions(home=served.home) if s.id not in {b.id for b in before}]
    assert len(new) == 1
    brief = served.session(new[0].id).session.brief
    assert (brief.duration_s, brief.aspect) == (15, "9:16")
    assert page.locator(".adp-story-title").inner_text().strip() == new[0].title

    # The address now names the new session, so a reload resumes it.
    assert page.url == served.at(new[0].id)
    page.reload()
    page.locator(".adp-story-title").wait_for(timeout=60_000)
    assert page.locator(".adp-story-title").inner_text().strip() == new[0].title
    page.close()
    assert errors == []
    assert chromium.unexpected_requests() == []


# --- the command's refusals: one line and exit 1, before any server starts -------------


def _serve(*args: str, home: Path, code: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ADPIPELINE_HOME": str(home)}
    run = ["-c", code] if code else ["-m", "adpipeline.cli"]
    return subprocess.run([sys.executable, *run, *args], capture_output=True, text=True, env=env,
                          timeout=60)


def test_serve_help_and_refusals(tmp_path: Path) -> None:
    shown = _serve("serve", "--help", home=tmp_path)
    assert shown.returncode == 0
    for word in ("--port", "--host", "--session", "--no-browser", "127.0.0.1", "Ctrl-C"):
        assert word in shown.stdout

    for args, says in [(("--session", "../../etc"), "not a session id"),
                       (("--session", "A" * 22), "no session"),
                       (("--port", "70000"), "1 to 65535")]:
        result = _serve("serve", "--no-browser", *args, home=tmp_path)
        assert result.returncode == 1, result
        assert says in result.stderr and result.stderr.count("\n") == 1, result.stderr

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        result = _serve("serve", "--no-browser", "--port", port, home=tmp_path)
    assert result.returncode == 1 and "choose another --port" in result.stderr, result.stderr


@pytest.mark.parametrize("missing", ["voila", "ipykernel"])  # voila runs the app in a kernel
def test_serve_without_voila_says_what_to_install(tmp_path: Path, missing: str) -> None:
    hide = (f"import sys; sys.modules[{missing!r}] = None; from adpipeline.cli import main; "
            "sys.exit(main(sys.argv[1:]))")
    result = _serve("serve", "--no-browser", home=tmp_path, code=hide)
    assert result.returncode == 1
    assert result.stderr == (f"adpipeline: error: {missing} is not installed: pip install "
                             "'adpipeline[jupyter]' to review in a browser.\n")
    extra = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]["jupyter"]
    assert any(requirement.startswith(missing) for requirement in extra)
