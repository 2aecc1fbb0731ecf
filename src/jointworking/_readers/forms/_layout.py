"""What a form tool's export looks like: its header rows, its own columns, its partials."""

from collections.abc import Callable, Mapping, Sequence
from typing import Final, Literal

import attrs

Role = Literal["personal", "tool", "id", "finished", "progress", "status"]
"""What one of a tool's own columns holds.

``personal``: personal data (e-mail, names, IP address, location), never read;
``tool``: the tool's own bookkeeping (times, collector), left out; ``id``: the tool's
response identifier, the respondent's by default; ``finished``, ``progress`` and
``status``: whether the response is complete.
"""


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def _first_row(rows: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """Each column's title: its header in the one header row."""
    return [(cell,) for cell in rows[0]]


def _always_complete(cells: Mapping[Role, str]) -> tuple[Role, str] | None:
    return None


@attrs.frozen
class Layout:
    """A form tool's export layout.

    Attributes
    ----------
    name : str
        The tool, as messages name it (``"Microsoft Forms"``).
    signature : frozenset of str
        Headers (case and spacing folded) the first header row must all hold for an
        export to be read as this tool's. The empty set matches any file (our own layout).
    columns : dict
        The tool's own columns, by header (folded), and what each holds.
    prefixes : dict
        Headers (folded) starting with one of these are the tool's own columns too.
    header_rows : callable
        Whether a row after the first (its index, 1 for the second row, and its values
        as read, text or spreadsheet values) is a further header row. By default there is
        one header row.
    titles : callable
        Each column's header texts from the header rows: its title (shown in messages and
        matched against question wordings) first, then other texts a mapping may name.
    incomplete : callable
        Why a response is incomplete, from its ``finished``, ``progress`` and ``status``
        cells: the column that says so, and what it says; None if it is complete.
    order : int
        Tools are tried in this order; the first whose signature matches is chosen.
    """

    name: str
    signature: frozenset[str]
    columns: Mapping[str, Role] = attrs.field(factory=dict)
    prefixes: Mapping[str, Role] = attrs.field(factory=dict)
    header_rows: Callable[[int, Sequence[object]], bool] = lambda index, values: False
    titles: Callable[[Sequence[Sequence[str]]], list[tuple[str, ...]]] = _first_row
    incomplete: Callable[[Mapping[Role, str]], tuple[Role, str] | None] = _always_complete
    order: int = 100

    def matches(self, first: Sequence[str]) -> bool:
        """Whether a first header row is this tool's."""
        return self.signature <= {_folded(cell) for cell in first}

    def role(self, header: str) -> Role | None:
        """Return what a header names among the tool's own columns, or None."""
        folded = _folded(header)
        role = self.columns.get(folded)
        if role is None:
            for prefix, kind in self.prefixes.items():
                if folded.startswith(prefix):
                    return kind
        return role


PLAIN: Final = Layout("a survey file (our own layout)", frozenset(), order=1000)
"""Any file that is not a known tool's export: one header row, nothing of its own."""
