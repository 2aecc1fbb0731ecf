"""Which reader reads a wide CSV file: a fast one where it can, else the exact one.

Three readers give the same responses, and the same errors, for every file:

* with pyarrow installed (``pip install jointworking[fast]``), :mod:`._arrow` for files
  of at least :data:`ARROW_FROM` bytes (below that, importing pyarrow costs more than it
  saves);
* :mod:`._fast`, column by column with the standard library;
* :mod:`._wide`, the exact reader, row by row, which names the line and column of the
  first problem in the file.

A fast reader that finds anything it cannot read plainly returns None, and the next one
reads the file. :data:`READERS` switches them on and off (the tests run every reader
test through each), and :data:`used` counts which reader read each file.
"""

from __future__ import annotations

from collections import Counter
from typing import Final

from jointworking._readers import _arrow, _fast
from jointworking.instrument import Instrument
from jointworking.responses import Responses

READERS: Final = {"arrow": True, "python": True}
"""The fast readers in use, by name (the exact reader is always there)."""
ARROW_FROM = 1 << 20
"""The size of file, in bytes, from which pyarrow is worth importing."""
used: Counter[str] = Counter()
"""How many files each reader has read (``arrow``, ``python`` or ``exact``)."""


def from_bytes(
    data: bytes | str, name: str, instrument: Instrument, kind: str | None
) -> Responses | None:
    """Read a CSV file's bytes with pyarrow, or return None (also for anything but CSV)."""
    if kind != "csv" or not isinstance(data, bytes):
        return None
    if not READERS["arrow"] or len(data) < ARROW_FROM:
        return None
    responses = _arrow.read_wide(data, name, instrument)
    if responses is not None:
        used["arrow"] += 1
    return responses


def from_text(text: str, name: str, instrument: Instrument) -> Responses | None:
    """Read a wide CSV file's text column by column, or return None."""
    if not READERS["python"]:
        return None
    responses = _fast.read_wide(text, name, instrument)
    if responses is not None:
        used["python"] += 1
    return responses
