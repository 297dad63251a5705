"""The video panel: the MP4 sent in chunks, subtitles as WebVTT with text kept literal."""

from __future__ import annotations

import pytest

import adpipeline as ap
from adpipeline import ui
from adpipeline.ui.stage import StagePanel
from adpipeline.ui.video import CHUNK_BYTES, srt_to_vtt

from .conftest import FakeBrowser, Opener


def test_video_is_sent_in_chunks_that_rebuild_the_file(
        short: ap.Pipeline, opened: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    short.story.approve()
    short.reference_images.approve()
    short.storyboard.approve()
    panel: StagePanel = opened(ui.panel(short.video))
    video = FakeBrowser(panel.content, monkeypatch)
    key = panel.content.video_key
    total = -(-panel.content.video_size // CHUNK_BYTES)
    parts = []
    for index in range(total):
        reply = video.send("chunk", key=key, index=index)
        assert reply["ok"] and reply["total"] == total
        parts.append(reply["buffers"][0])
    assert b"".join(parts) == short.video.output.path.read_bytes()
    assert not video.send("chunk", key="0" * 16, index=0)["ok"]
    assert not video.send("chunk", key=key, index=total)["ok"]


def test_subtitles_become_webvtt_with_text_kept_literal() -> None:
    srt = "1\n00:00:00,000 --> 00:00:02,500\n<b>Meet</b> A & B\n\n2\n00:00:02,500 --> 00:00:04,000\nBye\n"
    vtt = srt_to_vtt(srt)
    assert vtt.splitlines()[:4] == ["WEBVTT", "", "00:00:00.000 --> 00:00:02.500",
                                    "&lt;b&gt;Meet&lt;/b&gt; A &amp; B"]
    assert "00:00:02.500 --> 00:00:04.000\nBye" in vtt
