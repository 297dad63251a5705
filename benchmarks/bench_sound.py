"""Benchmark: prompt -> approved 30 s 720p offline ad with voice and music, next to the
same ad rendered silent, measured in the same run.

Run from the repository root (needs the voice extra: ``pip install -e '.[voice]'``)::

    .venv/bin/python benchmarks/bench_sound.py              # 3 interleaved rounds
    .venv/bin/python benchmarks/bench_sound.py --repeats 5

Each round starts a fresh session store (so nothing is served from the call cache) and
times ``ap.start(prompt)`` + ``run_to_end()`` wall-clock, twice: with the default sound
(piper voice, numpy bed, -14 LUFS mix) and with ``voice="off", music="off"`` (the
silent render). Rounds alternate which goes first, the machine being shared and noisy;
the ratio is taken within each round and the median printed. Goal: the voiced ad in
under 20 s on the 2-core machine. Also prints where the extra time goes (voicing,
mixing) from the session's progress messages, and the finished ad's loudness.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import adpipeline as ap
from adpipeline.pipeline import entry
from adpipeline.providers.offline.voice import available

PROMPT = "30 s ad for Aurora, a reusable water bottle"
GOAL_S = 20.0


def one(voiced: bool) -> tuple[float, dict[str, float], ap.VideoOutput]:
    home = Path(tempfile.mkdtemp(prefix="bench-sound-"))
    marks: dict[str, float] = {}
    last = [time.perf_counter(), ""]

    def progress(done: int, total: int, message: str) -> None:
        now = time.perf_counter()
        step = str(last[1]).split(" ")[0]
        marks[step] = marks.get(step, 0.0) + now - float(last[0])
        last[0], last[1] = now, message

    options = {} if voiced else {"voice": "off", "music": "off"}
    started = time.perf_counter()
    p = ap.start(PROMPT, home=home, progress=progress, **options)
    p.run_to_end()
    elapsed = time.perf_counter() - started
    video = p.video.output
    for store in list(entry._stores.values()):
        store.close()
    entry._stores.clear()
    return elapsed, marks, video


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not available():
        raise SystemExit("bench_sound: needs the voice extra: pip install -e '.[voice]'")
    voiced_s: list[float] = []
    silent_s: list[float] = []
    ratios: list[float] = []
    breakdown: dict[str, list[float]] = {}
    loudness = ""
    for round_ in range(args.repeats):
        order = (True, False) if round_ % 2 == 0 else (False, True)
        times = {}
        for voiced in order:
            elapsed, marks, video = one(voiced)
            times[voiced] = elapsed
            if voiced:
                for step in ("Voicing", "Composing", "Mixing"):
                    breakdown.setdefault(step, []).append(marks.get(step, 0.0))
                a = video.asset
                loudness = f"{a.loudness_lufs:.1f} LUFS, true peak {a.true_peak_dbtp:.1f} dBTP"
        voiced_s.append(times[True])
        silent_s.append(times[False])
        ratios.append(times[True] / times[False])
        print(f"round {round_ + 1}: voiced {times[True]:.1f} s, silent {times[False]:.1f} s, "
              f"ratio {times[True] / times[False]:.2f}")
    med = statistics.median
    print(f"\nprompt -> approved 30 s 1280x720 offline ad, median of {args.repeats} rounds:")
    print(f"  with voice and music  {med(voiced_s):6.1f} s  (min {min(voiced_s):.1f})"
          f"  goal < {GOAL_S:.0f} s: {'met' if med(voiced_s) < GOAL_S else 'NOT met'}")
    print(f"  silent render         {med(silent_s):6.1f} s  (min {min(silent_s):.1f})")
    print(f"  voiced / silent       {med(ratios):6.2f}x")
    for step, values in breakdown.items():
        print(f"  of which {step.lower():<12} {med(values):5.1f} s")
    print(f"  loudness of the voiced ad: {loudness}")


if __name__ == "__main__":
    main()
