"""Making each stage's output: what is asked of which provider, with which inputs.

Every provider call goes through the :class:`Gateway`, so each function here is free
to ask again for something it asked before: unchanged requests are served from the
cache. A person's changes (feedback adjustments, scene edits) live in the requests,
so regenerating keeps them.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from ..adjustments import Adjustments
from ..errors import InvalidInput
from ..models import (
    FRAME_SIZES,
    AudioSettings,
    Brief,
    Feedback,
    ImageAsset,
    Session,
    StageName,
    Story,
    VideoAsset,
)
from ..providers.base import ImageRequest, VideoRequest
from .context import Context

T = TypeVar("T")


def derive_seed(brief: Brief, stage: str, version: int, item: int | None = None) -> int:
    """A seed fixed by the brief and the version number: same script, same seeds."""
    material = f"{brief.model_dump_json()}|{stage}|{version}|{item}"
    return int(hashlib.sha256(material.encode()).hexdigest()[:8], 16)


def story_of(session: Session) -> Story:
    version = session.stages["story"].output
    if version is None or version.story is None:
        raise InvalidInput("this session has no story yet; regenerate the story stage.")
    return version.story


def inputs_of(session: Session, stage: StageName) -> str:
    """A fingerprint of what ``stage`` is made from: the approved outputs before it.

    Approving the stage before it again with the same fingerprint reuses the output
    (no provider call, no new version), so going back and forth costs nothing.
    """
    parts: list[str] = [session.brief.model_dump_json()]
    if stage != "story":
        output = session.stages["story"].output
        parts.append(output.story.model_dump_json() if output and output.story else "")
    if stage == "storyboard":
        parts += [a.blob for a in images_of(session, "reference_images")]
    if stage == "video":
        parts += [a.blob for a in images_of(session, "storyboard")]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def images_of(session: Session, stage: StageName) -> list[ImageAsset]:
    version = session.stages[stage].output
    return list(version.images or []) if version is not None else []


# story ----------------------------------------------------------------------


def write_story(
    ctx: Context, brief: Brief, previous: Story | None, feedback: list[Feedback], seed: int
) -> Story:
    provider = ctx.providers.text
    ctx.progress(0, 1, "Writing the story ...")
    params = {
        "brief": brief.model_dump(mode="json"),
        "previous": previous.model_dump(mode="json") if previous else None,
        "feedback": [f.model_dump(mode="json", include={"text", "item", "changes"})
                     for f in feedback],
        "seed": seed,
    }
    data = ctx.gateway.call(
        provider, "write_story", params,
        lambda: provider.write_story(brief, previous, feedback, seed).model_dump(mode="json"),
    )
    ctx.progress(1, 1, "Story written")
    return Story.model_validate(data)


# images ---------------------------------------------------------------------


def reference_requests(session: Session) -> list[ImageRequest]:
    """The three reference sheets: product, main character, main setting."""
    story = story_of(session)
    width, height = FRAME_SIZES[session.brief.aspect]
    settings = Counter(scene.setting for scene in story.scenes)
    setting, when = settings.most_common(1)[0][0], story.scenes[0].time_of_day
    common: dict[str, Any] = {
        "width": width, "height": height, "seed": 0, "product": story.product,
        "category": story.category, "product_color": story.product_color,
        "character": story.main_character, "palette": story.palette,
        "setting": setting, "time_of_day": when,
    }
    return [
        ImageRequest(kind="product", label=f"{story.product} product sheet",
                     prompt=f"product sheet: {story.product}, a {story.product_color} "
                            f"{story.category}, front, side and detail views",
                     camera="close-up", **common),
        ImageRequest(kind="character", label=f"{story.main_character.split(',')[0]} character sheet",
                     prompt=f"character sheet: {story.main_character}, front view, "
                            f"{story.tone} mood", camera="medium", **common),
        ImageRequest(kind="setting", label=f"{setting.capitalize()} setting sheet",
                     prompt=f"setting sheet: an empty {setting} at {when}, {story.tone} palette",
                     camera="wide", **common),
    ]


def storyboard_requests(session: Session) -> list[ImageRequest]:
    story = story_of(session)
    width, height = FRAME_SIZES[session.brief.aspect]
    return [
        ImageRequest(
            kind="frame", label=f"Scene {scene.index}: {scene.beat}", prompt=scene.visual_prompt,
            width=width, height=height, seed=0, product=story.product, category=story.category,
            product_color=story.product_color,
            character=scene.characters[0] if scene.characters else "",
            palette=story.palette, setting=scene.setting, time_of_day=scene.time_of_day,
            camera=scene.camera, action=scene.action, on_screen_text=scene.on_screen_text,
        )
        for scene in story.scenes
    ]


_PEOPLE = ("woman", "man", "person", "girl", "boy", "child", "runner", "athlete", "hiker",
           "cyclist", "chef", "student", "family", "customer", "worker", "model", "dancer")


def request_from_prompt(prompt: str, width: int, height: int, seed: int) -> ImageRequest:
    """A picture asked for in words alone (no story): the setting, time of day, colour
    and framing are read from the prompt, so the offline drawer shows what it says;
    remote models get the prompt itself."""
    from ..providers.offline.vocabulary import COLORS, TIMES_OF_DAY, find_family, find_setting, find_word

    family = find_family(prompt)
    product = find_word(prompt, {k: (k,) for k in family.keywords}) or "product"
    framing = find_word(prompt, {"close-up": ("close-up", "close up", "closeup", "macro", "detail"),
                                 "wide": ("wide", "establishing", "aerial", "landscape")})
    person = find_word(prompt, {w: (w,) for w in _PEOPLE})
    return ImageRequest(
        kind="frame", label=prompt[:60], prompt=prompt, character=person or "", width=width,
        height=height, seed=seed,
        # The drawer picks the product's shape from words ("bottle", "shoe") in these.
        product=product, category=prompt[:200],
        product_color=find_word(prompt, {c: (c,) for c in COLORS}) or "teal",
        setting=find_setting(prompt) or "studio", time_of_day=find_word(prompt, TIMES_OF_DAY) or "day",
        camera=framing or "medium",
    )


def draw_images(
    ctx: Context,
    requests: list[ImageRequest],
    references: list[str],
    *,
    previous: list[ImageAsset],
    feedback: list[Feedback],
    seeds: list[int],
    only: int | None,
    fresh: bool,
) -> list[ImageAsset]:
    """Draw the stage's images; with ``only``, redraw one and keep the rest.

    An item with feedback keeps its seed and adds the adjustments, so exactly the asked
    change is visible; with ``fresh`` (regenerate without feedback) items get new seeds.
    """
    provider = ctx.providers.image
    ref_bytes = [ctx.blobs.get(name) for name in references]
    slots: list[ImageAsset | None] = []
    todo: list[tuple[int, ImageRequest]] = []
    for i, request in enumerate(requests):
        old = previous[i] if i < len(previous) else None
        mine = [f for f in feedback if f.item is None or f.item == i]
        if only is not None and i != only and old is not None:
            slots.append(old)
            continue
        if old is not None and not fresh and not mine and old.source != "generated":
            slots.append(old)  # an inpainted or uploaded item is the person's work: keep it
            continue
        adjustments = old.adjustments if old is not None and not fresh else Adjustments()
        for f in mine:
            adjustments = adjustments.plus(f.changes)
        seed = old.seed if old is not None and (mine or not fresh) else seeds[i]
        if adjustments.setting:
            request = request.model_copy(update={"setting": adjustments.setting})
        todo.append((i, request.model_copy(update={"seed": seed, "adjustments": adjustments})))
        slots.append(None)

    total = len(todo)
    noun = _noun(requests[0]) if requests else "image"
    done = [0]
    lock = threading.Lock()
    # Said on the calling thread, so a panel that shows only its own thread's news sees it.
    ctx.progress(0, total, f"Drawing {noun} 1 of {total} ...")
    note = None
    if ref_bytes and not getattr(provider, "takes_references", False):
        note = (f"{provider.name}/{provider.model} takes no image input: drawn from the prompt "
                "alone, not from the approved reference sheets")

    def draw(number: int, request: ImageRequest) -> ImageAsset:
        with lock:
            ctx.progress(done[0], total, f"Drawing {noun} {number} of {total} ...")

        def make() -> str:
            return ctx.blobs.put(provider.generate(request, ref_bytes), "png")

        name = ctx.gateway.call(provider, "generate", request.model_dump(mode="json"), make,
                                inputs=references)
        with lock:
            done[0] += 1
            ctx.progress(done[0], total, f"{done[0]} of {total} {noun}s done")
        return ImageAsset(
            kind=request.kind, label=request.label, prompt=request.prompt, blob=name,
            width=request.width, height=request.height, seed=request.seed,
            references=list(references),
            adjustments=request.adjustments.model_copy(),
            shows_headline=request.kind == "frame" and bool(request.on_screen_text)
            and getattr(provider, "draws_headline", False),
            note=note or "",
        )

    jobs = [functools.partial(draw, n, r) for n, (_, r) in enumerate(todo, start=1)]
    for (i, _), asset in zip(todo, run_bounded(jobs), strict=True):
        slots[i] = asset.model_copy(update={"scene": i + 1 if asset.kind == "frame" else None})
    ctx.progress(total, total, f"Drew {total} {noun}{'' if total == 1 else 's'}")
    return [a for a in slots if a is not None]


def concurrency() -> int:
    """How many provider calls a stage makes at once: ``ADPIPELINE_CONCURRENCY``, else 4.

    Remote image models take seconds a picture and are billed per picture, so drawing
    a storyboard's frames together costs the same and ends several times sooner; the
    bound keeps within providers' rate limits (a 429 is retried by the gateway)."""
    raw = os.environ.get("ADPIPELINE_CONCURRENCY", "").strip()
    try:
        value = int(raw) if raw else 4
    except ValueError:
        raise InvalidInput(f"ADPIPELINE_CONCURRENCY={raw!r}: use a whole number such as 4.") from None
    if not 1 <= value <= 64:
        raise InvalidInput(f"ADPIPELINE_CONCURRENCY={value}: use 1 to 64.")
    return value


def run_bounded(jobs: Sequence[Callable[[], T]], limit: int | None = None) -> list[T]:
    """Run ``jobs`` with at most ``limit`` at once; results in order. The first failure
    is raised once the calls already in flight have ended; jobs not yet started are
    dropped, so a budget stop or a refusal does not start more paid calls."""
    if len(jobs) <= 1:
        return [job() for job in jobs]
    workers = min(limit or concurrency(), len(jobs))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="adpipeline-call") as pool:
        futures = [pool.submit(job) for job in jobs]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _noun(request: ImageRequest) -> str:
    return "frame" if request.kind == "frame" else "reference image"


def inpaint(ctx: Context, asset: ImageAsset, mask_png: bytes, prompt: str, seed: int) -> ImageAsset:
    provider = ctx.providers.inpaint
    mask_name = ctx.blobs.put(mask_png, "png")
    ctx.progress(0, 1, "Inpainting the masked region ...")
    name = ctx.gateway.call(
        provider, "inpaint", {"prompt": prompt, "seed": seed},
        lambda: ctx.blobs.put(
            provider.inpaint(ctx.blobs.get(asset.blob), mask_png, prompt, seed), "png"
        ),
        inputs=[asset.blob, mask_name],
    )
    ctx.progress(1, 1, "Inpainted")
    return asset.model_copy(update={
        "blob": name, "source": "inpainted", "note": f"inpainted: {prompt}",
    })


# video ----------------------------------------------------------------------


def render_video(
    ctx: Context, session: Session, frames: list[ImageAsset], transition_s: float, seed: int,
    audio: AudioSettings | None = None,
) -> VideoAsset:
    """Voice the lines, time the scenes to them, render the pictures, then mix the voice
    and the music bed into the MP4 (see :mod:`adpipeline.pipeline.sound`)."""
    from ..media.timing import retimed
    from . import sound

    story = story_of(session)
    if len(frames) != len(story.scenes):
        raise InvalidInput(
            f"the storyboard has {len(frames)} frames for {len(story.scenes)} scenes; "
            "reopen the storyboard and approve it again."
        )
    settings = audio if audio is not None else session.audio
    voiced = sound.voice_lines(ctx, story, settings, session.brief.language)
    timing = sound.time_scenes(story, voiced) if any(voiced.seconds) else None
    timed = retimed(story, timing.durations) if timing is not None else story
    width, height = FRAME_SIZES[session.brief.aspect]
    request = VideoRequest(story=timed, width=width, height=height,
                           transition_s=transition_s, seed=seed,
                           headlines_in_frames=[f.shows_headline for f in frames])
    names = [f.blob for f in frames]
    data = render_request(ctx, request, names)
    # The bed's seed is fixed by the brief, so "music quieter" changes the level, not the tune.
    music = sound.compose_music(ctx, timed, settings, derive_seed(session.brief, "music", 0))
    mixed = sound.finish(ctx, timed, data["blob"], data["subtitles"], voiced, timing, music,
                         settings, frame_count=data["frame_count"], fps=data["fps"])
    notes = list(voiced.notes) + (timing.problems if timing is not None else [])
    data.update(blob=mixed.video, subtitles=mixed.subtitles)
    return VideoAsset(**data, transition_s=transition_s, frames=names, audio=settings, seed=seed,
                      lines=mixed.lines, scene_durations=[s.duration_s for s in timed.scenes],
                      loudness_lufs=mixed.loudness_lufs, true_peak_dbtp=mixed.true_peak_dbtp,
                      notes=notes)


def render_request(ctx: Context, request: VideoRequest, frames: list[str]) -> dict[str, Any]:
    """Render ``request`` from the stored ``frames`` (blob names, one per scene) through
    the gateway; the video, poster and subtitles go into the blob store, by name."""
    provider = ctx.providers.video

    def run() -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="adpipeline-video-") as tmp:
            rendered = provider.render(
                request, [ctx.blobs.get(n) for n in frames], Path(tmp), ctx.progress
            )
            return {
                "blob": ctx.blobs.put_file(rendered.video, "mp4"),
                "poster": ctx.blobs.put_file(rendered.poster, "png"),
                "subtitles": ctx.blobs.put_file(rendered.subtitles, "srt"),
                "width": rendered.width, "height": rendered.height, "fps": rendered.fps,
                "duration_s": rendered.duration_s, "frame_count": rendered.frame_count,
            }

    result: dict[str, Any] = ctx.gateway.call(
        provider, "render", request.model_dump(mode="json"), run, inputs=frames)
    return result
