"""A loopback HTTP server that answers like OpenAI's API, for testing at the HTTP layer.

JSON requests are recorded as parsed JSON in ``Recorded.body``; multipart ones (image
edits) as their text fields in ``body`` and their file parts in ``Recorded.files``.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Part:
    """One file of a multipart request."""

    filename: str
    content_type: str
    data: bytes


#: The API key tests hand the provider; it must never show up in a session or a cache.
KEY = "sk-test-" + "k" * 24


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    files: dict[str, list[Part]] = field(default_factory=dict)


@dataclass
class FakeOpenAI:
    """Answers queued responses in order and records every request."""

    base_url: str = ""
    #: (status, body, extra headers, seconds to wait before answering, path or "")
    responses: list[tuple[int, Any, dict[str, str], float, str]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reply(self, status: int, body: dict[str, Any] | bytes, *,
              headers: dict[str, str] | None = None, after_s: float = 0.0,
              path: str = "") -> None:
        """Queue one answer; ``after_s`` makes it a slow one; with ``path`` (such as
        ``/chat/completions``) it answers only a request to that endpoint."""
        self.responses.append((status, body, headers or {}, after_s, path))

    def answer_for(self, path: str) -> tuple[int, Any, dict[str, str], float]:
        """The first queued answer for a request to ``path`` (a 500 when none is)."""
        with self.lock:
            for i, (status, body, headers, after_s, only) in enumerate(self.responses):
                if path.endswith(only):
                    del self.responses[i]
                    return status, body, headers, after_s
        return 500, error("no response queued", "server_error"), {}, 0.0


def completion(content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-123", "object": "chat.completion", "created": 1_760_000_000,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": content, "refusal": None}}],
        "usage": {"prompt_tokens": 900, "completion_tokens": 1200, "total_tokens": 2100},
    }


def error(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


def image_result(*pngs: bytes) -> dict[str, Any]:
    """An ``images.generate`` / ``images.edit`` answer as GPT image models give it: base64."""
    return {
        "created": 1_760_000_000, "background": "opaque", "output_format": "png",
        "quality": "medium", "size": "1536x1024",
        "data": [{"b64_json": base64.b64encode(png).decode("ascii")} for png in pngs],
        "usage": {"input_tokens": 50, "output_tokens": 1056, "total_tokens": 1106,
                  "input_tokens_details": {"image_tokens": 0, "text_tokens": 50}},
    }


def parse_multipart(content_type: str, raw: bytes) -> tuple[dict[str, str], dict[str, list[Part]]]:
    """Split a ``multipart/form-data`` body into its text fields and its files."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
    )
    fields: dict[str, str] = {}
    files: dict[str, list[Part]] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is None:
            fields[name] = data.decode()
        else:
            files.setdefault(name, []).append(Part(filename, part.get_content_type(), data))
    return fields, files


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that keeps the test output free of access logs."""

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def loopback(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free loopback port until the block ends; yields its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI()

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            raw = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            content_type = headers.get("content-type", "")
            if content_type.startswith("multipart/form-data"):
                fields, files = parse_multipart(content_type, raw)
                fake.requests.append(Recorded(self.path, headers, dict(fields), files))
            else:
                fake.requests.append(Recorded(self.path, headers, json.loads(raw or b"{}")))
            status, answer, extra, after_s = fake.answer_for(self.path)
            # Not time.sleep: tests patch it away to skip the gateway's backoff.
            threading.Event().wait(after_s)
            # Binary answers (audio.speech) come back as the audio itself, as OpenAI sends it.
            binary = isinstance(answer, bytes)
            data = answer if binary else json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "audio/wav" if binary else "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # a slow answer's client has given up and hung up

    with loopback(Handler) as origin:
        fake.base_url = origin + "/v1"
        yield fake
