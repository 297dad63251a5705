"""The review app stays honest when the connection drops or another reviewer acts, and
works from the keyboard (``adpipeline serve`` in Debian's Chromium).

Each test starts its own server the way a person does (``adpipeline serve`` with a
token, its own ADPIPELINE_HOME), because some of them stop it or kill its kernels.
Every request that is not to this machine is blocked, and none may be made at all.
axe-core comes from npm (``npm ci`` at the repository root, which ``scripts/test.sh`` runs),
never from a CDN. Screenshots at 1280 and 400 px go to /tmp/screens/conn-*.png.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import adpipeline as ap

from .harness import CHROMIUM, Browser, free_port, own_or_shared_browser, wait_until
from .test_voila import _kernels, _serve_env

BRIEF = "6 s ad for Aurora, a reusable water bottle"
TOKEN = "test-token-0123456789abcdef"
AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@dataclass
class Server:
    root: Path
    home: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        log = self.root / "serve.log"
        before = log.stat().st_size if log.exists() else 0
        command = [sys.executable, "-m", "adpipeline.cli", "--home", str(self.home), "serve",
                   "--no-browser", "--port", str(self.port), "--token", TOKEN]
        with open(log, "ab") as out:
            self.process = subprocess.Popen(command, cwd=self.root, env=_serve_env(self.root),
                                            stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        wait_until(lambda: f"token={TOKEN}" in log.read_text()[before:], 60, "adpipeline serve")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    def at(self, session: str | None = None) -> str:
        return (f"http://127.0.0.1:{self.port}/?token={TOKEN}"
                + (f"&session={session}" if session else ""))

    @property
    def log(self) -> str:
        return (self.root / "serve.log").read_text()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's Chromium is not at {CHROMIUM}: `apt-get install -y chromium`.")
    pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")
    served = Server(tmp_path, tmp_path / "home", free_port()).start()
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture
def chromium(request: pytest.FixtureRequest) -> Iterator[Browser]:
    with own_or_shared_browser(request) as browser:
        yield browser
        assert browser.blocked == [], f"requests beyond this machine: {browser.blocked}"


def open_app(browser: Browser, url: str, ready: str = ".adp-stagebar-title") -> tuple[Any, list[str]]:
    page = browser.context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.locator(ready).first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    return page, errors


def axe_serious(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page (id and first targets)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` at the repository root (scripts/test.sh does)")
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(content=AXE.read_text())
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)""")
    return list(found)


def tab_walk(page: Any, max_steps: int = 200) -> None:
    """Tab from the top of the page until focus wraps: every visible, enabled control of
    the app must have had focus, and Tab must never stay on one element."""
    page.evaluate("""() => {
        window.__adpFocus = [];
        const controls = [...document.querySelectorAll('.adp button, .adp select, .adp textarea,'
          + ' .adp input, .adp a[href], .adp [role=log], .adp-painter canvas')]
          .filter((n) => !n.disabled && n.getClientRects().length && !n.closest('[hidden]')
                         && !n.closest('dialog:not([open])')
                         && !n.closest('details:not([open]) > :not(summary)'));
        controls.forEach((n, i) => n.setAttribute('data-walk', String(i)));
        window.__adpControls = controls.length;
        document.addEventListener('focusin', (e) => window.__adpFocus.push(
          e.target.getAttribute && e.target.getAttribute('data-walk')), true);
        document.activeElement && document.activeElement.blur();
    }""")
    previous, repeats = None, 0
    for _ in range(max_steps):
        page.keyboard.press("Tab")
        now = page.evaluate("() => document.activeElement && ((document.activeElement"
                            ".getAttribute('data-walk') || '') + document.activeElement.outerHTML"
                            ".slice(0, 120))")
        repeats = repeats + 1 if now == previous else 0
        # A <video>'s own controls (play, time, volume, ...) take Tab one after another
        # inside the element, so it stays the active element for a few presses.
        allowed = 12 if now is not None and "<video" in now else 0
        assert repeats <= allowed or now is None or "<body" in now, f"Tab stayed on {now}"
        previous = now
    missing = page.evaluate("""() => [...document.querySelectorAll('[data-walk]')]
        .filter((n) => !window.__adpFocus.includes(n.getAttribute('data-walk')))
        .map((n) => n.outerHTML.slice(0, 100))""")
    assert missing == [], f"never reached with Tab: {missing}"


def shoot(page: Any, name: str, at: str | None = None) -> None:
    """Screenshots at 1280 and 400 px (with ``at``, that part scrolled into view: Voila's
    page scrolls inside its own box, so a "full page" shot shows only the window)."""
    screens = Path("/tmp/screens")
    screens.mkdir(parents=True, exist_ok=True)
    for width in (1280, 400):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(400)
        if at is not None:
            page.locator(at).first.evaluate("(node) => node.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(200)
        page.screenshot(path=str(screens / f"conn-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} at {width} px is {overflow} px wider than the window"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.browser
def test_server_stopped_banner_then_reload_lands_on_the_same_state(
        server: Server, chromium: Browser) -> None:
    p = ap.start(BRIEF, home=server.home)
    page, errors = open_app(chromium, server.at(p.id))
    page.get_by_label("Feedback message").fill("make it funnier")

    server.stop()
    stopped = time.monotonic()
    banner = page.get_by_role("alert").filter(has_text=re.compile("Connection lost|lost its connection"))
    banner.first.wait_for(timeout=10_000)
    assert time.monotonic() - stopped < 5.5, "the banner took longer than 5 s"
    assert page.get_by_role("button", name=re.compile("^Approve")).is_disabled()
    assert page.get_by_label("Feedback message").input_value() == "make it funnier"
    shoot(page, "lost")

    server.start()
    page.reload()
    page.locator(".adp-story-title").wait_for(timeout=60_000)
    assert page.locator(".adp-story-title").inner_text().strip() == p.story.output.title
    assert page.locator(".adp-step-current .adp-step-label").inner_text() == "Story"
    # What was typed came back with the page (kept in the tab's session storage).
    assert page.get_by_label("Feedback message").input_value() == "make it funnier"
    assert errors == []


@pytest.mark.browser
def test_killed_kernel_page_says_so(server: Server, chromium: Browser) -> None:
    p = ap.start(BRIEF, home=server.home)
    page, _ = open_app(chromium, server.at(p.id))
    kernels = _kernels(server.home)
    assert len(kernels) == 1
    os.kill(kernels[0], signal.SIGKILL)
    page.get_by_role("alert").filter(has_text="lost its connection to the server for good") \
        .first.wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Reload page").first.is_visible()
    # Only our words and the reload: no red, unlabelled broken-link icons from ipywidgets.
    wait_until(lambda: page.locator(".jupyter-widgets-disconnected").count() > 0, 30,
               "the widgets to know their kernel is gone")
    icons = page.evaluate("""() => [...document.querySelectorAll('.jupyter-widgets-disconnected')]
        .map((node) => getComputedStyle(node, '::before').content)
        .filter((content) => content && content !== 'none' && content !== 'normal')""")
    assert icons == []
    assert page.get_by_role("button", name="Send feedback").is_disabled()
    shoot(page, "gone")


@pytest.mark.browser
def test_two_pages_race_an_approve_and_a_chat_message(server: Server, chromium: Browser) -> None:
    p = ap.start(BRIEF, home=server.home)
    one, _ = open_app(chromium, server.at(p.id))
    two, errors = open_app(chromium, server.at(p.id))
    message = "make the voiceover warmer"
    two.get_by_label("Feedback message").fill(message)

    one.get_by_role("button", name=re.compile(r"^Approve")).first.click()
    one.locator("dialog.adp-dialog[open]").get_by_role("button", name=re.compile("^Approve")).click()
    two.get_by_label("Feedback message").press("Enter")

    wait_until(lambda: ap.resume(p.id, home=server.home).reference_images.status == "review",
               90, "the reference images")
    saved = [m.text for m in ap.resume(p.id, home=server.home).session.conversation]

    def kept() -> bool:
        boxes = two.locator("textarea.adp-chat-input")
        return any(message in boxes.nth(i).input_value() for i in range(boxes.count()))

    if message not in saved:  # refused: the text is still in a box, and the page says why
        wait_until(kept, 20, "the refused message back in the box")
        two.get_by_role("alert").filter(has_text="was not sent").first.wait_for(timeout=10_000)
        assert "ap." not in two.locator("body").inner_text()
    shoot(two, "race")
    assert errors == []


@pytest.mark.browser
def test_reloads_free_their_kernels(server: Server, chromium: Browser) -> None:
    p = ap.start(BRIEF, home=server.home)
    page, _ = open_app(chromium, server.at(p.id))
    for _ in range(20):
        page.reload()
    page.locator(".adp-stagebar-title").first.wait_for(timeout=60_000)
    wait_until(lambda: len(_kernels(server.home)) <= 2, 30, "kernels to be shut down")
    assert "_xsrf' argument missing" not in server.log


@pytest.mark.browser
def test_every_screen_keyboard_and_axe(server: Server, chromium: Browser) -> None:
    p = ap.start(BRIEF, home=server.home)

    # The start page: no token, no list.
    page = chromium.context.new_page()
    page.goto(f"http://127.0.0.1:{server.port}/?session={p.id}")
    assert page.locator(".adp-start-list, .adp-story-title").count() == 0 or "token" in page.url
    page.goto(server.at())
    page.locator(".adp-start").wait_for(timeout=60_000)
    assert axe_serious(page) == []
    tab_walk(page)
    shoot(page, "start")
    source = page.content()
    assert str(server.home) not in source and " at 0x" not in source

    # Story.
    page.goto(server.at(p.id))
    page.locator(".adp-story-title").wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    assert axe_serious(page) == []
    tab_walk(page)
    assert str(server.home) not in page.content()

    # The images: approved from Python, then the page reloaded (approving in the page,
    # and focus moving to the new heading, is test_approving_in_the_page_moves_focus).
    ap.resume(p.id, home=server.home).story.approve()
    page.reload()
    page.locator(".adp-gallery .adp-card").nth(2).wait_for(timeout=90_000)
    page.wait_for_timeout(500)
    assert axe_serious(page) == []
    tab_walk(page)
    shoot(page, "images")

    # The painter: Tab leaves the canvas, a rectangle from the keyboard paints the mask,
    # Escape closes it.
    page.get_by_role("button", name=re.compile(r"^Edit part of")).first.click()
    page.locator(".adp-painter canvas").first.wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(500)
    assert axe_serious(page) == []
    page.get_by_role("button", name=re.compile("^Rectangle")).click()
    page.get_by_text(re.compile(r"^Rectangle at \d+, \d+")).wait_for(timeout=10_000)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_text(re.compile(r"1 stroke painted")).wait_for(timeout=10_000)
    canvas = page.locator(".adp-painter canvas").last
    canvas.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.tagName") != "CANVAS"
    canvas.focus()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.tagName") != "CANVAS"
    shoot(page, "painter", at=".adp-painter")
    tab_walk(page)
    # Escape closes the painter, and focus goes back to the button that opened it.
    canvas.focus()
    page.keyboard.press("Escape")
    page.locator(".adp-painter").wait_for(state="detached", timeout=10_000)
    wait_until(lambda: (page.evaluate("() => document.activeElement.getAttribute('aria-label')")
                        or "").startswith("Edit part of"), 10, "focus back on the Edit button")

    # The finished ad.
    q = ap.resume(p.id, home=server.home)
    q.reference_images.approve()
    q.storyboard.approve()
    q.video.approve()
    page.reload()
    page.get_by_text(re.compile("Finished: the ad is complete")).wait_for(timeout=60_000)
    page.locator("video.adp-player").wait_for(timeout=30_000)
    assert page.get_by_role("link", name=re.compile("^Download MP4")).is_visible()
    assert axe_serious(page) == []
    tab_walk(page)
    shoot(page, "complete", at=".adp-app")

    # Reopen asks first and names what becomes stale.
    names = page.locator(".adp-step").evaluate_all(
        "(nodes) => nodes.map((n) => n.textContent)")
    step = page.get_by_role("button", name=re.compile(r"^Storyboard\W*done$"))
    assert step.count() == 1, names
    step.click()
    page.locator(".adp-stagebar-title", has_text="Storyboard").wait_for(timeout=30_000)
    page.get_by_role("button", name=re.compile("^Reopen")).click()
    question = page.locator("dialog.adp-dialog[open] .adp-confirm-text")
    assert "video" in question.inner_text() and "no longer be complete" in question.inner_text()
    page.get_by_role("button", name="Cancel, keep reviewing").click()
    assert ap.resume(p.id, home=server.home).stage == "complete"


@pytest.mark.browser
def test_approving_in_the_page_moves_focus(server: Server, chromium: Browser) -> None:
    p = ap.start(BRIEF, home=server.home)
    page, errors = open_app(chromium, server.at(p.id))
    page.get_by_role("button", name=re.compile(r"^Approve")).first.click()
    page.locator("dialog.adp-dialog[open]").get_by_role("button", name=re.compile("^Approve")).click()
    page.locator(".adp-gallery .adp-card").nth(2).wait_for(timeout=60_000)
    wait_until(lambda: page.evaluate("() => document.activeElement.textContent") == "Images",
               10, "focus on the Images heading")
    assert errors == []
    assert "Traceback" not in server.log


#: Keeps the page's websockets at hand, and lets a test refuse new ones for a while (the
#: kernel connection then retries, as it does when a network drops).
SOCKETS = """() => {
    const Native = window.WebSocket;
    window.__adpSockets = [];
    window.__adpRefuseSockets = false;
    window.WebSocket = class extends Native {
        constructor(url, protocols) {
            super(window.__adpRefuseSockets ? 'ws://127.0.0.1:9/' : url, protocols);
            window.__adpSockets.push(this);
        }
    };
}"""


@pytest.mark.browser
def test_after_a_reconnect_the_page_shows_what_changed_meanwhile(
        server: Server, chromium: Browser) -> None:
    p = ap.start(BRIEF, home=server.home)
    chromium.context.add_init_script(script=f"({SOCKETS})()")
    page, errors = open_app(chromium, server.at(p.id))
    page.evaluate("""() => { window.__adpRefuseSockets = true;
        window.__adpSockets.filter((s) => s.url.includes('/channels')).forEach((s) => s.close()); }""")
    page.get_by_role("alert").filter(has_text="Connection lost").first.wait_for(timeout=10_000)

    # Meanwhile another process approves the story: the page's kernel sees it and updates
    # the widgets, but nothing reaches the page until it reconnects.
    ap.resume(p.id, home=server.home).story.approve()
    page.evaluate("() => { window.__adpRefuseSockets = false; }")

    page.locator(".adp-gallery .adp-card").nth(2).wait_for(timeout=60_000)
    page.get_by_role("alert").filter(has_text="Connection lost").first.wait_for(
        state="hidden", timeout=30_000)
    assert page.locator(".adp-step-current .adp-step-label").inner_text() == "Images"
    assert page.locator(".adp-stagebar-title").first.inner_text() == "Images"
    # The controls are drawn from the new stage's state, not left as the outage left them.
    approve = page.get_by_role("button", name=re.compile(r"^Approve")).first
    wait_until(approve.is_enabled, 20, "Approve enabled again")
    assert errors == []
