"""Parallel provider calls against fakes that take 1 s a call: a storyboard of 8 frames,
the budget under concurrency, and ``ap.batch`` of 4 briefs against one brief.

Every provider call goes to the tests' loopback fakes, shaped like the real services
(``tests/fake_openai.py``, ``tests/fake_replicate.py``), each answering after
``CALL_S``: the story through OpenAI's chat endpoint, reference sheets through its
image generations and storyboard frames through its image edits, and each scene's clip
through a Replicate prediction that runs ``CALL_S`` (the clips are then joined on this
machine with ffmpeg). Voice and music are off: the mix is local work either way.

Run: ``python benchmarks/bench_providers.py``. Targets: 8 frames < 1.5 s of provider
time (8 s one at a time); spending never passes the budget; a batch of 4 briefs < 1.5x
one brief, both measured in this run. The same batch with every provider offline is
printed beside it: that is this machine's own work, which waiting together cannot hide,
and so are the CPU seconds of each batch (on a shared machine the wall ratio also
measures the neighbours).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import adpipeline as ap
from adpipeline.models import Brief
from adpipeline.pipeline import generate
from adpipeline.providers.gateway import Gateway
from adpipeline.providers.offline.story import write_story
from adpipeline.store import SessionStore
from tests import fake_openai, fake_replicate

CALL_S = 1.0
COLOR = (20, 120, 140)
BRIEFS = [f"8 s ad for {name}, a reusable water bottle"
          for name in ("Aurora", "Boreal", "Cirrus", "Delta")]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1280, 720), COLOR).save(buffer, "PNG")
    return buffer.getvalue()


PICTURE = fake_openai.image_result(_png())


@contextlib.contextmanager
def _fakes() -> Iterator[tuple[fake_openai.FakeOpenAI, fake_replicate.FakeReplicate]]:
    """Both fakes, with the providers pointed at them (fresh ones: nothing queued)."""
    token = "r8_bench"
    with fake_openai.serve() as openai, fake_replicate.serve(token) as replicate:
        replicate.run_s = CALL_S
        os.environ.update(OPENAI_API_KEY="sk-bench", OPENAI_BASE_URL=openai.base_url,
                          REPLICATE_API_TOKEN=token, REPLICATE_BASE_URL=replicate.base_url)
        yield openai, replicate


def main() -> int:
    os.environ["ADPIPELINE_CONCURRENCY"] = "8"
    frames_s, spent = _frames_and_budget()
    ratio = _batch_ratio()
    ok = frames_s < 1.5 and spent <= 0.2 + 1e-9 and ratio < 1.5
    return 0 if ok else 1


def _frames_and_budget() -> tuple[float, float]:
    with _fakes() as (openai, _):
        for _ in range(3 + 8 + 8):  # the reference sheets, 8 frames, 8 more under a budget
            openai.reply(200, PICTURE, after_s=CALL_S, path="/images/generations")
        home = Path(tempfile.mkdtemp())
        p = ap.start("40 s ad for Aurora, a reusable water bottle", home=home,
                     providers={"image": "openai"})
        p.story.approve()
        scenes = generate.storyboard_requests(p.session)
        requests = [scenes[i % len(scenes)].model_copy(update={"seed": i}) for i in range(8)]
        store = SessionStore(home / "bench")
        ctx = generate.Context(p.providers, store.blobs, Gateway(
            store.calls, stage="storyboard", budget_usd=None, spent_usd=0.0), lambda *a: None)
        started = time.perf_counter()
        generate.draw_images(ctx, requests, [], previous=[], feedback=[],
                             seeds=list(range(8)), only=None, fresh=True)
        frames_s = time.perf_counter() - started
        print(f"8 frames, {CALL_S:.0f} s a call: {frames_s:.2f} s (baseline, one at a time: "
              f"{8 * CALL_S:.1f} s; target < 1.5 s)")

        budget = Gateway(store.calls, stage="storyboard", budget_usd=0.2, spent_usd=0.0)
        ctx_b = generate.Context(p.providers, store.blobs, budget, lambda *a: None)
        with contextlib.suppress(ap.BudgetExceeded):
            generate.draw_images(ctx_b, [r.model_copy(update={"seed": 100 + r.seed})
                                         for r in requests], [], previous=[], feedback=[],
                                 seeds=list(range(100, 108)), only=None, fresh=True)
        print(f"budget $0.20: spent ${budget.spent_usd:.3f} "
              f"(holds: {budget.spent_usd <= 0.2 + 1e-9})")
        store.close()
        return frames_s, budget.spent_usd


def _batch_ratio() -> float:
    """``ap.batch`` of 4 briefs against the baseline of one brief, both to an approved
    video in fresh stores (nothing cached), every call to the fakes; then the same with
    every provider offline."""
    remote = {"providers": {"text": "openai", "image": "openai", "video": "replicate"},
              "voice": "off", "music": "off"}
    offline = {"voice": "off", "music": "off"}
    fake_replicate.solid_clip(COLOR)  # the fake's own stand-in clip, made before timing
    ratios = {}
    for name, options in (("every call to a 1 s fake", remote), ("all offline", offline)):
        (one, one_cpu), (four, four_cpu) = (_timed_batch(BRIEFS[:n], options) for n in (1, 4))
        ratios[name] = four / one
        print(f"ap.batch, {name}: baseline 1 brief {one:.1f} s, 4 briefs {four:.1f} s "
              f"(one after another: ~{4 * one:.1f} s), ratio {four / one:.2f}"
              + (" (target < 1.5)" if options is remote else " (no waiting: CPU only)"))
        # What waiting together cannot hide: the machine's own work, ffmpeg included.
        print(f"    CPU s (this process and its ffmpeg): 1 brief {one_cpu:.1f}, "
              f"4 briefs {four_cpu:.1f}; on {os.cpu_count()} cores at least "
              f"{four_cpu / (os.cpu_count() or 1):.1f} s of wall")
    return ratios["every call to a 1 s fake"]


def _cpu_s() -> float:
    me, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                         resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _timed_batch(briefs: list[str], options: dict[str, object]) -> tuple[float, float]:
    with _fakes() as (openai, _):
        for brief in briefs:
            # Which session gets which story does not matter: each is distinct, so no
            # session is served from another's cache.
            story = write_story(Brief.create(prompt=brief, duration_s=8), None, [], 1)
            answer = story.model_dump(mode="json", exclude={"variant", "scene_edits", "avoid",
                                                            "understood"})
            openai.reply(200, fake_openai.completion(json.dumps(answer)), after_s=CALL_S,
                         path="/chat/completions")
            for _ in range(3):
                openai.reply(200, PICTURE, after_s=CALL_S, path="/images/generations")
            for _ in story.scenes:
                openai.reply(200, PICTURE, after_s=CALL_S, path="/images/edits")
        started, cpu = time.perf_counter(), _cpu_s()
        ap.batch(briefs, home=tempfile.mkdtemp(), progress=False, **options)
        return time.perf_counter() - started, _cpu_s() - cpu


if __name__ == "__main__":
    raise SystemExit(main())
