"""A person reviews an ad in JupyterLab, start to finish, with the mouse and keyboard.

After every step the session is read back from the store *in this process*
(``ap.resume(id, home=...)``): what the browser did must be what Python sees.
Screenshots of each panel at 1280 and 400 px go to /tmp/screens/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import adpipeline as ap

from .harness import Browser, Lab, open_notebook, run_in_kernel, shoot, wait_until

pytestmark = pytest.mark.browser

BRIEF = "10 s ad for Aurora, a reusable water bottle"


# Share of sampled canvas pixels that are not blank (a lost redraw leaves it transparent).
PAINTED_PIXELS = """() => {
    const canvas = document.querySelector('canvas.adp-painter-canvas');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0, seen = 0;
    for (let i = 3; i < data.length; i += 4 * 997) { seen++; if (data[i] > 0) drawn++; }
    return drawn / seen;
}"""


def shoot_dialog(page: Any, dialog: Any, path: Path, widths: tuple[int, ...] = (1280, 400)) -> None:
    """Screenshot an open dialog at each width (``<path>-<width>.png``)."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function("() => [...document.querySelectorAll('dialog[open] img')]"
                               ".every((img) => img.complete)")
        page.wait_for_timeout(200)
        dialog.screenshot(path=f"{path}-{width}.png")
    page.set_viewport_size({"width": 1280, "height": 900})


def confirm_approval(page: Any) -> None:
    page.get_by_role("button", name=re.compile(r"^Approve and (continue|finish)")).click()
    dialog = page.locator("dialog.adp-dialog[open]")
    dialog.wait_for()
    dialog.get_by_role("button", name=re.compile(r"^Approve and (continue|finish)$")).click()


def test_review_from_story_to_video(lab: Lab, browser: Browser, screens: Path) -> None:
    lab.write_notebook("flow.ipynb", [
        # `import adpipeline` in a kernel registers the display of `p` (no ui import needed).
        "import adpipeline as ap\n"
        f"p = ap.start({BRIEF!r})\n"
        "open('flow.id', 'w').write(p.id)",
        "p",
    ])
    page = open_notebook(browser, lab, "flow.ipynb")
    page.wait_for_selector(".adp-story-title", timeout=90_000)
    session_id = (lab.root / "flow.id").read_text()

    def session() -> ap.Pipeline:
        return ap.resume(session_id, home=lab.home)

    shoot(page, screens / "1-story")

    # Chat: type feedback, Enter sends; the assistant's plan appears and is stored.
    chat = page.get_by_label("Feedback message")
    chat.fill("make it more humorous")
    chat.press("Enter")
    page.locator(".adp-msg.adp-assistant").first.wait_for(timeout=30_000)
    messages = session().story.messages
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[0].text == "make it more humorous"
    assert session().story.pending, "the feedback should wait for Regenerate"
    shoot(page, screens / "2-chat")

    # Regenerate applies the feedback as a second version.
    page.get_by_role("button", name="Regenerate with feedback", exact=True).click()
    wait_until(lambda: len(session().story.versions) == 2 and session().story.status == "review",
               what="story version 2")
    assert session().story.output.tone == "humorous"
    page.get_by_label("Version to show").locator("option", has_text="v2").wait_for(state="attached")

    # Approve asks first; Escape (or Cancel) keeps reviewing, confirming moves on.
    page.get_by_role("button", name="Approve and continue to next stage").click()
    page.locator("dialog.adp-dialog[open]").wait_for()
    page.keyboard.press("Escape")
    page.locator("dialog.adp-dialog[open]").wait_for(state="detached")
    assert session().stage == "story"
    confirm_approval(page)
    wait_until(lambda: session().stage == "reference_images"
               and session().reference_images.status == "review", 60, "reference images")
    page.locator(".adp-gallery .adp-card").nth(2).wait_for(timeout=30_000)
    loaded = page.evaluate("""() => [...document.querySelectorAll('.adp-gallery .adp-thumb img')]
        .map((img) => img.complete && img.naturalWidth > 0)""")
    assert loaded == [True, True, True]
    shoot(page, screens / "3-gallery")

    # Enlarge: a dialog; arrow keys move between images, Escape closes it.
    page.get_by_role("button", name=re.compile(r"^Enlarge")).first.click()
    lightbox = page.locator("dialog.adp-lightbox[open]")
    lightbox.wait_for()
    caption = lightbox.locator("figcaption")
    assert caption.inner_text().startswith("1 of 3.")
    page.keyboard.press("ArrowRight")
    assert caption.inner_text().startswith("2 of 3.")
    lightbox.locator(".adp-history-item").first.wait_for()  # the item's versions
    page.keyboard.press("Escape")
    lightbox.wait_for(state="detached")

    # Edit: the mask painter opens under the gallery; paint one stroke with the mouse.
    page.get_by_role("button", name=re.compile(r"^Edit part of")).first.click()
    canvas = page.locator("canvas.adp-painter-canvas")
    canvas.wait_for(timeout=20_000)
    page.wait_for_timeout(500)  # let the image layer arrive
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.35)
    page.mouse.down()
    for k in range(1, 13):
        page.mouse.move(box["x"] + box["width"] * (0.3 + 0.025 * k),
                        box["y"] + box["height"] * (0.35 + 0.01 * k))
    page.mouse.up()
    page.get_by_text(re.compile(r"1 stroke painted")).wait_for(timeout=20_000)
    shoot(page, screens / "4-painter")

    # A reloaded page redraws everything from the kernel's state, the canvas included.
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_timeout(500)
    page.reload()
    canvas = page.locator("canvas.adp-painter-canvas")
    canvas.wait_for(timeout=60_000)
    page.get_by_text(re.compile(r"1 stroke painted")).wait_for(timeout=20_000)
    canvas.scroll_into_view_if_needed()
    wait_until(lambda: page.evaluate(PAINTED_PIXELS) > 0.5, 20, "the image on the canvas")

    # Generate inpaints the painted area: a new version where only item 1 changed.
    page.get_by_label("Describe the change for the painted area").fill("a red sports car")
    page.get_by_role("button", name="Generate the edit in the painted area").click()
    use = page.get_by_role("button", name="Use this edited image")
    use.wait_for(timeout=60_000)
    images = session().reference_images
    assert len(images.versions) == 2
    assert [item.asset.source for item in images.output] == ["inpainted", "generated", "generated"]
    page.get_by_label(re.compile(r"^Compare before and after")).fill("30")
    shoot(page, screens / "5-painter-compare")
    use.click()
    page.locator("canvas.adp-painter-canvas").wait_for(state="detached", timeout=20_000)
    assert session().reference_images.current == 1

    # Use this version: image 1 now has two versions; bring back the older one with the
    # keyboard. Only that image changes, saved as a new version; the dialog follows.
    first, edited = ([a.blob for a in v.images or []] for v in session().reference_images.versions)
    page.get_by_role("button", name=re.compile(r"^Enlarge")).first.click()
    lightbox.wait_for()
    use_older = lightbox.get_by_role("button", name="Use this version (version 1) of the image")
    use_older.wait_for()
    assert lightbox.locator(".adp-history-mark-current").all_inner_texts() == ["Current"]
    assert lightbox.get_by_role("button", name="Use this version (version 2) of the image").count() == 0
    use_older.focus()
    page.keyboard.press("Enter")
    wait_until(lambda: len(session().reference_images.versions) == 3, 20, "the reverted version")
    images = session().reference_images
    assert images.current == 2
    assert [item.asset.blob for item in images.output] == [first[0], edited[1], edited[2]]
    assert edited[0] != first[0]
    assert [item.asset.source for item in images.output] == ["generated"] * 3
    # The edited picture is now the one a click brings back; the current one has no button.
    lightbox.get_by_role("button", name="Use this version (version 2) of the image").wait_for(timeout=10_000)
    assert lightbox.get_by_role("button", name="Use this version (version 1) of the image").count() == 0
    assert lightbox.get_by_role("status").inner_text().startswith("Version 1 is back")
    assert page.evaluate("() => document.activeElement.closest('dialog.adp-lightbox') !== null")
    shoot_dialog(page, lightbox, screens / "5b-use-this-version")
    page.keyboard.press("Escape")
    lightbox.wait_for(state="detached")
    page.locator(".adp-gallery .adp-card-version", has_text="Version 3 of 3").wait_for()

    # Approve the images, then the storyboard.
    confirm_approval(page)
    wait_until(lambda: session().stage == "storyboard" and session().storyboard.status == "review",
               90, "storyboard")
    frames = len(session().story.output.scenes)
    page.locator(".adp-gallery .adp-card").nth(frames - 1).wait_for(timeout=30_000)
    shoot(page, screens / "6-storyboard")

    # Replace with my image: the file goes to Python as bytes and is checked there.
    upload = lab.root / "mine.png"
    Image.new("RGB", (640, 360), (30, 90, 200)).save(upload)
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=re.compile(r"^Replace .* with my image$")).last.click()
    chooser.value.set_files(str(upload))
    wait_until(lambda: session().storyboard.output[frames - 1].asset.source == "uploaded", 30,
               "the uploaded frame")
    page.locator(".adp-gallery .adp-badge", has_text="your image").wait_for(timeout=20_000)

    confirm_approval(page)
    # While the video renders on the app's worker thread, the kernel still answers cells
    # and the buttons that would conflict are disabled.
    wait_until(lambda: session().video.status == "generating", 20, "video rendering to start")
    answer_ms = page.evaluate("""async () => {
        const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        const start = performance.now();
        await kernel.requestExecute({code: '1 + 1'}).done;
        return performance.now() - start;
    }""")
    assert answer_ms < 3000, f"kernel took {answer_ms:.0f} ms to answer while rendering"
    if session().video.status == "generating":
        assert page.get_by_role("button", name="Regenerate with feedback", exact=True).is_disabled()
        message = page.locator(".adp-progress-text").inner_text()
        assert message, "progress should say what is being done"
    wait_until(lambda: session().video.status == "review", 120, "the video")

    # The video arrives in pieces, then plays: its clock advances.
    video = page.locator("video.adp-player")
    video.wait_for(timeout=30_000)
    page.wait_for_function("() => { const v = document.querySelector('video.adp-player');"
                           " return v && v.readyState >= 2; }", timeout=60_000)
    page.evaluate("() => { const v = document.querySelector('video.adp-player');"
                  " v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.querySelector('video.adp-player').currentTime > 0.3",
                           timeout=20_000)
    duration = page.evaluate("() => document.querySelector('video.adp-player').duration")
    assert abs(duration - session().video.output.duration_s) < 0.5
    tracks = page.evaluate("() => document.querySelector('video.adp-player').textTracks.length")
    assert tracks == 1
    assert page.locator("a.adp-download[href^='blob:']").count() == 1
    page.evaluate("() => document.querySelector('video.adp-player').pause()")
    shoot(page, screens / "7-video")

    # The kernel's own `p` sees every change made by clicks.
    run_in_kernel(page, "open('flow.stage', 'w').write(p.stage + ' ' + p.video.status)")
    wait_until(lambda: (lab.root / "flow.stage").exists(), 10, "the kernel's answer")
    assert (lab.root / "flow.stage").read_text() == "video review"

    assert browser.unexpected_requests() == []
    page.close()
