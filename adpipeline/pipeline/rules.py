"""The rules of the stage flow: which stage may act now, and what to say when it may not.

Stages and the pipeline both follow these rules; keeping them here lets each import
them without importing the other.
"""

from __future__ import annotations

import math
import os
import socket
from datetime import timedelta

from ..errors import InvalidInput, StageError
from ..models import STAGES, Session, StageName, Version, now
from .generate import inputs_of

_ACTIONS = {
    "story": "feedback(...), regenerate(), revert(n), edit_scene(n, ...), approve()",
    "reference_images": "feedback(..., item=i), regenerate(item=i), edit(i, mask, prompt), "
                        "replace(i, image), revert(n), approve()",
    "storyboard": "feedback(..., item=i), regenerate(item=i), edit(i, mask, prompt), "
                  "replace(i, image), revert(n), approve()",
    "video": "feedback(...), regenerate(), revert(n), approve()",
}
#: A stage generating for longer than this is taken as abandoned even on another host.
ABANDONED_AFTER = timedelta(minutes=30)


def abandoned(session: Session, stage: StageName) -> bool:
    """Whether a "generating" stage was left so by a process that is gone."""
    state = session.stages[stage]
    if state.status != "generating" or state.worker is None:
        return False
    host, _, pid = state.worker.rpartition(":")
    if host == socket.gethostname():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, ValueError):
            pass
    started = state.started_at or session.updated_at
    return now() - started > ABANDONED_AFTER


def possible_now(session: Session) -> str:
    """A sentence naming the actions that are possible in this state."""
    parts = []
    if session.stage == "complete":
        parts.append("the ad is complete")
    else:
        state = session.stages[session.stage]
        if state.status == "generating" and not abandoned(session, session.stage):
            parts.append(f"wait for {session.stage} to finish generating")
        elif state.status == "failed" and state.current is None:
            parts.append(f"p.{session.stage}.regenerate() to try again")
        else:
            parts.append(f"p.{session.stage}: {_ACTIONS[session.stage]}")
    approved = [s for s in STAGES if session.stages[s].status in ("approved", "stale")
                and s != session.stage]
    if approved:
        parts.append("p.reopen(" + " | ".join(repr(s) for s in approved) + ")")
    return "Possible now: " + "; ".join(parts) + "."


def require_open(session: Session, stage: StageName, action: str, *, needs_output: bool = True) -> None:
    """Raise :class:`StageError` unless ``stage`` is the one under review."""
    state = session.stages[stage]
    if session.stage != stage:
        where = {"approved": "approved (reopen it first)", "stale": "stale (reopen it first)",
                 "pending": "not reached yet"}.get(state.status, state.status)
        raise StageError(f"cannot {action} {stage}: it is {where}. {possible_now(session)}")
    if state.status == "generating" and not abandoned(session, stage):
        raise StageError(f"cannot {action} {stage} while it is generating. {possible_now(session)}")
    if needs_output and state.current is None:
        raise StageError(f"cannot {action} {stage}: it has no output yet. {possible_now(session)}")


def add_version(session: Session, stage: StageName, version: Version) -> None:
    """Append ``version`` to ``stage``, make it current and put the stage under review."""
    state = session.stages[stage]
    version = version.model_copy(update={"number": len(state.versions),
                                         "inputs": inputs_of(session, stage)})
    state.versions = [*state.versions, version]
    state.current = version.number
    state.status = "review"
    state.error = None
    state.worker = None


def check_budget(value: object) -> float | None:
    """A budget in USD: a finite number that is not negative, or None for no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or value < 0:
        raise InvalidInput(
            f"budget must be a number of USD, 0 or more (or None for no limit), got {value!r:.40}."
        )
    return float(value)
