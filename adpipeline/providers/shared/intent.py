"""Whether a person's chat message asks a stage to regenerate or to be approved.

Every provider reads it the same way: the offline rules act on it, and a remote model's
action counts only when the message asks for it (small models "approve" a stage on
"make it funnier").
"""

from __future__ import annotations

import re
from typing import Literal

REGENERATE = re.compile(
    r"\b(regenerate|try again|redo|re-do|another (?:version|take|variant|one|option|draft|go)|"
    r"new (?:version|take|draft)|start over|give me (?:another|something else|a different)|"
    r"something (?:else|different)|different (?:version|take|one)|shuffle|reroll|re-roll|"
    r"one more (?:try|time|go)|again)\b", re.I)
APPROVE = re.compile(
    r"\b(approved?|approving|looks (?:good|great|perfect|fine|amazing)|ship it|lgtm|"
    r"that'?s (?:perfect|it|the one|great|good|good enough)|perfect|love (?:it|this)|"
    r"(?:let'?s |we'?ll |i'?ll )?go with (?:this|that|it)(?: one)?|good to go|go ahead|"
    r"move on|next (?:stage|step)|sounds good|we'?re good|all good|sign(?:ed)? off|"
    r"happy with (?:it|this|that)|nailed it|works for me|(?:this|that) works|keep it|"
    r"yes|yep|yeah|done|ready|great job|well done)\b", re.I)
NEGATED_APPROVE = re.compile(
    r"\b(?:don'?t|do not|not|never|isn'?t|almost|nearly|not quite|before you)\s+(?:\w+\s+){0,2}"
    r"(?:approve|ready|perfect|good|there|done|it|yet)\b|\bnot yet\b|\bwait\b", re.I)


def asked_action(text: str) -> Literal["regenerate", "approve"] | None:
    """What ``text`` asks the stage to do, if anything."""
    if REGENERATE.search(text) and not re.search(
            r"\bone more scene|\badd another\b|\banother scene\b", text, re.I):
        return "regenerate"
    if APPROVE.search(text) and not NEGATED_APPROVE.search(text):
        return "approve"
    return None
