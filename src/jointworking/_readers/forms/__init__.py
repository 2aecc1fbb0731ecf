"""The form tools whose exports are read as they come, one module per tool.

Each module here (``_microsoft``, ``_google``, ``_surveymonkey``, ``_qualtrics``)
defines ``LAYOUT``, a :class:`~jointworking._readers.forms._layout.Layout`: the tool's
header rows, its own columns and how it marks an incomplete response. Adding a tool is
adding a module that defines ``LAYOUT``: :func:`layouts` finds it.
"""

import importlib
import pkgutil
from collections.abc import Sequence
from functools import cache

from jointworking._readers.forms._layout import PLAIN, Layout


@cache
def layouts() -> tuple[Layout, ...]:
    """Return every tool's layout, in the order they are tried, our own layout last."""
    found = [PLAIN]
    for module in pkgutil.iter_modules(__path__):
        layout = getattr(importlib.import_module(f"{__name__}.{module.name}"), "LAYOUT", None)
        if isinstance(layout, Layout):
            found.append(layout)
    return tuple(sorted(found, key=lambda layout: (layout.order, layout.name)))


def detect(first: Sequence[str]) -> Layout:
    """Return the layout of an export whose first header row is `first`."""
    return next(layout for layout in layouts() if layout.matches(first))
