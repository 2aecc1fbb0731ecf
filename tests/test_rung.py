from __future__ import annotations

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
