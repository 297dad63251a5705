"""Showing a pipeline or stage in IPython: widgets in a kernel, text in a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import adpipeline as ap


def test_a_kernel_shows_the_app_and_panels(home: Path) -> None:
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", env={
        **__import__("os").environ, "ADPIPELINE_HOME": str(home)})
    shown: list[dict[str, Any]] = []

    def collect(msg: dict[str, Any]) -> None:
        if msg["msg_type"] in ("execute_result", "display_data"):
            shown.append(msg["content"]["data"])
        if msg["msg_type"] in ("stream", "error"):
            shown.append({"text": str(msg["content"])})

    code = ("import adpipeline as ap\n"
            "from ipywidgets.widgets.widget import _instances\n"
            "p = ap.start('30 s ad for Aurora, a reusable water bottle')\n")
    try:
        client.execute_interactive(code, output_hook=collect, timeout=120)
        for cell in ("p", "p.story", "p.storyboard"):
            client.execute_interactive(cell, output_hook=collect, timeout=120)
        models = [data["application/vnd.jupyter.widget-view+json"]["model_id"]
                  for data in shown if "text" not in data]
        client.execute_interactive(f"print([type(_instances[m]).__name__ for m in {models!r}])",
                                   output_hook=collect, timeout=120)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert len(models) == 3, shown
    assert "['PipelineApp', 'StagePanel', 'StagePanel']" in shown[-1]["text"]
    assert shown[0]["text/plain"].startswith("<Pipeline ")  # what a viewer without widgets shows


def test_a_terminal_ipython_prints_the_pipeline_and_builds_no_widget(
        pipeline: ap.Pipeline) -> None:
    from IPython.core.interactiveshell import InteractiveShell
    from ipywidgets.widgets.widget import _instances

    shell = InteractiveShell.instance()
    widgets = len(_instances)
    for shown in (pipeline, pipeline.story, pipeline.storyboard):
        data, _ = shell.display_formatter.format(shown)
        assert data == {"text/plain": repr(shown)}
    assert len(_instances) == widgets
    assert pipeline._listeners == []  # nothing left listening to the session
