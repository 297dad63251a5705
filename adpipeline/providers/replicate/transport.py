"""The HTTP transport under the Replicate client: every exchange ends at its call's deadline.

One client serves calls on many threads, each with its own deadline (the gateway's, read
with :func:`~adpipeline.providers.gateway.remaining`), while httpx sets timeouts per
client. So the transport sets each request's timeouts on its way out: the least of what
the request asked for and what is left of its call (60 s outside a call, such as a setup
check). A poll, a download or a schema read that hangs then ends the call on time.
"""

from __future__ import annotations

from typing import Any

from ..gateway import remaining

#: Outside a gateway call, an exchange may take this long.
OUTSIDE_A_CALL_S = 60.0
#: A cancel is what stops the billing, and it is often sent just after the call's
#: deadline: it gets this long of its own.
CANCEL_TIMEOUT_S = 10.0
#: What :func:`~adpipeline.providers.gateway.remaining` says once a deadline has passed.
_PASSED_S = 0.05


class DeadlineTransport:
    """Wraps an ``httpx.HTTPTransport``; see the module's docstring."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def handle_request(self, request: Any) -> Any:
        if request.method == "POST" and request.url.path.endswith("/cancel"):
            left = CANCEL_TIMEOUT_S
        else:
            left = remaining(OUTSIDE_A_CALL_S)
            if left <= _PASSED_S:
                # The replicate client retries a 429/503/504 again and again, with waits
                # between: once the call's deadline has passed, nothing more is sent.
                import httpx

                raise httpx.ReadTimeout("this call's deadline passed", request=request)
        asked = request.extensions.get("timeout") or {}
        request.extensions["timeout"] = {
            phase: left if asked.get(phase) is None else min(asked[phase], left)
            for phase in ("connect", "read", "write", "pool")
        }
        response = self._inner.handle_request(request)
        # The replicate client's own transport, around this one, waits out a 429/503/504's
        # Retry-After however long it is: never past the call's deadline.
        wait = response.headers.get("retry-after", "").strip()
        if wait.isdigit() and int(wait) > (left := int(remaining(OUTSIDE_A_CALL_S))):
            response.headers["retry-after"] = str(left)
        return response

    def close(self) -> None:
        self._inner.close()
