"""What a reviewer reads when an action fails: plain words, no API calls, version
numbers, library names, commands or paths on the server (:func:`plain`), and
:class:`Refused` for an action another window made pointless."""

from __future__ import annotations

import re

from ..errors import (
    AdPipelineError,
    ConflictError,
    CorruptBlob,
    SessionNotFound,
    StageError,
    StoreCorrupt,
    StoreError,
)

#: Developer words in error messages, and what a reviewer reads instead.
_PLAIN = [
    (re.compile(r"\s*Possible now:.*$", re.S), ""),
    (re.compile(r"an image Pillow can read"), "a picture this app can open"),
    (re.compile(r"\b(?:ap|p)\.[A-Za-z_.]+\([^)]*\)"), "the app"),
    (re.compile(r"\breference_images\b"), "reference images"),
    (re.compile(r"\bsession [A-Za-z0-9_-]{22}\b"), "this ad"),
    # a last guard: no command line and no file or folder on the server reaches a reviewer
    (re.compile(r"`[^`]*`"), "the app"),
    (re.compile(r"(?<=\s)(?:~|[A-Za-z]:)?[/\\][^\s;,)]+"), "a file on the server"),
]
#: Errors whose own message is for whoever runs the server (paths, commands to type),
#: and what a reviewer reads instead.
_FOR_REVIEWERS: list[tuple[type[AdPipelineError], str]] = [
    (SessionNotFound, "This ad was deleted or moved, so it can no longer be shown or changed. "
                      "Open or start another ad."),
    (StoreCorrupt, "This ad's saved record is damaged, so nothing was changed. Tell whoever "
                   "runs this app; other ads are fine."),
    (StoreError, "The saved ads cannot be read or written on the server right now, so nothing "
                 "was changed. Try again in a moment; if it keeps happening, tell whoever "
                 "runs this app."),
    (CorruptBlob, "A saved picture or video of this ad is damaged. Make it again, or go back "
                  "to an earlier version."),
]


class Refused(AdPipelineError):
    """An action the browser asked for that no longer fits the session (another window
    changed it first). Its message is written for the reviewer and shown as it is."""


def plain(exc: BaseException) -> str:
    """What to show a reviewer for ``exc``: no API calls, version numbers or library names."""
    if isinstance(exc, Refused):
        return str(exc)
    if isinstance(exc, ConflictError):
        return ("This ad was changed in another window at the same moment, so nothing was "
                "saved. The page now shows the latest state: look, then try again.")
    if not isinstance(exc, AdPipelineError):
        return ("Something went wrong on the server, and nothing was changed. Try again; if "
                "it keeps happening, reload the page.")
    for kind, text in _FOR_REVIEWERS:
        if isinstance(exc, kind):
            return text
    message = str(exc)
    for pattern, replacement in _PLAIN:
        message = pattern.sub(replacement, message)
    message = message.strip() or "That did not work; nothing was changed."
    if isinstance(exc, StageError) and not message.endswith("."):
        message += "."
    return message[:1].upper() + message[1:]
