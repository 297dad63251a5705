"""What the pipeline tests share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import adpipeline as ap


@contextmanager
def unchanged(p: ap.Pipeline) -> Iterator[None]:
    """Assert that the block leaves the stored session exactly as it was."""
    before = p.session
    yield
    after = p.session
    assert after.version == before.version
    assert after == before
