"""What a stage hands its user: images as PIL/PNG, the video as a path on disk."""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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

    def save(self, path: str | Path) -> Path:
        """Copy the MP4 to ``path`` and its subtitles beside it (same name, ``.srt``)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path, target)
        shutil.copyfile(self.subtitles_path, target.with_suffix(".srt"))
        return target

    def __repr__(self) -> str:
        a = self.asset
        return f"<VideoOutput {a.width}x{a.height} {a.duration_s:.2f}s {a.fps}fps {self.path}>"


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
