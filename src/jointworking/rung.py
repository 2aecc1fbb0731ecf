"""The ladder's rungs: transaction, collaboration, partnership (rule R3)."""

from __future__ import annotations

import enum
import operator
from typing import Any

from jointworking.errors import ArgumentError, _shown

__all__ = ["Rung"]


class _IntEnumType(enum.EnumType):
    """The metaclass of the library's integer enumerations: a bad value is an ArgumentError.

    ``Rung(2)`` finds a member by its value as usual, from an int or a numpy integer.
    Anything else (a bool, a float, a string, an array, an int that is no member's value)
    is refused with an :class:`~jointworking.ArgumentError` naming the class and the values
    it takes, rather than enum's bare ValueError, or an error raised by the value's own
    comparison (an array's, say).
    """

    def __call__(cls, value: object, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:  # the functional API, which makes a new enumeration
            return super().__call__(value, *args, **kwargs)
        if isinstance(value, cls):
            return value
        members: dict[Any, Any] = cls._value2member_map_
        if not isinstance(value, bool):
            try:
                number = operator.index(value)  # type: ignore[arg-type]  # checked just here
            except TypeError:
                pass
            else:
                if number in members:
                    return members[number]
        choices = [f"{member.value} ({member.name.lower()})" for member in members.values()]
        raise ArgumentError(
            f"{cls.__name__}: expected {', '.join(choices[:-1])} or {choices[-1]}, got"
            f" {_shown(value)}"
        )


class Rung(enum.IntEnum, metaclass=_IntEnumType):
    """A rung of the joint working ladder, ordered from lowest to highest.

    The article describes a ladder that organisations climb one rung at a time:
    "moving from transaction to collaboration to partnership takes time". Rungs compare
    by their position on that ladder, so ``max``, ``min`` and sorting work as expected.
    ``Rung(1)`` is the rung at that position; a value that is not 0, 1 or 2 (a bool, a
    float, a string) is an :class:`~jointworking.ArgumentError`: read names with
    :meth:`parse`.

    Examples
    --------
    >>> Rung.TRANSACTION < Rung.COLLABORATION < Rung.PARTNERSHIP
    True
    >>> Rung.parse(" Partnership ")
    Rung.PARTNERSHIP
    >>> str(Rung.COLLABORATION)
    'collaboration'
    >>> Rung(2)
    Rung.PARTNERSHIP
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
        # _name_ rather than name: the public property is a descriptor, slow in bulk layouts.
        return self._name_.lower()

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
            If `text` names no rung (whatever its type: a number, None or any other
            object is refused too, with its value shown in the message).
        """
        given: object = argument  # the name too may come from a caller's code
        name = given if isinstance(given, str) else "rung"
        if isinstance(text, Rung):
            return text
        if isinstance(text, str):
            key = text.strip().upper()
            if key in cls.__members__:
                return cls[key]
        names = ", ".join(repr(r.label) for r in cls)
        raise ArgumentError(f"{name}: expected one of {names}, got {_shown(text)}")
