"""The video panel: the rendered MP4 with its poster, subtitles and a download link.

The MP4 is not a trait. A 30 s 720p ad is a few MB and a 3-minute 1080p one tens of
MB; one huge comm message holds the kernel's iopub channel (and every other widget's
updates) until it is through, and is kept whole in memory on both ends. Instead the
``video_key`` trait names the current video and the browser pulls it in
:data:`CHUNK_BYTES` pieces with ``chunk`` requests, each answered with one binary
buffer; it joins them into a ``Blob`` and plays it from an object URL. A reconnecting
browser sees the same ``video_key`` and pulls the video again, so the state is still
entirely in traits.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import traitlets as t

from ..errors import InvalidInput
from ..models import Session
from ..pipeline.outputs import describe_sound
from . import _state
from ._base import PanelWidget, Spec, text, whole
from ._files import static_file
from ._live import Live

if TYPE_CHECKING:
    from ..pipeline.stages import VideoStage

CHUNK_BYTES = 1 << 20
_SRT_TIME = re.compile(r"(\d{1,2}:\d{2}:\d{2}),(\d{3})")


class VideoPanel(PanelWidget):
    """The current version of a :class:`~adpipeline.pipeline.VideoStage`."""

    _esm = static_file("video.js")
    _css = static_file("video.css")

    #: The poster frame (PNG bytes; a binary buffer on the wire).
    poster = t.Bytes(b"").tag(sync=True)
    #: Subtitles as WebVTT (cue text escaped so it shows literally).
    subtitles = t.Unicode("").tag(sync=True)
    #: Display only: ``{"duration_s", "width", "height", "fps", "size", "filename"}``.
    info = t.Dict().tag(sync=True)
    #: Names the current video (a digest of its content); ``""`` before the first render.
    video_key = t.Unicode("").tag(sync=True)
    video_size = t.Int(0).tag(sync=True)
    chunk_bytes = t.Int(CHUNK_BYTES).tag(sync=True)
    reviewing = t.Bool(False).tag(sync=True)

    commands: ClassVar[dict[str, Spec]] = {
        "chunk": Spec({"key": text(64), "index": whole(0, 1_000_000)}),
    }

    def __init__(self, stage: VideoStage, *, live: Live, **kwargs: Any) -> None:
        self._stage = stage
        self._blob = ""
        self._path: Path | None = None
        self._key = ""
        self._size = 0
        super().__init__(live, **kwargs)

    def refresh(self, session: Session) -> None:
        state = session.stages["video"]
        output = state.output
        video = output.video if output is not None else None
        with self.hold_sync():
            self.reviewing = _state.is_open(session, "video")
            self.busy = self._live.busy or _state.working(session, "video")
            if video is None:
                self._blob, self._path, self._key, self._size = "", None, "", 0
                self.video_key, self.video_size, self.info = "", 0, {}
                self.poster, self.subtitles = b"", ""
                return
            if video.blob == self._blob:
                return
            blobs = self._stage.pipeline._store.blobs
            path = blobs.path(video.blob)  # checks the file against its hash once
            self._blob, self._path = video.blob, path
            self._size = path.stat().st_size
            self._key = hashlib.sha256(video.blob.encode()).hexdigest()[:16]
            story = session.stages["story"].output
            title = story.story.title if story is not None and story.story is not None else "ad"
            self.poster = blobs.get(video.poster)
            self.subtitles = srt_to_vtt(blobs.get(video.subtitles).decode("utf-8", "replace"))
            self.info = {
                "duration_s": round(video.duration_s, 2), "width": video.width,
                "height": video.height, "fps": video.fps, "size": self._size,
                "filename": _filename(title) + ".mp4", "sound": describe_sound(video),
            }
            self.video_size = self._size
            self.video_key = self._key

    def _cmd_chunk(self, key: str, index: int) -> dict[str, Any]:
        if key != self._key or self._path is None:
            raise InvalidInput("that video is no longer the current one; it is reloading.")
        total = max(1, -(-self._size // CHUNK_BYTES))
        if index >= total:
            raise InvalidInput(f"the video has chunks 0 to {total - 1}; there is no chunk {index}.")
        with open(self._path, "rb") as handle:
            handle.seek(index * CHUNK_BYTES)
            data = handle.read(CHUNK_BYTES)
        return {"key": key, "index": index, "total": total, "buffers": [data]}


def srt_to_vtt(srt: str) -> str:
    """Convert SubRip subtitles to WebVTT for a ``<track>``.

    Cue text is escaped (``&``, ``<``, ``>``) because WebVTT reads tags such as ``<b>``
    in cue text; escaped, a story's ``<script>`` shows as those characters.
    """
    out = ["WEBVTT", ""]
    for block in re.split(r"\r?\n\s*\r?\n", srt.strip()):
        lines = [line for line in block.splitlines() if line.strip()]
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:
            continue
        out.append(_SRT_TIME.sub(r"\1.\2", lines[timing].strip()))
        for line in lines[timing + 1:]:
            out.append(line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        out.append("")
    return "\n".join(out)


def _filename(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug[:60] or "ad"
