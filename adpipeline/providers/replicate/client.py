"""The Replicate client every capability's provider shares: the token, HTTP errors in
one shape, predictions started in parallel and waited for, input files and downloads.

The token, from ``REPLICATE_API_TOKEN`` when first needed, lives only in the client object:
never in a session, a cache key, a ledger, a log or a repr. ``REPLICATE_BASE_URL`` points
the client elsewhere (a proxy, or the tests' loopback fake).

Every HTTP exchange ends at the gateway's deadline for its call (:mod:`.transport`).
Retries: a create (a paid POST) is retried by the gateway only when it provably never
reached Replicate (no connection, 429, 5xx): one whose answer timed out may have started
a paid prediction. Polls are GETs of work already paid for, so one that fails for now is
tried again at the next poll until the deadline: a gateway retry would pay for a new
prediction. A prediction still running when its call fails is canceled (no more billing).
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import io
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit

from ...errors import InvalidInput, ProviderError
from ..base import Cost
from ..gateway import remaining
from ..shared.pictures import decode_output
from . import families, pricing
from .outputs import decode_data_uri, first_url
from .transport import DeadlineTransport

T = TypeVar("T")

_API_URL = "https://api.replicate.com"

DEFAULT_MODELS: dict[str, str] = {
    "text": "meta/meta-llama-3-70b-instruct",
    "image": "black-forest-labs/flux-schnell",
    "inpaint": "stability-ai/sdxl:39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b",
    "video": "stability-ai/stable-video-diffusion:"
             "3f0457e4619daac51203dedb472816fd4af51f3149fa7a9e0b5ffcf1b8172438",
    "voice": "minimax/speech-02-turbo",
}

# Prices, keyed by owner/name (any version). Replicate bills official models per output
# (tokens, images) and community models per GPU-second; for the latter the figure is a
# typical run. Checked against replicate.com model pages, 2025-2026.

# Limits. A prediction past its deadline is canceled, not retried (that would pay again).
_DEADLINE_S = {"text": 300.0, "image": 300.0, "inpaint": 300.0, "video": 1200.0, "voice": 300.0}
#: Longest ``Prefer: wait`` a create asks for (Replicate holds the answer up to 60 s).
_HTTP_TIMEOUT_S = 60.0
_MAX_POLL_S = 5.0
#: Predictions created at once (a video's clips; Replicate's rate limit is 600 a minute).
_MAX_STARTS = 8
_DOWNLOAD_DEADLINE_S = 300.0
_MAX_IMAGE_BYTES = 50 * 1024 * 1024
#: Inputs up to this size travel inline as data URIs, larger ones through the files API:
#: Replicate recommends data URIs under 1 MB, and base64 makes 700 KiB about 0.96 MB.
_INLINE_LIMIT = 700 * 1024
_TERMINAL = ("succeeded", "failed", "canceled")


class ReplicateProvider:
    """One capability served by a model on Replicate: what every capability shares.

    Each capability's own calls are in a subclass (:mod:`.text`, :mod:`.images`,
    :mod:`.video`, :mod:`.voice`). ``model`` defaults per capability (see the package
    docstring); ``estimate`` prices a call before it is made, for the budget check.
    """

    draws_headline = False  # generated pictures carry no ad text; the video adds it
    name = "replicate"

    def __init__(self, capability: str, model: str | None = None,
                 base_url: str | None = None) -> None:
        if capability not in DEFAULT_MODELS:
            raise InvalidInput(
                f"Replicate has no {capability!r} capability here: use one of "
                f"{', '.join(DEFAULT_MODELS)}."
            )
        self.capability = capability
        self.model = model or DEFAULT_MODELS[capability]
        self._base_url = base_url or os.environ.get("REPLICATE_BASE_URL") or None
        self._client: Any = None

    @property
    def deadline_s(self) -> float:
        """The gateway's deadline for one call of this capability."""
        return _DEADLINE_S[self.capability]

    @property
    def base_url(self) -> str | None:
        return self._base_url

    @property
    def takes_references(self) -> bool:
        return self.model.split(":", 1)[0].lower() in families.REFERENCE_FIELDS

    def __repr__(self) -> str:  # never show the client: it holds the token
        return f"ReplicateProvider(capability={self.capability!r}, model={self.model!r})"

    # ------------------------------------------------------------------ client

    def client(self) -> Any:
        """The ``replicate.Client``, made on first use with the token from the environment."""
        if self._client is None:
            try:
                import httpx
                import replicate
            except ImportError:
                raise InvalidInput(
                    "the replicate provider needs the replicate package: "
                    "pip install 'adpipeline[replicate]'."
                ) from None
            token = os.environ.get("REPLICATE_API_TOKEN", "").strip()
            if not token:
                raise InvalidInput(
                    f"the replicate provider ({self.capability}) needs REPLICATE_API_TOKEN: "
                    "set it (https://replicate.com/account/api-tokens), or use the offline "
                    "provider."
                )
            self._client = replicate.Client(
                api_token=token,
                base_url=self._base_url,
                timeout=httpx.Timeout(self.deadline_s, connect=10.0),
                transport=DeadlineTransport(httpx.HTTPTransport()),
            )
        return self._client

    def _call(self, what: str, fn: Callable[[], T], *, pays: bool = False) -> T:
        """Run one HTTP exchange, turning the client's errors into ``ProviderError``;
        one that ``pays`` (a create) is not retried once it may have reached Replicate."""
        import httpx
        from replicate.exceptions import ReplicateError, ReplicateException

        try:
            return fn()
        except ReplicateError as exc:
            raise self._status_error(what, exc.status, exc.detail or exc.title) from None
        except httpx.HTTPStatusError as exc:
            raise self._status_error(
                what, exc.response.status_code, exc.response.reason_phrase
            ) from None
        except httpx.TransportError as exc:
            # Connect and pool errors mean the request was never sent: retrying cannot
            # pay twice. Anything later may have started a prediction on Replicate.
            sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout
                                  | httpx.PoolTimeout)
            if pays and sent:
                raise ProviderError(
                    f"the request to {what} reached Replicate but its answer did not "
                    f"({type(exc).__name__}: no answer in time, or the connection broke). "
                    "It may have started a prediction, which is billed, so the request was "
                    "not sent again: check https://replicate.com/predictions before you "
                    "regenerate."
                ) from None
            if sent and isinstance(exc, httpx.TimeoutException):
                raise ProviderError(
                    f"Replicate did not answer in time while trying to {what}: this call's "
                    "deadline passed; try again.", transient=True,
                ) from None
            raise ProviderError(
                f"could not reach Replicate to {what} ({type(exc).__name__}); check the "
                "network (and REPLICATE_BASE_URL, if set).", transient=True,
            ) from None
        except (ReplicateException, ValueError) as exc:
            # A response that does not parse as a prediction or file (pydantic errors
            # are ValueErrors): not something a retry fixes.
            raise ProviderError(
                f"Replicate sent an unexpected answer when asked to {what}: "
                f"{str(exc)[:300]}"
            ) from None

    def _status_error(self, what: str, status: int | None, detail: str | None) -> ProviderError:
        detail = (detail or "").strip()[:300]
        if status == 401:
            return ProviderError(
                "Replicate rejected the API token (401): check REPLICATE_API_TOKEN."
            )
        if status == 402:
            return ProviderError(
                "Replicate wants payment (402): add credit or billing details at "
                "https://replicate.com/account/billing, or use the offline provider."
            )
        if status == 403:
            return ProviderError(
                f"Replicate refused to {what} (403): check that REPLICATE_API_TOKEN may "
                f"use {self.model}. {detail}".strip()
            )
        if status in (404, 410) and what.startswith("download"):
            return ProviderError(
                f"the output of {self.model} is gone (HTTP {status}; Replicate keeps outputs "
                "for an hour); regenerate to make it again."
            )
        if status == 404:
            return ProviderError(
                f"Replicate could not {what} (404): check the model name {self.model!r} "
                "(owner/name, or owner/name:version for a community model). "
                f"{detail}".strip()
            )
        if status == 422:
            return ProviderError(
                f"{self.model} did not accept the input (422): {detail or 'invalid input'}"
            )
        if status == 429 or (status is not None and status >= 500):
            return ProviderError(
                f"Replicate could not {what} for now (HTTP {status}); retrying may help. "
                f"{detail}".strip(), transient=True, status=status,
            )
        return ProviderError(f"Replicate could not {what} (HTTP {status}): {detail}", status=status)

    # ------------------------------------------------------------------ predictions

    def _start(self, client: Any, model_input: dict[str, Any]) -> Any:
        """Create a prediction: the model endpoint for an official ``owner/name``, the
        version endpoint for ``owner/name:version``."""
        owner_name, _, version = self.model.partition(":")
        # ``Prefer: wait`` lets Replicate hold the answer until a quick prediction is done
        # (no polling); the read timeout is wait + 0.5 s, never past the call's deadline.
        wait = max(1, int(min(_HTTP_TIMEOUT_S, remaining(_HTTP_TIMEOUT_S))))
        if version:
            return self._call("start a prediction", lambda: client.predictions.create(
                version=version, input=model_input, wait=wait), pays=True)
        if "/" not in owner_name:
            raise InvalidInput(
                f"{self.model!r} is not a Replicate model: write it as owner/name or "
                "owner/name:version."
            )
        return self._call("start a prediction", lambda: client.models.predictions.create(
            model=owner_name, input=model_input, wait=wait), pays=True)

    def _run(
        self, client: Any, inputs: list[dict[str, Any]],
        on_done: Callable[[int], None] | None = None,
    ) -> list[Any]:
        """Start one prediction per input, wait for all of them, return their outputs.

        They run in parallel on Replicate (a video's scenes take a minute each). If
        anything fails, the ones still running are canceled, so nothing keeps billing
        for a result nobody will collect, and the error says so.
        """
        predictions: list[Any] = [None] * len(inputs)
        try:
            self._start_all(client, inputs, predictions)
            return self._wait(client, predictions, on_done)
        except ProviderError as exc:
            canceled = self._cancel_running(client, predictions)
            if not canceled:
                raise
            raise ProviderError(
                f"{exc} Replicate prediction {', '.join(canceled)} was still running and "
                "has been canceled, so it stops billing.", transient=exc.transient,
                status=exc.status, retry_after=exc.retry_after,
            ) from None
        except BaseException:
            self._cancel_running(client, predictions)
            raise

    def _start_all(self, client: Any, inputs: list[dict[str, Any]], started: list[Any]) -> None:
        """Create every prediction at once, into ``started`` (in input order): Replicate
        holds each answer until its prediction is done (``Prefer: wait``), so creating a
        video's clips one by one would make them one by one."""
        if len(inputs) == 1:
            started[0] = self._start(client, inputs[0])
            return

        def start(i: int) -> None:
            started[i] = self._start(client, inputs[i])

        with ThreadPoolExecutor(max_workers=min(len(inputs), _MAX_STARTS),
                                thread_name_prefix="adpipeline-replicate") as pool:
            # Each thread runs in a copy of this one's context: the call's deadline.
            futures = [pool.submit(contextvars.copy_context().run, start, i)
                       for i in range(len(inputs))]
        for future in futures:
            future.result()  # the first failure, once every create has ended

    def _cancel_running(self, client: Any, predictions: list[Any]) -> list[str]:
        """Cancel the predictions not yet finished, all at once (each cancel may take its
        own few seconds, past the deadline); the ids of those canceled."""
        running = [p for p in predictions
                   if p is not None and getattr(p, "status", None) not in _TERMINAL]

        def cancel(prediction: Any) -> str | None:
            with contextlib.suppress(Exception):  # best effort: the call's error comes first
                client.predictions.cancel(prediction.id)
                return str(prediction.id)
            return None

        if not running:
            return []
        with ThreadPoolExecutor(max_workers=min(len(running), _MAX_STARTS)) as pool:
            return [i for i in pool.map(cancel, running) if i is not None]

    def _wait(
        self, client: Any, predictions: list[Any], on_done: Callable[[int], None] | None
    ) -> list[Any]:
        started = time.monotonic()
        deadline = started + remaining(self.deadline_s)
        base_interval = max(0.0, float(getattr(client, "poll_interval", 0.5)))
        reported = 0
        while True:
            for prediction in predictions:
                if prediction.status == "failed":
                    error = prediction.error
                    text = error if isinstance(error, str) else json.dumps(error)
                    raise ProviderError(
                        f"Replicate model {self.model} failed: {(text or 'no reason given')[:500]}"
                        " -- regenerate to try again, or change the prompt."
                    )
                if prediction.status == "canceled":
                    raise ProviderError(
                        f"the Replicate prediction {prediction.id} was canceled (on "
                        "replicate.com?); regenerate to run it again."
                    )
            done = sum(p.status == "succeeded" for p in predictions)
            if on_done is not None and done > reported:
                reported = done
                on_done(done)
            if done == len(predictions):
                return [p.output for p in predictions]
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProviderError(
                    f"Replicate model {self.model} was still running when this call's "
                    f"{deadline - started:.0f} s deadline passed; regenerate to try again later."
                )
            # Poll often at first (an image takes seconds), then back off to one check
            # every 5 s, so a batch of minute-long clips does not hammer the API.
            time.sleep(min(left, _MAX_POLL_S,
                           max(base_interval, 0.1 * (time.monotonic() - started))))
            for prediction in predictions:
                if prediction.status not in _TERMINAL:
                    self._check(prediction)

    def _check(self, prediction: Any) -> None:
        """Reload ``prediction``; one that fails for now waits for the next poll."""
        try:
            self._call("check on a prediction", prediction.reload)
        except ProviderError as exc:
            if not exc.transient:
                raise

    # ------------------------------------------------------------------ files

    def _file_input(self, client: Any, data: bytes, filename: str, content_type: str) -> str:
        """A model input for ``data``: a data URI when small, else an uploaded file's URL."""
        if len(data) <= _INLINE_LIMIT:
            return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"
        uploaded = self._call("upload an input file", lambda: client.files.create(
            io.BytesIO(data), filename=filename, content_type=content_type))
        return str(uploaded.urls["get"])

    def _download(self, client: Any, output: Any, sink: IO[bytes], *, limit: int,
                  what: str) -> None:
        """Stream the first URL in a prediction's ``output`` into ``sink``.

        Through the client's own HTTP layer (the call's deadline, and in-place retries of
        429/503/504), again after any other failure that is for now, at most ``limit``
        bytes and ``_DOWNLOAD_DEADLINE_S`` seconds, and only from Replicate's hosts: the
        client sends the token with every request.
        """
        url = first_url(output)
        if url is None:
            raise ProviderError(
                f"Replicate model {self.model} returned no file for {what} (output: "
                f"{str(output)[:200]}); regenerate to try again."
            )
        if url.startswith("data:"):
            data = decode_data_uri(url)
            if len(data) > limit:
                raise ProviderError(f"{what} is larger than {limit // 2**20} MB; not accepted.")
            sink.write(data)
            return
        if not self._trusted(url):
            raise ProviderError(
                f"Replicate model {self.model} pointed {what} at {urlsplit(url).hostname!r}, "
                "which is not a Replicate host; not downloading it (the request would carry "
                "the API token)."
            )
        from replicate.helpers import FileOutput

        deadline = min(_DOWNLOAD_DEADLINE_S, remaining(_DOWNLOAD_DEADLINE_S))
        started = time.monotonic()

        def fetch() -> None:
            sink.seek(0)
            sink.truncate()
            size = 0
            for chunk in FileOutput(url, client):
                size += len(chunk)
                if size > limit:
                    raise ProviderError(
                        f"{what} from {self.model} is larger than {limit // 2**20} MB; "
                        "not accepted."
                    )
                if time.monotonic() - started > deadline:
                    raise ProviderError(
                        f"downloading {what} took longer than {deadline:.0f} s (this "
                        "call's deadline).", transient=True,
                    )
                sink.write(chunk)

        # The prediction is paid for: a download that fails for now is tried again here
        # until the deadline, as a gateway retry would pay for a new prediction.
        while True:
            try:
                self._call(f"download {what}", fetch)
                return
            except ProviderError as exc:
                left = deadline - (time.monotonic() - started)
                if not exc.transient:
                    raise
                if left <= 0:  # and not by the gateway either
                    raise ProviderError(str(exc), status=exc.status) from None
                time.sleep(min(left, 1.0))

    def _trusted(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host and host == urlsplit(self._base_url or _API_URL).hostname:
            return True
        return parts.scheme == "https" and any(
            host == domain or host.endswith("." + domain)
            for domain in ("replicate.delivery", "replicate.com")
        )

    def _fetch_image_bytes(self, client: Any, output: Any, what: str) -> bytes:
        buffer = io.BytesIO()
        self._download(client, output, buffer, limit=_MAX_IMAGE_BYTES, what=what)
        return buffer.getvalue()

    def _fetch_image(self, client: Any, output: Any, what: str) -> Any:
        data = self._fetch_image_bytes(client, output, what)
        return decode_output(data, f"Replicate model {self.model}")

    def estimate(self, operation: str, params: dict[str, Any]) -> Cost:
        """What ``operation`` would cost with this model; unknown models are priced high."""
        return pricing.estimate(self.capability, self.model, operation, params)
