"""Read-only snapshots of a session: models, lists and dicts that refuse changes.

``p.session`` hands out one shared snapshot until the store holds a newer version, so
it must not be changed by mistake: changing it would change nothing stored. Copies
(``model_copy``, ``copy.deepcopy``) are plain and can be changed.
"""

from __future__ import annotations

import copy
from typing import Any, TypeVar

from pydantic import BaseModel

#: Marks a model that is part of a read-only snapshot (see :func:`read_only`).
SNAPSHOT_MARK = "_adpipeline_snapshot"
SNAPSHOT_REFUSAL = ("this is a read-only snapshot of the session, so changing it would change "
                     "nothing; change the session through the pipeline instead, e.g. "
                     "p.budget = 5, p.use(image='offline') or p.story.feedback('...').")


class _FrozenList(list[Any]):
    """A list in a read-only snapshot; its copies are plain lists."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise AttributeError(SNAPSHOT_REFUSAL)

    append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return copy.deepcopy(list(self), memo)

    def __reduce__(self) -> Any:
        return (list, (list(self),))


class _FrozenDict(dict[Any, Any]):
    """A dict in a read-only snapshot; its copies are plain dicts."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise AttributeError(SNAPSHOT_REFUSAL)

    __setitem__ = __delitem__ = __ior__ = pop = popitem = clear = update = setdefault = _refuse

    def __copy__(self) -> dict[Any, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[Any, Any]:
        return copy.deepcopy(dict(self), memo)

    def __reduce__(self) -> Any:
        return (dict, (dict(self),))


class SnapshotModel(BaseModel):
    """A changeable model that refuses changes once it is part of a snapshot."""

    def __setattr__(self, name: str, value: Any) -> None:
        # A history record refuses with pydantic's own "frozen" error.
        if self.__dict__.get(SNAPSHOT_MARK) and not self.model_config.get("frozen"):
            raise AttributeError(SNAPSHOT_REFUSAL)
        super().__setattr__(name, value)

    # Copies (``model_copy`` uses the first two) and pickled copies can be changed, even
    # of a snapshot's part.
    def __copy__(self) -> Any:
        copied = super().__copy__()
        copied.__dict__.pop(SNAPSHOT_MARK, None)
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Any:
        copied = super().__deepcopy__(memo)
        copied.__dict__.pop(SNAPSHOT_MARK, None)
        return copied

    def __getstate__(self) -> dict[Any, Any]:
        state = super().__getstate__()
        state["__dict__"] = {k: v for k, v in state["__dict__"].items() if k != SNAPSHOT_MARK}
        return state


ModelT = TypeVar("ModelT", bound=BaseModel)


def read_only(model: ModelT) -> ModelT:
    """Make ``model``, and the models, lists and dicts it holds, refuse changes; in place.

    History records (messages, ledger entries, versions) are frozen models already and
    are not walked one by one, so a long session costs little more than a short one;
    what they hold is made read-only once, by :func:`read_only_parts`.
    """
    if _changeable(model):
        _freeze_fields(model)
    return model


def read_only_parts(record: BaseModel) -> None:
    """Make what a frozen history record holds (a version's story, its images) refuse
    changes too. The store shares each record between every session it loads, so a
    change to a story read from ``p.story.output`` would otherwise show in all of them,
    and be saved with the next version, while the database says otherwise."""
    if not record.__dict__.get(SNAPSHOT_MARK):
        _freeze_fields(record)


def _freeze_fields(model: BaseModel) -> None:
    fields = model.__dict__
    for name, value in list(fields.items()):
        fields[name] = _frozen(value)
    fields[SNAPSHOT_MARK] = True


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        if value and (_changeable(value[0]) or isinstance(value[0], list | dict)):
            value = [_frozen(v) for v in value]  # lists hold one kind of thing
        return _FrozenList(value)
    if isinstance(value, dict):
        return _FrozenDict({k: _frozen(v) for k, v in value.items()})
    return read_only(value)


def _changeable(value: object) -> bool:
    return isinstance(value, BaseModel) and not value.model_config.get("frozen")
