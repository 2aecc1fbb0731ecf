"""One regular expression for many literal names, matching the longest name first.

A report marks every organisation, unit and arrangement name inside its findings'
sentences. An alternation of thousands of names (``Org 0001|Org 0002|...``) is slow to
compile and slow to search, as each position tries every name in turn; the same names
laid out as a trie (``Org 0(?:0(?:01|02)|...)``) try one branch per character. Both
find, at each position, the longest name that starts there.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Final

__all__ = ["longest_first"]

_END: Final = ""
"""The key marking that a name ends at a node (no character is the empty string)."""
_DEEPEST: Final = 200
"""Nesting beyond which the trie gives way to the plain alternation (re's own limits)."""

_Node = dict[str, "_Node"]


class _TooDeepError(Exception):
    """The trie nests deeper than a regular expression should."""


def longest_first(names: Collection[str], *, trie_from: int = 64) -> str:
    """Return a pattern matching any of `names`, the longest at each position.

    Fewer than `trie_from` names, or names whose trie nests too deep, give the plain
    alternation of the names, longest first; more give the same matches from a trie.
    Empty names are left out.
    """
    distinct = sorted({n for n in names if n})
    if len(distinct) >= trie_from:
        root: _Node = {}
        for name in distinct:
            node = root
            for character in name:
                node = node.setdefault(character, {})
            node[_END] = {}
        try:
            return _pattern(root, 0)
        except _TooDeepError:
            pass
    return "|".join(re.escape(n) for n in sorted(distinct, key=len, reverse=True))


def _pattern(node: _Node, depth: int) -> str:
    """Return the pattern of the names below `node` (a name ending here: the rest optional)."""
    if depth > _DEEPEST:
        raise _TooDeepError
    branches = []
    for character in sorted(k for k in node if k != _END):
        run, child = [character], node[character]
        while len(child) == 1 and _END not in child:  # a run with no branch: one literal
            ((following, child),) = child.items()
            run.append(following)
        branches.append(re.escape("".join(run)) + _pattern(child, depth + 1))
    if not branches:
        return ""
    if _END not in node:
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{'|'.join(branches)})?"  # greedy: the longer name first
