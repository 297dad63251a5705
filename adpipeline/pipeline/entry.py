"""The functions a user starts with: start, resume, sessions, batch."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from ..errors import AdPipelineError, InvalidInput
from ..models import AudioSettings, Brief, Session, SessionSummary, check_session_id
from ..providers import choose
from ..providers.base import Progress
from ..providers.offline.brief import brief_duration, platform_and_aspect
from ..store import SessionStore, default_home
from .pipeline import Pipeline
from .rules import check_budget

_stores: dict[Path, SessionStore] = {}
_stores_lock = threading.Lock()


def store_at(home: str | Path | None = None) -> SessionStore:
    """One store object per directory and process (diskcache connections are reusable)."""
    if home is not None and (not isinstance(home, str | os.PathLike) or not str(home).strip()):
        raise InvalidInput(f"home must be a folder path, got {home!r:.60}.")
    key = (Path(home) if home is not None else default_home()).expanduser().resolve()
    with _stores_lock:
        if key not in _stores:
            _stores[key] = SessionStore(key)
        return _stores[key]


def start(
    prompt: str,
    *,
    duration: int | None = None,
    aspect: str | None = None,
    brand: str | None = None,
    product: str | None = None,
    audience: str | None = None,
    offer: str | None = None,
    language: str = "en",
    budget: float | None = None,
    providers: Mapping[str, str] | None = None,
    voice: str | None = None,
    music: str | None = None,
    home: str | Path | None = None,
    progress: bool | Progress | None = None,
) -> Pipeline:
    """Start a session from a product brief and write the first story.

    ``duration`` (5..180 s) and ``aspect`` ("16:9", "9:16", "1:1") default to what the
    prompt says ("30 s", "vertical"), else 30 s and 16:9. ``budget`` is in USD; the
    offline providers cost nothing. ``providers`` picks a provider per capability, e.g.
    ``{"text": "openai"}``. ``voice`` is "off", "female", "male", a voice name, or
    ``provider:voice`` ("openai:nova"); ``music`` is "off", "auto" (follows the story's
    tone) or a mood ("calm", "energetic", ...). Raises ``InvalidInput`` for a bad brief,
    with nothing saved.

    >>> p = start("30 s ad for Aurora, a reusable water bottle")  # doctest: +SKIP
    >>> p.story.output.title  # doctest: +SKIP
    """
    if not isinstance(prompt, str):
        raise InvalidInput(f"prompt must be text, got {type(prompt).__name__}.")
    brief = Brief.create(
        prompt=prompt,
        duration_s=duration if duration is not None else _duration_from(prompt),
        aspect=aspect if aspect is not None else _aspect_from(prompt),
        brand=brand, product=product, audience=audience, offer=offer, language=language,
    )
    budget = check_budget(budget)
    if providers is not None and not isinstance(providers, Mapping):
        raise InvalidInput(f"providers must be a mapping such as {{'text': 'openai'}}, "
                           f"got {providers!r:.60}.")
    chosen = dict(providers or {})
    audio = sound_settings(voice, music, chosen)
    store = store_at(home)
    session = Session(brief=brief, budget_usd=budget, providers=choose(chosen), audio=audio)
    session.stages["story"].status = "generating"
    store.create(session)
    pipeline = Pipeline(session.id, store, progress=_progress(progress))
    try:
        pipeline._work("story", pipeline.story._first_plan, pipeline.story._make)
    except AdPipelineError as exc:
        # The session is saved with the story marked failed: say how to get back to it.
        exc.args = (f"{exc} (session {session.id} was saved: ap.resume({session.id!r}) "
                    "and p.story.regenerate() to try again)",)
        raise
    return pipeline


def sound_settings(voice: str | None, music: str | None, providers: dict[str, str]) -> AudioSettings:
    """Audio settings from the ``voice``/``music`` choices; a ``provider:voice`` choice
    also picks the voice provider in ``providers``."""
    from ..media.music import MOOD_WORDS, MOODS

    settings = AudioSettings()
    for what, value in (("voice", voice), ("music", music)):
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"{what} must be text such as 'off' or 'auto', got {value!r:.40}.")
    if voice is not None:
        wish = voice.strip()
        if wish.lower() in ("off", "none", "no"):
            settings = settings.model_copy(update={"voice_on": False})
        else:
            name, _, rest = wish.partition(":")
            if name in ("offline", "openai", "replicate"):
                # "openai:nova" picks the provider and a voice; a model is chosen with
                # providers={"voice": "openai:tts-1-hd"}.
                providers["voice"] = name
                wish = rest or "default"
            settings = settings.model_copy(update={"voice": wish or "default"})
    if music is not None:
        mood = music.strip().lower()
        if mood not in ("off", "auto") and mood not in MOODS and mood not in MOOD_WORDS:
            raise InvalidInput(f"music {music!r}: use off, auto or a mood ({', '.join(MOODS)}).")
        settings = settings.model_copy(update={"music": MOOD_WORDS.get(mood, mood)})
    return settings


def resume(
    session_id: str, *, home: str | Path | None = None, progress: bool | Progress | None = None
) -> Pipeline:
    """Open an existing session, from any process, in the state it was saved in."""
    return Pipeline(check_session_id(session_id), store_at(home), progress=_progress(progress))


def sessions(*, home: str | Path | None = None) -> list[SessionSummary]:
    """Summaries (id, title, stage, status, cost) of every session, newest first."""
    return store_at(home).list()


def batch(
    briefs: Iterable[str | Mapping[str, Any]],
    *,
    executor: Executor | None = None,
    home: str | Path | None = None,
    progress: bool | Progress | None = None,
    **options: Any,
) -> list[str]:
    """Take each brief from prompt to approved video; return the session ids in order.

    Each brief is a prompt or a dict of :func:`start` arguments. ``executor`` is any
    ``concurrent.futures.Executor`` (a thread pool by default; a Dask or Ray executor
    when one machine is not enough). ``progress`` counts finished briefs ("2 of 4
    briefs done"). Extra keyword arguments go to every :func:`start`.
    """
    jobs: list[dict[str, Any]] = [{"prompt": b} if isinstance(b, str) else dict(b) for b in briefs]
    for job in jobs:
        job.update({k: v for k, v in options.items() if k not in job})
        job["home"] = str(home) if home is not None else None
        job.setdefault("progress", False)  # one report for the batch, not one per session
    report = _progress(progress)
    own = executor is None
    # Sessions wait on providers, not on this machine's cores: run them all at once (up
    # to a bound); each session's own calls are bounded by ADPIPELINE_CONCURRENCY.
    pool = executor or ThreadPoolExecutor(max_workers=max(1, min(len(jobs), 8)))
    try:
        futures = [pool.submit(_run_one, job) for job in jobs]
        for done, _ in enumerate(as_completed(futures), start=1):
            if report is not None:
                report(done, len(jobs), f"{done} of {len(jobs)} briefs done")
        return [future.result() for future in futures]
    finally:
        if own:
            pool.shutdown()


def _run_one(job: dict[str, Any]) -> str:
    pipeline = start(**job)
    pipeline.run_to_end()
    return pipeline.id


def _duration_from(prompt: str) -> int:
    """The length the prompt states ("two-minute", "45 s", "a minute"), else 30 s."""
    return brief_duration(prompt) or 30


def _aspect_from(prompt: str) -> str:
    """The shape the prompt states or its platform implies ("square", "TikTok"), else 16:9."""
    return platform_and_aspect(prompt)[1] or "16:9"


def _progress(progress: bool | Progress | None) -> Progress | None:
    if callable(progress):
        return progress
    if progress is None:
        progress = sys.stderr.isatty()
    return console_progress() if progress else None


def console_progress() -> Callable[[int, int, str], None]:
    """A progress reporter for terminals: one rich progress bar per piece of work."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                   transient=True)
    task: dict[str, Any] = {}

    def report(done: int, total: int, message: str) -> None:
        if "id" not in task:
            bar.start()
            task["id"] = bar.add_task(message, total=total)
        bar.update(task["id"], completed=done, total=total, description=message)
        if done >= total:
            bar.stop()
            task.clear()

    return report
