"""The offline video renderer: timing, sizes, shots, crossfades, text, .srt, poster, errors.

Videos are read back the way a player would: OpenCV for frames and sizes, the ffmpeg
imageio-ffmpeg ships for stream info and exact RGB frames (it honours the BT.709 tags).
"""

from __future__ import annotations

import io
import itertools
import re
import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image, ImageDraw

from adpipeline.errors import InvalidInput, ProviderError
from adpipeline.media import video as V
from adpipeline.media.frames import FrameSource
from adpipeline.media.subtitles import SRT_LINE_CHARS
from adpipeline.media.timeline import camera_motion, plan_shots
from adpipeline.models import Scene, Story
from adpipeline.providers.base import RenderedVideo, VideoProvider, VideoRequest
from adpipeline.providers.offline.video import OfflineVideoProvider

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
COLOURS = [(220, 40, 40), (40, 170, 60), (40, 70, 210), (230, 200, 40), (170, 50, 190), (30, 190, 200)]


def make_story(
    durations: list[float],
    *,
    cameras: list[str] | None = None,
    voiceovers: list[str] | None = None,
    texts: list[str] | None = None,
) -> Story:
    scenes = []
    start = 0.0
    for i, duration in enumerate(durations):
        scenes.append(
            Scene(
                index=i + 1,
                start_s=start,
                duration_s=duration,
                beat=f"beat {i + 1}",
                setting="studio",
                action="the bottle turns",
                camera=(cameras or ["slow push in"])[i % len(cameras or ["x"])],
                voiceover=(voiceovers or [f"Line {i + 1} of the voiceover."] * len(durations))[i],
                on_screen_text=(texts or [f"TEXT {i + 1}"] * len(durations))[i],
                visual_prompt="a bottle",
            )
        )
        start += duration
    return Story(
        title="Aurora",
        product="Aurora bottle",
        category="drinkware",
        framework="AIDA",
        framework_reason="test",
        tone="upbeat",
        focus="benefits",
        audience="hikers",
        main_character="Maya",
        scenes=scenes,
        cta="Shop now",
    )


def still(n: int, width: int = 320, height: int = 180) -> bytes:
    """A distinct PNG per scene: a solid colour with a pattern that differs too."""
    image = Image.new("RGB", (width, height), COLOURS[n % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    step = max(8, width // (4 + n))
    for x in range(0, width, step):
        draw.rectangle((x, 0, x + step // 4, height), fill=tuple(c // 2 for c in COLOURS[n % 6]))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def stream_info(path: Path) -> str:
    """What ``ffmpeg -i`` says about the file (imageio-ffmpeg ships no ffprobe)."""
    return subprocess.run([FFMPEG, "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr


def duration_of(path: Path) -> float:
    match = re.search(r"Duration: (\d+):(\d+):(\d+\.\d+)", stream_info(path))
    assert match, stream_info(path)
    h, m, s = match.groups()
    return int(h) * 3600 + int(m) * 60 + float(s)


def decode_rgb(path: Path, width: int, height: int) -> np.ndarray:
    """Every frame as RGB, shape (n, height, width, 3)."""
    raw = subprocess.run(
        [FFMPEG, "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, height, width, 3)


def opencv_frames(path: Path) -> tuple[int, int, int]:
    """(frames read, width, height) as OpenCV decodes the file."""
    capture = cv2.VideoCapture(str(path))
    assert capture.isOpened()
    count, size = 0, (0, 0)
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        count += 1
        size = (frame.shape[1], frame.shape[0])
    capture.release()
    return count, *size


def thumb(rgb: np.ndarray) -> np.ndarray:
    return cv2.resize(rgb, (32, 18), interpolation=cv2.INTER_AREA).astype(np.float32)


def still_rgb(png: bytes, width: int, height: int) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB").resize((width, height)))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[V.VideoFiles, Story, list[bytes], list]:
    """One 6 s 320x180 render (three scenes, text on), shared by the read-only tests."""
    story = make_story(
        [2.0, 1.5, 2.5],
        cameras=["slow push in", "pan left", "static, locked off"],
        voiceovers=["Meet Aurora, the bottle that keeps up.", "", "Cold for a day. Hot for twelve hours."],
        texts=["AURORA", "", "24h cold"],
    )
    frames = [still(n) for n in range(3)]
    calls: list[tuple[int, int, str]] = []
    files = V.render_video(
        story,
        frames,
        tmp_path_factory.mktemp("video"),
        width=320,
        height=180,
        fps=30,
        transition_s=0.5,
        progress=lambda done, total, message: calls.append((done, total, message)),
    )
    return files, story, frames, calls


def test_duration_and_frame_count_match_the_story_despite_crossfades(rendered: tuple) -> None:
    files, story, _, _ = rendered
    assert story.duration_s == 6.0
    assert files.frame_count == 180 and files.duration_s == pytest.approx(6.0)
    assert abs(duration_of(files.video) - 6.0) <= 1 / 30
    frames, secs = imageio_ffmpeg.count_frames_and_secs(str(files.video))
    assert abs(frames - 180) <= 1 and abs(secs - 6.0) <= 1 / 30
    count, width, height = opencv_frames(files.video)
    assert abs(count - 180) <= 1 and (width, height) == (320, 180)


def test_stream_is_h264_yuv420p_bt709_with_an_aac_audio_track(rendered: tuple) -> None:
    info = stream_info(rendered[0].video)
    assert re.search(r"Video: h264 .*yuv420p\(tv, bt709", info), info
    assert re.search(r"Audio: aac", info), info


def test_faststart_puts_the_index_before_the_media(rendered: tuple) -> None:
    data = rendered[0].video.read_bytes()
    boxes, at = [], 0
    while at + 8 <= len(data):  # walk the top-level MP4 boxes: size (4 bytes) + type
        size = int.from_bytes(data[at : at + 4], "big")
        boxes.append(data[at + 4 : at + 8].decode("latin-1"))
        if size < 8:
            break
        at += size
    assert boxes.index("moov") < boxes.index("mdat"), boxes


def test_each_scene_shows_its_own_still_and_shots_change_at_the_cuts(rendered: tuple) -> None:
    files, story, stills, _ = rendered
    video = decode_rgb(files.video, 320, 180)
    refs = [thumb(still_rgb(png, 320, 180)) for png in stills]
    plans = plan_shots(story, 30, 0.5)
    for plan in plans:
        middle = (plan.start + plan.end) // 2
        distances = [np.abs(thumb(video[middle]) - ref).mean() for ref in refs]
        assert int(np.argmin(distances)) == plan.number - 1, (plan.number, distances)
    for before, after in itertools.pairwise(plans):
        cut = after.start
        # Either side of the crossfade the picture is clearly different ...
        jump = np.abs(thumb(video[cut - 10]) - thumb(video[cut + 10])).mean()
        assert jump > 30, (before.number, jump)
        # ... and at the cut itself it is a blend of both stills, not either one.
        mix = (refs[before.number - 1] + refs[after.number - 1]) / 2
        at_cut = thumb(video[cut])
        to_mix = np.abs(at_cut - mix).mean()
        assert to_mix < np.abs(at_cut - refs[before.number - 1]).mean()
        assert to_mix < np.abs(at_cut - refs[after.number - 1]).mean()


def test_colours_survive_encoding(tmp_path: Path) -> None:
    """BT.709 frames, tagged as such, decode to the colours of the stills."""
    colours = [(200, 40, 40), (128, 128, 128), (40, 60, 200)]
    pngs = []
    for colour in colours:
        buffer = io.BytesIO()
        Image.new("RGB", (64, 64), colour).save(buffer, "PNG")
        pngs.append(buffer.getvalue())
    story = make_story([1.0] * 3, cameras=["static"], voiceovers=[""] * 3, texts=[""] * 3)
    files = V.render_video(story, pngs, tmp_path, width=160, height=90, transition_s=0)
    video = decode_rgb(files.video, 160, 90)
    for n, colour in enumerate(colours):
        seen = video[n * 30 + 15].reshape(-1, 3).mean(axis=0)
        assert np.abs(seen - colour).max() < 6, (colour, seen)


def test_srt_has_one_cue_per_spoken_scene_timed_to_the_scene(rendered: tuple) -> None:
    files, story, _, _ = rendered
    assert files.subtitles.name == "ad.srt" and files.subtitles.parent == files.video.parent
    blocks = files.subtitles.read_text(encoding="utf-8").strip().split("\n\n")
    spoken = [s for s in story.scenes if s.voiceover]
    assert len(blocks) == len(spoken) == 2
    for number, (block, scene) in enumerate(zip(blocks, spoken, strict=True), start=1):
        lines = block.splitlines()
        assert lines[0] == str(number)
        start, end = lines[1].split(" --> ")
        assert start == srt_time(scene.start_s) and end == srt_time(scene.end_s)
        assert " ".join(lines[2:]) == scene.voiceover
        assert all(len(line) <= SRT_LINE_CHARS for line in lines[2:])


def srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def test_poster_is_a_png_of_the_first_shot_with_its_text(rendered: tuple) -> None:
    files, _, stills, _ = rendered
    data = files.poster.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    poster = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    assert poster.shape == (180, 320, 3)
    refs = [thumb(still_rgb(png, 320, 180)) for png in stills]
    assert int(np.argmin([np.abs(thumb(poster) - ref).mean() for ref in refs])) == 0
    # White headline text over a red/dark-red still: near-white pixels in the top band.
    top = poster[: int(180 * 0.35)]
    assert (top.min(axis=2) > 220).sum() > 50


def test_text_is_burned_in(rendered: tuple, tmp_path: Path) -> None:
    files, story, stills, _ = rendered
    quiet = make_story(
        [s.duration_s for s in story.scenes],
        cameras=[s.camera for s in story.scenes],
        voiceovers=[""] * 3,
        texts=[""] * 3,
    )
    plain = V.render_video(quiet, stills, tmp_path, width=320, height=180)
    with_text = decode_rgb(files.video, 320, 180)[30]
    without = decode_rgb(plain.video, 320, 180)[30]
    changed = np.abs(with_text.astype(int) - without).max(axis=2) > 40
    rows = np.flatnonzero(changed.any(axis=1))
    # Headline near the top, subtitles near the bottom, picture in between untouched.
    assert rows.min() < 180 * 0.3 and rows.max() > 180 * 0.7
    assert not changed[int(180 * 0.45) : int(180 * 0.55)].any()


def test_a_frame_that_already_shows_its_headline_does_not_get_it_twice(tmp_path: Path) -> None:
    stills = [still(n) for n in range(3)]
    texts = make_story([2.0, 2.0, 2.0], voiceovers=[""] * 3)
    bare = make_story([2.0, 2.0, 2.0], voiceovers=[""] * 3, texts=[""] * 3)
    drawn = V.render_video(texts, stills, tmp_path / "a", width=320, height=180,
                           headlines_drawn=[True, False, True])
    plain = V.render_video(bare, stills, tmp_path / "b", width=320, height=180)
    ours, theirs = decode_rgb(drawn.video, 320, 180), decode_rgb(plain.video, 320, 180)
    top = slice(0, int(180 * 0.35))  # where headlines go

    def changed(k: int) -> int:  # pixels of the headline area that the render changed
        return int((np.abs(ours[k][top].astype(int) - theirs[k][top]).max(axis=2) > 40).sum())

    assert changed(30) == 0  # shot 1 shows its own headline: nothing burned over it
    assert changed(90) > 200  # shot 2 does not: its headline is burned in
    assert changed(150) == 0


def test_progress_counts_frames_and_names_each_shot(rendered: tuple) -> None:
    _, _, _, calls = rendered
    assert calls[0] == (0, 180, "Rendering shot 1 of 3")
    messages = [m for _, _, m in calls]
    for n in (1, 2, 3):
        assert f"Rendering shot {n} of 3" in messages
    done = [d for d, _, _ in calls]
    assert done == sorted(done) and all(t == 180 for _, t, _ in calls)
    assert calls[-1][0] == 180 and "ready" in calls[-1][2]


@pytest.mark.parametrize(
    ("aspect", "width", "height"),
    [("16:9", 1280, 720), ("9:16", 720, 1280), ("1:1", 1024, 1024), ("9:16", 1080, 1920)],
)
def test_frame_size_per_aspect(tmp_path: Path, aspect: str, width: int, height: int) -> None:
    story = make_story(
        [1.0, 1.0],
        cameras=["pan right", "pull back"],
        voiceovers=["A long line of voiceover that has to wrap on narrow frames to stay legible."] * 2,
    )
    # Stills come in another shape than the video: they are cover-fitted.
    pngs = [still(0, 640, 360), still(1, 300, 500)]
    files = V.render_video(story, pngs, tmp_path, width=width, height=height)
    count, w, h = opencv_frames(files.video)
    assert (w, h) == (width, height) and abs(count - 60) <= 1
    assert Image.open(files.poster).size == (width, height)
    assert abs(duration_of(files.video) - 2.0) <= 1 / 30


def test_pan_right_slides_the_picture_left_smoothly(tmp_path: Path) -> None:
    image = Image.new("RGB", (320, 180), "white")
    ImageDraw.Draw(image).rectangle((156, 0, 163, 180), fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    story = make_story([2.0], cameras=["slow pan right"], voiceovers=[""], texts=[""])
    files = V.render_video(story, [buffer.getvalue()], tmp_path, width=320, height=180)
    video = decode_rgb(files.video, 320, 180)
    darkness = 255.0 - video[:, 90, :, :].mean(axis=2)
    cols = np.arange(320)
    centre = (darkness * cols).sum(axis=1) / darkness.sum(axis=1)
    steps = np.diff(centre)
    assert centre[0] - centre[-1] > 10  # moved left, by a visible amount
    # About 0.43 px every frame: whole-pixel motion would step by 0 or 1 instead.
    assert steps.min() > -0.7 and steps.max() < -0.2, steps


def test_static_shot_does_not_move_and_push_in_does(tmp_path: Path) -> None:
    pngs = [still(3), still(4)]
    story = make_story([1.0, 1.0], cameras=["static", "push in"], voiceovers=[""] * 2, texts=[""] * 2)
    files = V.render_video(story, pngs, tmp_path, width=320, height=180, transition_s=0)
    video = decode_rgb(files.video, 320, 180).astype(int)
    assert np.abs(video[2] - video[27]).mean() < 1.5
    assert np.abs(video[32] - video[57]).mean() > 5


@pytest.mark.parametrize(
    ("note", "motion"),
    [
        ("Slow push in on the bottle", "push_in"),
        ("zoom in", "push_in"),
        ("extreme close-up of the cap", "push_in"),
        ("pan left across the kitchen", "pan_left"),
        ("Pan right", "pan_right"),
        ("tracking shot alongside the runner", "pan_right"),
        ("static, locked off", "static"),
        ("locked-off tripod shot", "static"),
        ("pull back to reveal the city", "pull_out"),
        ("wide establishing shot", "pull_out"),
        ("zoom out", "pull_out"),
        ("wide shot, slow push in", "push_in"),
        ("tilt up to the sky", "tilt_up"),
        ("handheld, following her", "handheld"),
        ("medium shot", "push_in"),
        ("", "push_in"),
    ],
)
def test_camera_note_picks_the_motion(note: str, motion: str) -> None:
    assert camera_motion(note) == motion


def test_crossfades_are_centred_on_cuts_and_never_longer_than_a_shot() -> None:
    plans = plan_shots(make_story([2.0, 0.2, 2.0]), 30, 1.0)
    assert [(p.start, p.end) for p in plans] == [(0, 60), (60, 66), (66, 126)]
    # 1 s crossfades would swallow the 6-frame middle shot: they shrink to 6 frames.
    assert plans[0].span_end - plans[1].span_start == 6
    assert plans[1].span_end - plans[2].span_start == 6
    assert plans[0].span_start == 0 and plans[-1].span_end == 126


def test_wrong_number_of_frames_is_refused(tmp_path: Path) -> None:
    story = make_story([1.0, 1.0, 1.0])
    with pytest.raises(InvalidInput, match=r"2 storyboard frame.*3 scene"):
        V.render_video(story, [still(0), still(1)], tmp_path, width=320, height=180)
    assert not list(tmp_path.iterdir())


def test_bytes_that_are_not_an_image_are_refused(tmp_path: Path) -> None:
    story = make_story([1.0, 1.0])
    with pytest.raises(InvalidInput, match=r"frame 2 \(scene 2\) is not an image"):
        V.render_video(story, [still(0), b"this is not a png"], tmp_path, width=320, height=180)
    assert not list(tmp_path.glob("*.mp4*"))


def test_a_corrupt_image_found_mid_render_leaves_no_video(tmp_path: Path) -> None:
    broken = still(1)[:60]  # a PNG header with its pixels cut off
    story = make_story([1.0, 1.0])
    with pytest.raises(InvalidInput, match="frame 2"):
        V.render_video(story, [still(0), broken], tmp_path, width=320, height=180)
    assert not [p for p in tmp_path.iterdir() if ".mp4" in p.name]


def test_odd_sizes_and_bad_settings_are_refused(tmp_path: Path) -> None:
    story = make_story([1.0])
    with pytest.raises(InvalidInput, match="even"):
        V.render_video(story, [still(0)], tmp_path, width=321, height=180)
    with pytest.raises(InvalidInput, match="preset"):
        V.render_video(story, [still(0)], tmp_path, width=320, height=180, preset="warp9")
    with pytest.raises(InvalidInput, match="transition_s"):
        V.render_video(story, [still(0)], tmp_path, width=320, height=180, transition_s=-1)


def test_ffmpeg_failure_raises_provider_error_with_its_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = V.encode_command

    def broken(*args: object, **kwargs: object) -> list[str]:
        return [a.replace("libx264", "no_such_encoder") for a in real(*args, **kwargs)]  # type: ignore[arg-type]

    monkeypatch.setattr(V, "encode_command", broken)
    with pytest.raises(ProviderError, match="no_such_encoder") as caught:
        V.render_video(make_story([1.0]), [still(0)], tmp_path, width=320, height=180)
    assert "ffmpeg" in str(caught.value)
    assert not [p for p in tmp_path.iterdir() if ".mp4" in p.name]


def test_offline_provider_fills_the_contract(tmp_path: Path) -> None:
    provider = OfflineVideoProvider()
    assert isinstance(provider, VideoProvider)
    assert (provider.name, provider.model) == ("offline", "ffmpeg-x264")
    story = make_story([1.5, 1.0])
    request = VideoRequest(story=story, width=320, height=180, fps=24, transition_s=0.25)
    cost = provider.estimate("render", request.model_dump(mode="json"))
    assert (cost.units, cost.unit, cost.usd) == (2.5, "seconds", 0.0)
    seen: list[str] = []
    result = provider.render(request, [still(0), still(1)], tmp_path, lambda d, t, m: seen.append(m))
    assert isinstance(result, RenderedVideo)
    assert result.video == tmp_path / "ad.mp4" and result.video.stat().st_size > 0
    assert result.poster == tmp_path / "poster.png" and result.subtitles == tmp_path / "ad.srt"
    assert (result.width, result.height, result.fps, result.frame_count) == (320, 180, 24, 60)
    assert result.duration_s == pytest.approx(2.5)
    assert abs(duration_of(result.video) - 2.5) <= 1 / 24
    assert seen and seen[0] == "Rendering shot 1 of 2"


def luma_frames(story: Story, pngs: list[bytes], width: int, height: int) -> np.ndarray:
    """The frames exactly as they go into the encoder (Y plane), before any compression."""
    source = FrameSource(story, pngs, width=width, height=height)
    return np.array([buf[: width * height].reshape(height, width).copy() for _, buf in source])


def stripe_centre(rows: np.ndarray, lo: int, hi: int) -> np.ndarray:
    dark = 235.0 - rows[:, lo:hi].astype(float)
    return (dark * np.arange(lo, hi)).sum(axis=1) / dark.sum(axis=1)


def test_push_in_holds_the_centre_and_moves_the_edges_evenly() -> None:
    image = Image.new("RGB", (320, 180), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((158, 0, 161, 60), fill="black")  # centred on the frame's centre
    draw.rectangle((78, 100, 81, 180), fill="black")  # 80 px left of it
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    story = make_story([2.0], cameras=["push in"], voiceovers=[""], texts=[""])
    y = luma_frames(story, [buffer.getvalue()], 320, 180)
    centre = stripe_centre(y[:, 30], 130, 190)
    assert np.abs(centre - 159.5).max() < 0.1
    # Zoom 1.0 -> 1.1 over the shot: the left stripe goes from 79.5 to 159.5 - 88.
    zoom = np.linspace(1.0, 1.1, len(y))
    left = stripe_centre(y[:, 150], 40, 120)
    assert np.abs(left - (159.5 - 80 * zoom)).max() < 0.15  # sub-pixel exact
    assert (np.diff(left) < 0).all()  # always outward, never back
