"""The ladder's rungs: transaction, collaboration, partnership (rule R3)."""

from __future__ import annotations

import enum

from jointworking.errors import ArgumentError

__all__ = ["Rung"]


class Rung(enum.IntEnum):
    """A rung of the joint working ladder, ordered from lowest to highest.

    The article describes a ladder that organisations climb one rung at a time:
    "moving from transaction to collaboration to partnership takes time". Rungs compare
    by their position on that ladder, so ``max``, ``min`` and sorting work as expected.

    Examples
    --------
    >>> Rung.TRANSACTION < Rung.COLLABORATION < Rung.PARTNERSHIP
    True
    >>> Rung.parse(" Partnership ")
    Rung.PARTNERSHIP
    >>> str(Rung.COLLABORATION)
    'collaboration'
    """

    TRANSACTION = 0
    """Organisations deal with each other transaction by transaction."""
    COLLABORATION = 1
    """Shared objectives, aligned priorities, information shared; risks stay apart."""
    PARTNERSHIP = 2
    """Accountability, risks, rewards and resources shared; a consistent culture."""

    @property
    def label(self) -> str:
        """The rung's name in lower case, as people write it (``"partnership"``)."""
        return self.name.lower()

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"Rung.{self.name}"

    @classmethod
    def parse(cls, text: str | Rung, *, argument: str = "rung") -> Rung:
        """Read a rung from its name, in any case and with surrounding space.

        Parameters
        ----------
        text : str or Rung
            ``"transaction"``, ``"collaboration"`` or ``"partnership"``; a `Rung` is
            returned unchanged.
        argument : str, optional
            The name used for the value in the error message.

        Returns
        -------
        Rung

        Raises
        ------
        ArgumentError
            If `text` names no rung.
        """
        if isinstance(text, Rung):
            return text
        if isinstance(text, str):
            key = text.strip().upper()
            if key in cls.__members__:
                return cls[key]
        names = ", ".join(repr(r.label) for r in cls)
        raise ArgumentError(f"{argument}: expected one of {names}, got {text!r}")
