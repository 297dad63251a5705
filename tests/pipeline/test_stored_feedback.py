"""Sessions and call-cache entries stored while feedback changes were plain dicts load,
and regenerate under the same cache keys: the typed changes hash and dump as the dicts
did.

``data/stored_feedback.json`` was captured with the code of commit 142f285: a story
with four pending feedback messages (tone, scenes, cuts, call to action, offer,
platform ...), reference images with accumulated adjustments and feedback pending on
one sheet, the whole call cache, and what regenerating each made.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import adpipeline as ap
from adpipeline.models import Session
from adpipeline.pipeline import entry

STORED = json.loads((Path(__file__).parent / "data" / "stored_feedback.json").read_text())


def _restore(home: Path, session: dict[str, Any]) -> ap.Pipeline:
    store = entry.store_at(home)
    store.create(Session.model_validate(session))
    for key, value in STORED["calls"].items():
        store.calls.set(key, value)
    return ap.resume(session["id"], home=home)


def _pending_changes(p: ap.Pipeline, stage: str) -> list[str]:
    stored = json.loads(p.session.model_dump_json())["stages"][stage]["pending"]
    return [json.dumps(f["changes"]) for f in stored]


def test_a_stored_story_with_pending_feedback_regenerates_from_the_cache(home: Path) -> None:
    session = STORED["story_session"]
    p = _restore(home, session)
    # The changes read back as they were written, key for key and in order.
    assert _pending_changes(p, "story") == [
        json.dumps(f["changes"]) for f in session["stages"]["story"]["pending"]]
    assert p.story.pending[1].changes.drop_scenes == [2]
    assert p.story.pending[3].changes.cta is None and not p.story.pending[0].changes.cta
    spent = len(p.session.ledger)
    p.story.regenerate()
    made = p.session.ledger[spent:]
    assert made and all(entry.cached for entry in made)  # no provider was asked
    assert p.story.output.model_dump(mode="json") == STORED["story_after"]


def test_stored_image_adjustments_add_up_to_the_cached_pictures(home: Path) -> None:
    session = STORED["images_session"]
    p = _restore(home, session)
    assert _pending_changes(p, "reference_images") == [
        json.dumps(f["changes"]) for f in session["stages"]["reference_images"]["pending"]]
    assert p.reference_images.output[0].asset.adjustments.brightness == 2
    spent = len(p.session.ledger)
    p.reference_images.regenerate()
    made = p.session.ledger[spent:]
    # The fixture carries no pictures, so each cached entry counts as damaged and the
    # sheets are drawn again: under the keys the old code stored them by, as the same
    # pictures.
    assert [entry.key in STORED["calls"] for entry in made] == [True, True, True]
    redrawn = [i.asset.model_dump(mode="json") for i in p.reference_images.output]
    assert redrawn == STORED["images_after"]
    # (The ledger lists calls as they end, which is not the order of the items.)
    assert sorted(a["blob"] for a in redrawn) == sorted(STORED["calls"][e.key] for e in made)
    # Asked again, the same words are read from the cache into the same change.
    spent = len(p.session.ledger)
    p.reference_images.feedback("the product sheet way brighter and more red")
    assert all(entry.cached for entry in p.session.ledger[spent:])
    (asked,) = p.reference_images.pending
    assert (asked.item, asked.changes.model_dump()) == (0, {"brightness": 2, "color": "red"})
