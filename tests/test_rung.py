from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest

from jointworking import ArgumentError, Rung


class TestRung:
    def test_order_follows_the_ladder(self) -> None:
        """Transaction < collaboration < partnership, as the article orders them."""
        assert sorted([Rung.PARTNERSHIP, Rung.TRANSACTION, Rung.COLLABORATION]) == [
            Rung.TRANSACTION,
            Rung.COLLABORATION,
            Rung.PARTNERSHIP,
        ]

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("transaction", Rung.TRANSACTION),
            ("Collaboration", Rung.COLLABORATION),
            ("  PARTNERSHIP\t", Rung.PARTNERSHIP),
            (Rung.COLLABORATION, Rung.COLLABORATION),
        ],
    )
    def test_parse(self, text: str | Rung, expected: Rung) -> None:
        """Names parse in any case and with surrounding space."""
        assert Rung.parse(text) is expected

    @pytest.mark.parametrize("text", ["", "partner", "synergy", "2"])
    def test_parse_rejects_unknown_names(self, text: str) -> None:
        """An unknown name is an error naming the argument and the valid names."""
        with pytest.raises(ArgumentError, match=r"claimed: expected one of 'transaction'"):
            Rung.parse(text, argument="claimed")

    def test_str_and_repr(self) -> None:
        """str gives the label people write; repr names the member."""
        assert str(Rung.PARTNERSHIP) == "partnership"
        assert repr(Rung.PARTNERSHIP) == "Rung.PARTNERSHIP"

    @pytest.mark.parametrize(
        ("text", "shown"),
        [
            (None, "None"),
            (2, "2"),
            (10**5000, "an integer of about 5001 digits"),
            ("x" * 1000, "'" + "x" * 56 + "..."),
        ],
        ids=["None", "a-number", "an-int-of-5001-digits", "a-long-string"],
    )
    def test_parse_shows_any_bad_value_briefly(self, text: Any, shown: str) -> None:
        """Any value, even one too long to print (an int of 5,000 digits), is shown briefly."""
        with pytest.raises(ArgumentError, match=r"target: expected one of .*, got ") as caught:
            Rung.parse(text, argument="target")
        assert str(caught.value).endswith(f"got {shown}")

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (0, Rung.TRANSACTION),
            (np.int8(1), Rung.COLLABORATION),
            (Rung.PARTNERSHIP, Rung.PARTNERSHIP),
        ],
    )
    def test_from_position(self, value: Any, expected: Rung) -> None:
        """A rung is found from its position, an int or a numpy integer, and pickles."""
        assert Rung(value) is expected
        assert pickle.loads(pickle.dumps(expected)) is expected

    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            (3, "3"),
            (-1, "-1"),
            (True, "True"),
            (1.0, "1.0"),
            ("partnership", "'partnership'"),
            (None, "None"),
            (np.array([1, 2]), "array([1, 2])"),
            (np.array([]), "array([], dtype=float64)"),
        ],
    )
    def test_position_rejects_anything_else(self, value: Any, shown: str) -> None:
        """Anything but 0, 1 or 2 is an ArgumentError listing them, not a bare ValueError."""
        with pytest.raises(ArgumentError) as caught:
            Rung(value)
        assert str(caught.value) == (
            "Rung: expected 0 (transaction), 1 (collaboration) or 2 (partnership), got " + shown
        )
