"""What a prediction's output holds: a string, list or dict with URLs or data URIs in it."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from ...errors import ProviderError


def first_url(output: Any) -> str | None:
    """The first URL (or data URI) in a prediction's output: a string, list or dict."""
    if isinstance(output, str):
        return output if re.match(r"^(https?:|data:)", output) else None
    if isinstance(output, list | tuple):
        for item in output:
            if (url := first_url(item)) is not None:
                return url
    if isinstance(output, dict):
        for item in output.values():
            if (url := first_url(item)) is not None:
                return url
    return None


def decode_data_uri(uri: str) -> bytes:
    header, _, payload = uri.partition(",")
    try:
        return base64.b64decode(payload, validate=True) if header.endswith(";base64") else (
            payload.encode())
    except (binascii.Error, ValueError):
        raise ProviderError("Replicate returned a data URI that does not decode.") from None
