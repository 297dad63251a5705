"""Markup in model text stays text, and Python-side changes reach an open panel fast."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import adpipeline as ap

from .harness import Browser, Lab, open_notebook, run_in_kernel, shoot, time_to_bubble

pytestmark = pytest.mark.browser

XSS = '<img src=x onerror="window.__adp_xss=1"><script>window.__adp_xss=2</script>'

def test_markup_in_a_story_shows_as_text_and_runs_nothing(
        lab: Lab, browser: Browser, screens: Path) -> None:
    p = ap.start("10 s ad for Nimbus, a rain jacket", home=lab.home)
    p.story.edit_scene(1, voiceover=XSS, on_screen_text="<b>not bold</b>")
    p.story.feedback(f"keep this exactly: {XSS}")
    lab.write_notebook("safety.ipynb", [
        "import adpipeline as ap\n"
        f"p = ap.resume({p.id!r})",
        "p",
    ])
    page = open_notebook(browser, lab, "safety.ipynb")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.wait_for_selector(".adp-story-title", timeout=90_000)
    page.wait_for_timeout(500)

    story = page.locator(".adp-story")
    assert XSS in story.inner_text()
    assert "<b>not bold</b>" in story.inner_text()
    assert page.locator(".adp-user .adp-bubble").first.inner_text() == (
        f"keep this exactly: {XSS}")
    # Nothing was parsed as markup: no element was made, no handler ran, nothing fetched.
    assert page.locator(".adp img[src='x'], .adp script, .adp b").count() == 0
    assert page.evaluate("() => window.__adp_xss") is None
    assert dialogs == []
    assert not [u for u in requests if u.rstrip("/").endswith("/x")]
    shoot(page, screens / "8-markup-literal", widths=(1280,))
    assert browser.unexpected_requests() == []

    # Keyboard: Tab reaches every control of the story stage, each with a name.
    # The stepper button's name is its visible text, then its state (for screen readers).
    page.get_by_role("button", name=re.compile(r"^Story\W+under review$")).focus()
    names = []
    for _ in range(40):
        page.keyboard.press("Tab")
        names.append(page.evaluate("() => document.activeElement.getAttribute('aria-label')"))
    for wanted in ("Version to show", "Regenerate with feedback",
                   "Approve and continue to next stage", "Edit voiceover of scene 1",
                   "Feedback message", "Send feedback"):
        assert wanted in names, f"{wanted!r} not reached by Tab: {names}"

    # Python -> panel, same process: a feedback call made in the kernel (Pipeline.on_change).
    same_process = time_to_bubble(page, "make the tone warmer", lambda: run_in_kernel(
        page, "p.story.feedback('make the tone warmer')"))
    # Python -> panel, another process: this test process saves; the kernel polls the store.
    other = ap.resume(p.id, home=lab.home)
    other_process = time_to_bubble(page, "shorter sentences please",
                                   lambda: other.story.feedback("shorter sentences please"))
    print(f"panel update: same process {same_process * 1000:.0f} ms, "
          f"other process {other_process * 1000:.0f} ms")
    assert same_process < 1.0
    assert other_process < 1.5

    # Dark theme: the panels follow JupyterLab's theme (screenshot for a person to look at).
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme',"
                  " {theme: 'JupyterLab Dark'})")
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'",
                           timeout=20_000)
    page.wait_for_timeout(500)
    shoot(page, screens / "9-dark")
    page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme',"
                  " {theme: 'JupyterLab Light'})")
    page.close()
