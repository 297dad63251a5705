"""Running the ffmpeg that imageio-ffmpeg ships, with one timeout and one error shape."""

from __future__ import annotations

import subprocess

from ..errors import ProviderError


def run_ffmpeg(command: list[str], what: str, *, timeout_s: float = 300,
               stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``command`` (an ffmpeg command line); raise ``ProviderError`` saying it could
    not ``what``, with the last lines ffmpeg printed, if it fails or takes too long."""
    try:
        result = subprocess.run(command, input=stdin, capture_output=True, timeout=timeout_s,
                                check=False)
    except subprocess.TimeoutExpired:
        raise ProviderError(f"ffmpeg took longer than {timeout_s:.0f} s to {what}.") from None
    except OSError as exc:
        raise ProviderError(f"could not start ffmpeg ({command[0]}): {exc}") from None
    if result.returncode != 0:
        tail = "\n".join(result.stderr.decode("utf-8", "replace").strip().splitlines()[-12:])
        raise ProviderError(f"ffmpeg could not {what} (exit {result.returncode}):\n{tail}")
    return result
