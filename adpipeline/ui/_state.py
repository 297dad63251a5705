"""The session turned into what the panels show: plain JSON-able dicts, no ids or paths.

Kept apart from the widgets so each conversion is one small, testable function, and so
it is easy to check that nothing secret (session id, store path, blob names) leaks into
a trait: only the fields named here ever reach the browser.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..models import STAGES, Session, StageName, StageState, Story
from ..pipeline.rules import abandoned

LABELS: dict[str, str] = {
    "story": "Story",
    "reference_images": "Images",
    "storyboard": "Storyboard",
    "video": "Video",
}
#: Longer names for sentences ("Approve and continue to Reference images").
NAMES: dict[str, str] = {
    "story": "story",
    "reference_images": "reference images",
    "storyboard": "storyboard",
    "video": "video",
}


def clock(moment: datetime) -> dict[str, str]:
    """A time as shown (local HH:MM) and as machine-readable ISO for ``<time datetime>``."""
    local = moment.astimezone()
    return {"time": local.strftime("%H:%M"), "iso": local.isoformat(timespec="seconds")}


def is_open(session: Session, stage: StageName) -> bool:
    """The stage is the one under review (so its actions are possible)."""
    return session.stage == stage


def working(session: Session, stage: StageName) -> bool:
    """Work on ``stage`` is under way (not left "generating" by a process that is gone)."""
    return session.stages[stage].status == "generating" and not abandoned(session, stage)


def moved_on(session: Session, stage: StageName) -> str:
    """Why ``stage`` no longer takes feedback, in a reviewer's words ("" if it does).

    Used when a message from one window arrives after another window (or process)
    moved the session on: the message is refused with this, and kept in the box.
    """
    state = session.stages[stage]
    if session.stage == stage and not working(session, stage):
        return ""
    if session.stage == stage:
        return "started regenerating in another window"
    if state.status == "approved":
        return "was approved in another window"
    if state.status == "stale":
        return "went out of date: an earlier stage was reopened in another window"
    return "is no longer under review: it was changed in another window"


def refusal(stage: StageName, why: str, *, here: bool) -> str:
    """The message for a refused chat message: in its own panel (``here``) or carried to
    the panel shown now."""
    if here:
        return f"This stage {why}. Your message was not sent; it is still in the box."
    return (f"The {NAMES[stage]} {why}. Your message about the {NAMES[stage]} was not sent; "
            "it is in the box below.")


def stale_if_reopened(session: Session, stage: StageName) -> list[str]:
    """The later stages that reopening ``stage`` would mark stale, in words."""
    later = STAGES[STAGES.index(stage) + 1:]
    return [NAMES[s] for s in later if session.stages[s].current is not None]


def versions(state: StageState) -> list[dict[str, Any]]:
    return [{"number": v.number, "note": v.note, **clock(v.created_at)} for v in state.versions]


def stage_bar(session: Session, stage: StageName) -> dict[str, Any]:
    state = session.stages[stage]
    index = STAGES.index(stage)
    following = STAGES[index + 1] if index + 1 < len(STAGES) else None
    return {
        "label": LABELS[stage],
        "name": NAMES[stage],
        "next": NAMES[following] if following else "",
        "status": state.status,
        # Left "generating" by a crashed or interrupted process: Regenerate recovers it.
        "interrupted": state.status == "generating" and abandoned(session, stage),
        "open": is_open(session, stage),
        "can_reopen": session.stage != stage and state.status in ("approved", "stale")
                      and state.current is not None,
        "has_output": state.current is not None,
        "failure": state.error or "",
        "versions": versions(state),
        "current": -1 if state.current is None else state.current,
        "pending": [f.text for f in state.pending],
        "reopen_stales": stale_if_reopened(session, stage),
        "complete": session.stage == "complete",
    }


def story(value: Story | None) -> dict[str, Any]:
    if value is None:
        return {}
    return {
        "title": value.title,
        "framework": value.framework,
        "framework_reason": value.framework_reason,
        "tone": value.tone,
        "audience": value.audience,
        "understood": value.understood_summary,
        "duration_s": round(value.duration_s, 2),
        "voiceover": value.voiceover,
        "cta": value.cta,
        "scenes": [
            {
                "index": s.index, "start_s": round(s.start_s, 2), "end_s": round(s.end_s, 2),
                "beat": s.beat, "setting": s.setting, "time_of_day": s.time_of_day,
                "action": s.action, "camera": s.camera, "voiceover": s.voiceover,
                "on_screen_text": s.on_screen_text,
                "edited": sorted(value.scene_edits.get(s.index, {})),
            }
            for s in value.scenes
        ],
    }


def messages(session: Session, stage: StageName) -> list[dict[str, Any]]:
    return [
        {"role": m.role, "text": m.text, "item": m.item, **clock(m.time)}
        for m in session.conversation if m.stage == stage
    ]


def steps(session: Session) -> list[dict[str, str]]:
    """The stepper: done (approved), current, stale, failed or later (pending)."""
    out = []
    for name in STAGES:
        state = session.stages[name]
        if session.stage == name:
            kind = "failed" if state.status == "failed" else "current"
        elif state.status == "approved":
            kind = "done"
        elif state.status == "stale":
            kind = "stale"
        else:
            kind = "later"
        out.append({"name": name, "label": LABELS[name], "state": kind, "status": state.status})
    return out
