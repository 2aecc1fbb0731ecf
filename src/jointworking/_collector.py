"""Pausing Python's cyclic garbage collector while many objects are made at once."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["paused"]


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic garbage collector; restore its previous state afterwards.

    Building tens of thousands of findings, or splitting a file's rows into lists of
    cells, would otherwise set off collections that walk every object in the process,
    for no garbage: the objects made hold no reference cycles (reference counting frees
    them). Never hold it across a ``yield``: the caller's code would run without it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
