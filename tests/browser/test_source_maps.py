"""An error in a widget points at its own line in ``widgets/``, as the browser reports it.

The widgets run as esbuild bundles (``adpipeline/static/``), which start with a copy of
``widgets/_shared.js``, so a line in a bundle is not the line in the file a person edits. The
bundles carry inline source maps; this test maps the positions Chromium reports for an
error thrown inside widget code through the source map Chromium itself attached to the
script, the way the browser's developer tools do, and checks they land on the lines of
``widgets/`` that made the call.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

import adpipeline as ap

from .harness import Browser, Lab, open_notebook, wait_until

pytestmark = pytest.mark.browser

SOURCES = Path(__file__).resolve().parents[2] / "widgets"
#: Widget code (modules loaded from blob: URLs) cannot make an <ol>: the chat's message
#: list is one, so drawing a panel fails inside _shared.js's h(), called from a widget.
REFUSE_LISTS = """
const make = Document.prototype.createElement;
Document.prototype.createElement = function (tag, ...rest) {
  if (tag === "ol" && /blob:/.test(new Error().stack)) throw new Error("no lists for widgets");
  return make.call(this, tag, ...rest);
};
"""
FRAME = re.compile(r"\(?(blob:\S+?):(\d+):(\d+)\)?$", re.M)
# Node's own source map reader (the one behind --enable-source-maps), not one of ours.
FIND = """
const { SourceMap } = require("node:module");
const [payload, line, column] = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
const entry = new SourceMap(payload).findEntry(line - 1, column - 1);
process.stdout.write(JSON.stringify(entry));
"""


def original(source_map: dict[str, Any], line: int, column: int) -> tuple[str, int]:
    """The file and 1-based line ``line:column`` of a bundle comes from."""
    found = subprocess.run([shutil.which("node") or "node", "-e", FIND], check=True,
                           input=json.dumps([source_map, line, column]), text=True,
                           capture_output=True).stdout
    entry = json.loads(found)
    return Path(entry["originalSource"]).name, entry["originalLine"] + 1


def line_of(name: str, text: str) -> set[int]:
    return {n for n, line in enumerate((SOURCES / name).read_text().splitlines(), 1)
            if text in line}


def test_an_error_in_a_widget_points_at_its_line_in_js(lab: Lab, browser: Browser) -> None:
    if shutil.which("node") is None:
        pytest.fail("node is missing: scripts/test.sh installs it with npm")
    p = ap.start("10 s ad for Nimbus, a rain jacket", home=lab.home)
    maps: dict[str, dict[str, Any]] = {}
    stacks: list[str] = []

    def prepare(page: Any) -> None:
        page.add_init_script(REFUSE_LISTS)
        cdp = page.context.new_cdp_session(page)

        def parsed(event: dict[str, Any]) -> None:
            url, map_url = event.get("url", ""), event.get("sourceMapURL", "")
            if url.startswith("blob:") and map_url.startswith("data:application/json;base64,"):
                maps[url] = json.loads(base64.b64decode(map_url.split(",", 1)[1]))

        cdp.on("Debugger.scriptParsed", parsed)
        cdp.send("Debugger.enable")
        page.on("pageerror", lambda error: stacks.append(error.stack or ""))
        page.on("console", lambda message: stacks.append(message.text))

    lab.write_notebook("maps.ipynb", ["import adpipeline as ap\n" f"p = ap.resume({p.id!r})",
                                      "p.story"])
    page = open_notebook(browser, lab, "maps.ipynb", prepare=prepare)

    def thrown() -> str | None:
        page.wait_for_timeout(200)  # lets Playwright deliver the page's events
        return next((s for s in stacks if "no lists for widgets" in s and "blob:" in s), None)

    stack = wait_until(thrown, timeout=90, what="the widget's error")
    frames = [(url, int(line), int(column)) for url, line, column in FRAME.findall(stack)]
    assert frames, f"no widget frame in {stack}"
    assert all(url in maps for url, _, _ in frames), "a widget script came without a source map"
    where = [original(maps[url], line, column) for url, line, column in frames]

    # The throw is in h(), at its createElement, and h() was called from the widget's own
    # file, at the line that asks for the list: not at the bundle's line numbers.
    assert where[0][0] == "_shared.js"
    assert where[0][1] in line_of("_shared.js", "document.createElement(tag)")
    caller = where[1]
    assert caller[0] != "_shared.js" and (SOURCES / caller[0]).is_file()
    assert caller[1] in line_of(caller[0], 'h("ol"'), f"{caller} does not ask for a list"
    assert frames[1][1] != caller[1], "the bundle's line is the file's: the map went unused"
