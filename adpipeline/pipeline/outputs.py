"""What a stage hands its user: images as PIL/PNG, the video as a path on disk."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InvalidInput
from ..models import ImageAsset, VideoAsset
from ..store import Blobs

if TYPE_CHECKING:
    from PIL import Image


@dataclass(frozen=True)
class ImageItem:
    """One image of a stage: its record plus lazy access to the pixels."""

    index: int
    asset: ImageAsset
    blobs: Blobs
    stale: bool = False

    @property
    def png(self) -> bytes:
        return self.blobs.get(self.asset.blob)

    @property
    def path(self) -> Path:
        """Where the PNG is on disk (read it, never change it: it is shared by content)."""
        return self.blobs.path(self.asset.blob)

    @property
    def image(self) -> Image.Image:
        from PIL import Image

        return Image.open(io.BytesIO(self.png))

    @property
    def prompt(self) -> str:
        return self.asset.prompt

    @property
    def label(self) -> str:
        return self.asset.label

    def save(self, path: str | Path) -> Path:
        target = Path(path)
        target.write_bytes(self.png)
        return target

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        flag = ", stale" if self.stale else ""
        return (f"<ImageItem {self.index}: {self.asset.label!r} {self.asset.width}x"
                f"{self.asset.height} {self.asset.source}{flag}>")


@dataclass(frozen=True)
class VideoOutput:
    """The rendered ad: an MP4 on disk, its poster frame and subtitles."""

    asset: VideoAsset
    blobs: Blobs

    @property
    def path(self) -> Path:
        return self.blobs.path(self.asset.blob)

    @property
    def subtitles_path(self) -> Path:
        return self.blobs.path(self.asset.subtitles)

    @property
    def poster(self) -> bytes:
        return self.blobs.get(self.asset.poster)

    @property
    def duration_s(self) -> float:
        return self.asset.duration_s

    @property
    def sound(self) -> str:
        """One line about the sound: voice, music, loudness ("voice joe, upbeat music; ...")."""
        return describe_sound(self.asset)

    def save(self, path: str | Path, *, overwrite: bool = True) -> Path:
        """Copy the MP4 to ``path`` and its subtitles beside it (same name, ``.srt``).

        Both files are written beside their final names and renamed into place, so
        a failure leaves neither half-written. Raises ``InvalidInput`` before copying
        anything if either path cannot be written (or exists and ``overwrite`` is off).
        """
        target = check_video_target(path, overwrite=overwrite)
        sources = {target: self.path, target.with_suffix(".srt"): self.subtitles_path}
        copies: dict[Path, str] = {}
        try:
            for final, source in sources.items():
                fd, copies[final] = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.")
                os.close(fd)
                shutil.copyfile(source, copies[final])
            for final, copy in copies.items():
                os.replace(copy, final)
        except OSError as exc:
            for copy in copies.values():
                with contextlib.suppress(OSError):
                    os.unlink(copy)
            raise InvalidInput(f"could not write {target}: {exc.strerror or exc}.") from None
        return target

    def __repr__(self) -> str:
        a = self.asset
        # The blob's name, not ``path``: a repr must not read (and hash) the whole MP4.
        return f"<VideoOutput {a.width}x{a.height} {a.duration_s:.2f}s {a.fps}fps {a.blob}>"


def check_video_target(path: str | Path, *, overwrite: bool) -> Path:
    """The path to save an MP4 (and its ``.srt``) to, checked before any work is done."""
    if not isinstance(path, str | os.PathLike) or not str(path).strip():
        raise InvalidInput(f"give the video a file path ending in .mp4, got {path!r:.60}.")
    target = Path(path).expanduser()
    if target.suffix.lower() != ".mp4":
        raise InvalidInput(f"{target}: give a path ending in .mp4.")
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder; give a file path such as {target / 'ad.mp4'}.")
    folder = target.parent
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder} is a file, so {target.name} cannot be written inside it.")
    if not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidInput(f"cannot make the folder {folder}: {exc.strerror}.") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidInput(f"cannot write in {folder}: permission denied.")
    for each in (target, target.with_suffix(".srt")):
        if each.is_dir():
            raise InvalidInput(f"{each} is a folder; choose another name for the video.")
        if each.exists() and not overwrite:
            raise InvalidInput(f"{each} already exists; choose another name or overwrite it.")
    return target


def describe_sound(asset: VideoAsset) -> str:
    """What a person hears, in one line, for the CLI and the video panel."""
    audio = asset.audio
    voice = f"voice {audio.voice}" + (f" at {audio.speed:g}x" if audio.speed != 1 else "")
    if not audio.voice_on or not asset.lines:
        voice = "no voice"
    music = "no music" if audio.music == "off" else f"{audio.music} music"
    if audio.music != "off" and audio.music_db:
        music += f" {audio.music_db:+g} dB"
    if asset.loudness_lufs is None or asset.true_peak_dbtp is None:
        return f"{voice}, {music}: silent track"
    return f"{voice}, {music}; {asset.loudness_lufs:.1f} LUFS, true peak {asset.true_peak_dbtp:.1f} dBTP"
