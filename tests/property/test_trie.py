"""A trie of names finds what the plain alternation of the names, longest first, finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from jointworking._trie import longest_first

# A small alphabet, so that names share prefixes, nest in one another and repeat; with
# characters regular expressions give a meaning to.
NAME = st.text(alphabet="ab .*(|\\\u00e9", min_size=0, max_size=6)


def _plain(names: list[str]) -> str:
    distinct = sorted({n for n in names if n}, key=len, reverse=True)
    return "|".join(re.escape(n) for n in distinct)


@settings(max_examples=300, deadline=None)
@given(st.lists(NAME, min_size=1, max_size=40), st.lists(NAME, max_size=12))
def test_the_trie_finds_what_the_alternation_finds(names: list[str], pieces: list[str]) -> None:
    if not any(names):
        return
    text = " ".join(pieces + names[::-1] + pieces)
    trie = re.compile(longest_first(names, trie_from=1))
    plain = re.compile(_plain(names))
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_a_deep_trie_gives_way_to_the_alternation() -> None:
    """Names nested a thousand deep would nest the pattern as deep: the plain one is used."""
    names = ["a" * k for k in range(1, 1001)]
    pattern = longest_first(names, trie_from=1)
    assert pattern == _plain(names)
    assert re.compile(pattern).match("a" * 1500).end() == 1000  # type: ignore[union-attr]


def test_few_names_give_the_alternation() -> None:
    assert longest_first(["b", "ab", "abc"]) == "abc|ab|b"
    assert longest_first(["b", "ab", "abc"], trie_from=1) == "(?:ab(?:c)?|b)"
