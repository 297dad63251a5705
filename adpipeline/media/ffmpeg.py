"""The ffmpeg that imageio-ffmpeg ships: finding it, running it with one timeout and one
error shape, the H.264 encoder the offline renderer pipes its frames into, and joining
clips (what a provider that animates scenes one by one needs).

Every video made here has the same shape whoever made it: H.264 ``yuv420p`` tagged
BT.709 limited range, and a silent AAC track, so players and ad platforms treat the
file as a normal ad.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from ..errors import InvalidInput, ProviderError

AUDIO_RATE = 48_000

X264_PRESETS: tuple[str, ...] = (
    "ultrafast", "superfast", "veryfast", "faster", "fast",
    "medium", "slow", "slower", "veryslow", "placebo",
)  # fmt: skip

#: Joining clips re-encodes them all: allow more than the default for a long ad.
_JOIN_TIMEOUT_S = 900.0


def run_ffmpeg(command: list[str], what: str, *, timeout_s: float = 300,
               stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``command`` (an ffmpeg command line); raise ``ProviderError`` saying it could
    not ``what``, with the last lines ffmpeg printed, if it fails or takes too long."""
    try:
        result = subprocess.run(command, input=stdin, capture_output=True, timeout=timeout_s,
                                check=False)
    except subprocess.TimeoutExpired:
        raise ProviderError(f"ffmpeg took longer than {timeout_s:.0f} s to {what}.") from None
    except OSError as exc:
        raise ProviderError(f"could not start ffmpeg ({command[0]}): {exc}") from None
    if result.returncode != 0:
        tail = "\n".join(result.stderr.decode("utf-8", "replace").strip().splitlines()[-12:])
        raise ProviderError(f"ffmpeg could not {what} (exit {result.returncode}):\n{tail}")
    return result


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary imageio-ffmpeg ships (no system ffmpeg needed)."""
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise ProviderError(
            f"no ffmpeg found ({exc}); reinstall imageio-ffmpeg, which ships one, or set "
            "IMAGEIO_FFMPEG_EXE to an ffmpeg binary."
        ) from exc


def encode_command(
    output: Path, *, width: int, height: int, fps: int, frame_count: int, crf: int, preset: str
) -> list[str]:
    """The ffmpeg command that turns raw I420 frames on stdin into the final MP4.

    Silent AAC from ``anullsrc`` makes players and ad platforms treat the file as a
    normal ad. It is cut on the input side to whole 1024-sample AAC frames that end no
    later than the video, so the container lasts exactly ``frame_count / fps`` (an
    output-side ``-frames:a`` made ffmpeg drop the last video frame).
    """
    check_preset(preset)
    if not isinstance(crf, int) or isinstance(crf, bool) or not 0 <= crf <= 51:
        raise InvalidInput(f"crf must be a whole number from 0 to 51 (got {crf!r}); 18-23 is typical.")
    return [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        # The frames are BT.709 limited range (see rgb_to_yuv444): say so on the input,
        # so the stream is tagged without any conversion.
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-video_size", f"{width}x{height}",
        "-framerate", str(fps), "-colorspace", "bt709", "-color_primaries", "bt709",
        "-color_trc", "bt709", "-color_range", "tv", "-i", "pipe:0",
        *silent_audio_input(frame_count, fps),
        "-map", "0:v:0", "-map", "1:a:0",
        "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k",
        "-movflags", "+faststart", "-f", "mp4", str(output),
    ]  # fmt: skip


class Encoder:
    """An ffmpeg child reading raw frames on a pipe; ``ProviderError`` with its stderr.

    Use as a context manager: leaving the block normally waits for ffmpeg and checks it;
    leaving with an exception kills it.
    """

    def __init__(self, command: list[str]) -> None:
        self.command = command
        # Lives as long as the encoder (closed in __exit__): ffmpeg writes to it directly,
        # so a chatty ffmpeg can never block on a full stderr pipe.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self._proc = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._stderr
            )
        except OSError as exc:
            self._stderr.close()
            raise ProviderError(f"could not start ffmpeg ({command[0]}): {exc}") from exc
        assert self._proc.stdin is not None
        self._fd = self._proc.stdin.fileno()
        with contextlib.suppress(OSError, AttributeError):
            # Linux: a 1 MiB pipe lets ffmpeg take a frame in fewer wake-ups.
            import fcntl

            fcntl.fcntl(self._fd, 1031, 1 << 20)  # F_SETPIPE_SZ

    def write(self, frame: np.ndarray) -> None:
        """Send one frame; raises ``ProviderError`` if ffmpeg has gone away."""
        view = memoryview(frame.data).cast("B")
        try:
            while view:
                view = view[os.write(self._fd, view) :]
        except (BrokenPipeError, ConnectionResetError):
            self._proc.wait()
            raise ProviderError(self._failure("stopped reading frames")) from None

    def close(self) -> None:
        """Finish the file; raises ``ProviderError`` if ffmpeg failed."""
        with contextlib.suppress(BrokenPipeError, OSError):
            assert self._proc.stdin is not None
            self._proc.stdin.close()
        code = self._proc.wait()
        if code != 0:
            raise ProviderError(self._failure(f"exited with code {code}"))

    def kill(self) -> None:
        """Stop ffmpeg now (the partial file is the caller's to remove)."""
        if self._proc.poll() is None:
            self._proc.kill()
        with contextlib.suppress(OSError):
            assert self._proc.stdin is not None
            self._proc.stdin.close()
        self._proc.wait()

    def _failure(self, what: str) -> str:
        return f"ffmpeg {what} while encoding the video. Last lines from ffmpeg:\n{self.stderr_tail()}"

    def stderr_tail(self, lines: int = 12) -> str:
        """The last ``lines`` lines ffmpeg printed, for error messages."""
        self._stderr.seek(0)
        text = self._stderr.read()[-8000:].decode("utf-8", "replace").strip()
        return "\n".join(text.splitlines()[-lines:]) or "(ffmpeg printed nothing)"

    def __enter__(self) -> Encoder:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None:
                self.close()
            else:
                self.kill()
        finally:
            self._stderr.close()


def encode(
    frames: Iterable[np.ndarray],
    output: Path,
    *,
    width: int,
    height: int,
    fps: int,
    frame_count: int,
    crf: int,
    preset: str,
) -> None:
    """Encode already-made I420 frames with exactly the settings :func:`render_video` uses.

    Used by the benchmark as the encode-only limit; also handy for tests.
    """
    command = encode_command(
        output, width=width, height=height, fps=fps, frame_count=frame_count, crf=crf, preset=preset
    )
    with Encoder(command) as encoder:
        for frame in frames:
            encoder.write(frame)


def check_preset(preset: str) -> None:
    """``InvalidInput`` unless ``preset`` is one of x264's presets."""
    if preset not in X264_PRESETS:
        raise InvalidInput(f"unknown x264 preset {preset!r}: use one of {', '.join(X264_PRESETS)}.")


def silent_audio_input(frame_count: int, fps: int) -> list[str]:
    """An ffmpeg input of stereo silence in whole 1024-sample AAC frames that end no later
    than the video's ``frame_count / fps`` seconds."""
    audio_s = (frame_count * AUDIO_RATE // fps) // 1024 * 1024 / AUDIO_RATE
    return ["-f", "lavfi", "-t", f"{audio_s:.6f}",
            "-i", f"anullsrc=channel_layout=stereo:sample_rate={AUDIO_RATE}"]


def join_clips(clips: list[Path], lengths: list[int], output: Path, *, width: int, height: int,
               fps: int, frame_count: int, crf: int, preset: str) -> None:
    """Join ``clips`` into ``output``: each fitted to the frame size, resampled to ``fps``
    and trimmed -- or looped, via ``-stream_loop`` -- to exactly ``lengths[i]`` frames;
    plus the silent AAC track the offline video has. The file appears only when complete."""
    check_preset(preset)
    w, h = width, height
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    for clip in clips:
        command += ["-stream_loop", "-1", "-i", str(clip)]
    command += silent_audio_input(frame_count, fps)
    chains = [
        f"[{i}:v:0]setpts=PTS-STARTPTS,fps={fps},"
        f"scale={w}:{h}:force_original_aspect_ratio=increase:out_color_matrix=bt709"
        f":out_range=tv,crop={w}:{h},setsar=1,format=yuv420p,"
        f"trim=end_frame={n},setpts=PTS-STARTPTS[v{i}]"
        for i, n in enumerate(lengths)
    ]
    chains.append("".join(f"[v{i}]" for i in range(len(clips)))
                  + f"concat=n={len(clips)}:v=1:a=0[v]")
    partial = output.with_name(f".{output.name}.part")
    command += [
        "-filter_complex", ";".join(chains), "-map", "[v]", "-map", f"{len(clips)}:a:0",
        "-frames:v", str(frame_count), "-c:v", "libx264", "-preset", preset,
        "-crf", str(crf), "-pix_fmt", "yuv420p", "-colorspace", "bt709",
        "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
        "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", "-f", "mp4", str(partial),
    ]
    try:
        run_ffmpeg(command, "join the clips", timeout_s=_JOIN_TIMEOUT_S)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


def grab_frame(video: Path, at_s: float, png: Path) -> None:
    """Save the frame of ``video`` at ``at_s`` seconds as a PNG."""
    run_ffmpeg([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                "-ss", f"{at_s:.3f}", "-i", str(video), "-frames:v", "1", "-f", "image2",
                "-c:v", "png", str(png)], "grab the poster frame", timeout_s=_JOIN_TIMEOUT_S)
