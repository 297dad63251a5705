"""Starting and resuming sessions: ap.start, ap.resume, ap.batch, and scripts run twice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import adpipeline as ap

from ..conftest import BRIEF


def test_start_writes_a_story_and_waits_for_review(pipeline: ap.Pipeline) -> None:
    assert pipeline.stage == "story"
    assert pipeline.story.status == "review"
    story = pipeline.story.output
    assert story.product == "Aurora" and story.duration_s == 30
    assert pipeline.reference_images.status == "pending"
    assert [s.id for s in ap.sessions()] == [pipeline.id]


def test_prompt_sets_duration_and_aspect_when_not_given(home: Path) -> None:
    p = ap.start("vertical 15 second ad for Nimbus, a running shoe", home=home)
    assert (p.session.brief.duration_s, p.session.brief.aspect) == (15, "9:16")
    assert p.story.output.duration_s == 15


def test_session_resumes_identically_in_another_process(pipeline: ap.Pipeline, home: Path) -> None:
    pipeline.story.feedback("make it funnier and regenerate")
    code = (
        "import adpipeline as ap, sys; p = ap.resume(sys.argv[1], home=sys.argv[2]); "
        "print(p.session.model_dump_json())"
    )
    out = subprocess.run([sys.executable, "-c", code, pipeline.id, str(home)],
                         capture_output=True, text=True, check=True).stdout
    assert ap.Session.model_validate_json(out) == pipeline.session


def test_session_survives_a_kernel_restart(home: Path) -> None:
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", env={
        **__import__("os").environ, "ADPIPELINE_HOME": str(home)})

    def run(code: str) -> str:
        outputs: list[str] = []

        def collect(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                outputs.append(msg["content"]["text"])
            if msg["msg_type"] == "error":
                outputs.append("ERROR " + msg["content"]["ename"] + ": " + msg["content"]["evalue"])

        client.execute_interactive(code, output_hook=collect, timeout=120)
        return "".join(outputs)

    try:
        before = run(
            "import adpipeline as ap\n"
            f"p = ap.start({BRIEF!r})\n"
            "p.story.feedback('scene 2 on a beach at sunset and regenerate')\n"
            "print(p.id); print(p.session.model_dump_json())"
        )
        session_id, dump = before.strip().split("\n", 1)
        manager.restart_kernel(now=True)
        client.wait_for_ready(timeout=60)
        after = run(f"import adpipeline as ap\nprint(ap.resume({session_id!r}).session.model_dump_json())")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert "ERROR" not in after, after
    assert json.loads(after) == json.loads(dump)
    assert ap.resume(session_id, home=home).story.output.scenes[1].setting == "beach"


@pytest.mark.parametrize("prompt", ["", "  ", "x" * 5000])
def test_bad_prompt_creates_no_session(prompt: str, home: Path) -> None:
    with pytest.raises(ap.InvalidInput, match="prompt"):
        ap.start(prompt, home=home)
    assert ap.sessions(home=home) == []


@pytest.mark.parametrize(("kwargs", "says"), [
    ({"duration": 2}, "5 to 180"), ({"duration": 500}, "5 to 180"),
    ({"aspect": "4:3"}, "16:9, 9:16, 1:1"), ({"budget": -1}, "budget"),
])
def test_bad_brief_options_create_no_session(kwargs: dict, says: str, home: Path) -> None:
    with pytest.raises(ap.InvalidInput, match=says):
        ap.start(BRIEF, home=home, **kwargs)
    assert ap.sessions(home=home) == []


def test_unknown_keyword_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        ap.start(BRIEF, durration=30)  # type: ignore[call-arg]


@pytest.mark.parametrize("bad", ["../../etc", "A" * 21 + "/", "..%2F..%2Fetc"])
def test_resume_rejects_ids_that_are_not_ids(bad: str, home: Path) -> None:
    with pytest.raises(ap.InvalidInput, match="not a session id"):
        ap.resume(bad, home=home)


def test_resume_an_unknown_session(home: Path) -> None:
    with pytest.raises(ap.SessionNotFound, match="sessions list"):
        ap.resume("A" * 22, home=home)


_SCRIPT = """
import sys, adpipeline as ap
p = ap.start("15 s ad for Aurora, a reusable water bottle", home=sys.argv[1])
p.story.feedback("make it funnier and regenerate")
p.story.approve()
p.reference_images.feedback("brighter", item=0)
p.reference_images.regenerate(item=0)
p.reference_images.approve()
p.storyboard.approve()
s = p.session
print(len([e for e in s.ledger if not e.cached]), len(s.ledger))
print(p.story.output.model_dump_json())
print([i.asset.blob for i in p.storyboard.output])
print(p.video.output.asset.blob)
"""


def test_running_the_same_script_twice_spends_only_once(home: Path) -> None:
    def run() -> list[str]:
        out = subprocess.run([sys.executable, "-c", _SCRIPT, str(home)], capture_output=True,
                             text=True, check=True, timeout=300).stdout
        return out.strip().split("\n")

    first, second = run(), run()
    made_first, total_first = map(int, first[0].split())
    made_second, total_second = map(int, second[0].split())
    assert made_first > 0
    assert made_second == 0 and total_second == total_first
    assert first[1:] == second[1:]


def test_batch_takes_briefs_to_finished_videos_on_any_executor(home: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    briefs = ["10 s ad for Aurora, a reusable water bottle",
              {"prompt": "10 s ad for Nimbus, a running shoe", "aspect": "1:1"}]
    reports: list[str] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        ids = ap.batch(briefs, executor=pool, home=home,
                       progress=lambda done, total, message: reports.append(message))
    assert reports == ["1 of 2 briefs done", "2 of 2 briefs done"]
    finished = [ap.resume(i, home=home) for i in ids]
    assert [p.stage for p in finished] == ["complete", "complete"]
    assert finished[0].story.output.product == "Aurora"
    assert finished[1].video.output.asset.width == finished[1].video.output.asset.height


def test_scripts_import_no_widget_code() -> None:
    code = ("import sys, adpipeline as ap; "
            "print(any(m in sys.modules for m in ('ipywidgets', 'anywidget', 'ipycanvas')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
