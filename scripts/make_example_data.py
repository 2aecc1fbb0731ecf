# FICTIONAL DATA. Every organisation, unit, respondent and answer this script writes is
# invented for demonstration and testing. The names resemble English public bodies but
# describe no real organisation, and no real person answered this survey.
"""Generate the packaged example survey, ``src/jointworking/data/example_survey.csv``.

The survey is fictional: five organisations in the invented places Northfield and
Westshire answer the ten-question joint working self-assessment (Morley 2016) about
themselves, about each other and about a declared multi-party arrangement, the Northfield
Health and Housing Alliance, in two waves. Each group (organisation, about, wave) is drawn
around chosen per-question target means with a chosen spread, rounded to the 0-4 scale
and clipped to it; then a few cells are left blank or answered "Don't know". The targets
are chosen so that the numbers tell the story described in :mod:`jointworking.examples`.

The output is deterministic: a fixed seed and a fixed order of draws give byte-identical
text on every run. Run from the repository root::

    python scripts/make_example_data.py            # rewrite the packaged CSV
    python scripts/make_example_data.py --check    # exit 1 if the CSV is out of date
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final, NamedTuple

import numpy as np

__all__ = ["GROUPS", "HEADER", "OUTPUT", "SEED", "WAVES", "Group", "main", "render"]

SEED: Final = 20160822
"""The seed of :func:`numpy.random.default_rng` (the article's date, 22 August 2016)."""

OUTPUT: Final = Path(__file__).resolve().parents[1] / "src/jointworking/data/example_survey.csv"
"""Where :func:`main` writes the survey by default."""

HEADER: Final = (
    "organisation",
    "about",
    "respondent",
    "unit",
    "wave",
    *(f"q{n}" for n in range(1, 11)),
)
"""The CSV header."""

WAVES: Final = ("2025-Q3", "2026-Q1")
"""The two survey waves, in time (and text) order."""

BLANK_RATE: Final = 0.02
"""The share of answer cells left blank."""

DONT_KNOW_RATE: Final = 0.015
"""The share of answer cells answered "Don't know"."""

DISTRICT = "Northfield District Council"
COUNTY = "Westshire County Council"
TRUST = "Westshire Community Health NHS Trust"
HOUSING = "Northfield Homes Housing Association"
VOLUNTARY = "Northfield Voluntary Action"
ALLIANCE = "Northfield Health and Housing Alliance"
INTERNAL = "internal"

PREFIX: Final = {
    DISTRICT: "ndc",
    COUNTY: "wcc",
    TRUST: "wch",
    HOUSING: "nhh",
    VOLUNTARY: "nva",
}
"""The respondent id prefix of each organisation."""

UNITS: Final = {
    DISTRICT: ("Housing", "Planning", "Finance", "Customer Services"),
    COUNTY: ("Adult Social Care", "Highways", "Children's Services"),
    TRUST: ("Community Nursing", "Mental Health"),
    HOUSING: ("Tenancy Services", "Repairs"),
    VOLUNTARY: ("",),  # a handful of staff: no units
}
"""The units of each organisation, assigned to respondents in turn."""


class Group(NamedTuple):
    """One group of respondents: an organisation's view of one thing in one wave.

    Attributes
    ----------
    organisation, about, wave : str
        Who answers, about what (``"internal"`` or a partner or arrangement), and when.
    n : int
        How many respondents.
    means : sequence of float or mapping of str to sequence of float
        The target mean of each of the ten questions, in question order; or one such
        sequence per unit, for a group whose units disagree.
    spread : float
        The standard deviation of the normal draws around the means, before rounding.
    """

    organisation: str
    about: str
    wave: str
    n: int
    means: Sequence[float] | Mapping[str, Sequence[float]]
    spread: float = 0.6

    def unit_means(self, unit: str) -> Sequence[float]:
        """Return the target means for a respondent in `unit`."""
        if isinstance(self.means, Mapping):
            return self.means[unit]
        return self.means


class _Row(NamedTuple):
    labels: tuple[str, str, str, str, str]
    answers: list[str]


# Question order: 1 shared objectives (C), 2 aligned priorities (C), 3 shared accountability,
# 4 risk and innovation, 5 shared risk and reward, 6 information sharing (C), 7 shared
# resources, 8 consistent leadership and culture, 9 consistent capabilities, 10 shared
# ambition. C marks the collaboration questions; the rest evidence partnership.
#                q1   q2   q3   q4   q5   q6   q7   q8   q9   q10
_COUNTY_UNITS_2025 = {
    "Adult Social Care": (3.5, 3.4, 2.4, 2.3, 2.0, 3.5, 2.2, 2.5, 2.4, 2.6),
    "Highways": (0.6, 0.5, 0.8, 1.0, 0.6, 0.4, 0.7, 0.8, 1.0, 0.8),
    "Children's Services": (2.1, 1.8, 1.5, 1.6, 1.2, 2.0, 1.5, 1.7, 1.6, 1.8),
}
_COUNTY_UNITS_2026 = {
    "Adult Social Care": (3.6, 3.6, 2.6, 2.4, 2.1, 3.6, 2.4, 2.6, 2.5, 2.8),
    "Highways": (0.5, 0.4, 0.9, 1.1, 0.6, 0.5, 0.8, 0.9, 1.1, 0.9),
    "Children's Services": (2.2, 2.0, 1.6, 1.7, 1.3, 2.1, 1.6, 1.8, 1.7, 1.9),
}

GROUPS: Final = (
    # ---- 2025-Q3: the first, smaller wave --------------------------------------------
    # The district council is transactional inside: priorities and information sharing
    # fall short.
    Group(DISTRICT, INTERNAL, WAVES[0], 14, (3.5, 2.4, 1.9, 1.7, 1.5, 2.2, 1.8, 2.0, 2.1, 2.2)),
    # The county council: big and diversified, its units disagree sharply.
    Group(COUNTY, INTERNAL, WAVES[0], 15, _COUNTY_UNITS_2025, spread=0.5),
    Group(DISTRICT, COUNTY, WAVES[0], 10, (3.4, 3.0, 1.8, 1.9, 1.6, 2.3, 1.8, 2.0, 1.9, 2.1)),
    Group(COUNTY, DISTRICT, WAVES[0], 10, (3.7, 3.6, 3.5, 3.4, 3.5, 3.7, 3.4, 3.5, 3.6, 3.6)),
    Group(HOUSING, INTERNAL, WAVES[0], 10, (3.6, 3.5, 3.1, 2.8, 2.6, 3.6, 3.0, 3.2, 2.9, 3.3)),
    # ---- 2026-Q1: the latest wave ----------------------------------------------------
    # 1. District council internal: now collaboration.
    Group(DISTRICT, INTERNAL, WAVES[1], 16, (3.7, 3.6, 2.3, 2.2, 1.9, 3.6, 2.2, 2.5, 2.4, 2.6)),
    # 2. County council internal: transaction, units far apart on questions 1, 2 and 6.
    Group(COUNTY, INTERNAL, WAVES[1], 18, _COUNTY_UNITS_2026, spread=0.5),
    # 3. District council about the county: collaboration, partnership questions about 2.
    Group(DISTRICT, COUNTY, WAVES[1], 12, (3.6, 3.5, 2.0, 2.1, 1.8, 3.6, 2.0, 2.1, 2.0, 2.2)),
    # 4. County council about the district: partnership-level everywhere.
    Group(COUNTY, DISTRICT, WAVES[1], 14, (3.8, 3.7, 3.6, 3.5, 3.6, 3.8, 3.6, 3.6, 3.7, 3.7)),
    # 5. NHS trust internal: collaboration; housing association internal: partnership.
    Group(TRUST, INTERNAL, WAVES[1], 14, (3.6, 3.6, 2.4, 2.0, 1.9, 3.7, 2.1, 2.5, 2.6, 2.4)),
    Group(HOUSING, INTERNAL, WAVES[1], 12, (3.8, 3.7, 3.6, 3.5, 3.5, 3.8, 3.6, 3.7, 3.6, 3.7)),
    # 6. The Alliance, seen by each member: collaboration, transaction, collaboration.
    Group(DISTRICT, ALLIANCE, WAVES[1], 10, (3.6, 3.6, 2.3, 2.0, 1.9, 3.6, 2.2, 2.2, 2.3, 2.7)),
    Group(TRUST, ALLIANCE, WAVES[1], 9, (3.5, 2.0, 1.8, 1.9, 1.6, 3.4, 1.7, 2.0, 2.1, 2.4)),
    Group(HOUSING, ALLIANCE, WAVES[1], 8, (3.7, 3.6, 2.6, 2.3, 2.2, 3.7, 2.4, 2.6, 2.5, 2.8)),
    # 7. District council about the voluntary body: transaction, and never the other way.
    Group(DISTRICT, VOLUNTARY, WAVES[1], 8, (2.4, 1.6, 1.2, 1.3, 0.9, 1.9, 1.0, 1.4, 1.3, 1.5)),
    # 8. The voluntary body's own view: only two respondents.
    Group(VOLUNTARY, INTERNAL, WAVES[1], 2, (3.5, 3.5, 2.5, 3.0, 2.0, 3.5, 2.0, 3.0, 2.5, 3.0)),
)
"""Every group, in the order drawn and written."""


def _draw(rng: np.random.Generator) -> list[_Row]:
    """Draw every group's rows, in the order of :data:`GROUPS`."""
    rows: list[_Row] = []
    for group in GROUPS:
        units = UNITS[group.organisation]
        prefix = PREFIX[group.organisation]
        for i in range(group.n):
            unit = units[i % len(units)]
            means = np.asarray(group.unit_means(unit), dtype=np.float64)
            raw = rng.normal(means, group.spread)
            scores = np.clip(np.rint(raw), 0, 4).astype(np.int64)
            cells = [str(int(s)) for s in scores]
            chance = rng.random(len(cells))
            for j, u in enumerate(chance.tolist()):
                if u < BLANK_RATE:
                    cells[j] = ""
                elif u < BLANK_RATE + DONT_KNOW_RATE:
                    cells[j] = "Don't know"
            labels = (group.organisation, group.about, f"{prefix}-{i + 1:03d}", unit, group.wave)
            rows.append(_Row(labels, cells))
    return rows


def render() -> str:
    r"""Return the survey as CSV text: UTF-8 content, ``\n`` line endings.

    Returns
    -------
    str
        The header and one line per respondent; identical on every call.
    """
    rows = _draw(np.random.default_rng(SEED))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([*row.labels, *row.answers])
    return buffer.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or, with ``--check``, verify) the survey file; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("output", nargs="?", type=Path, default=OUTPUT, help="the CSV to write")
    parser.add_argument(
        "--check", action="store_true", help="exit 1, writing nothing, if the file differs"
    )
    args = parser.parse_args(argv)
    text = render()
    path: Path = args.output
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            print(f"{path} is out of date: run scripts/make_example_data.py", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(text)
    print(f"wrote {text.count(chr(10)) - 1} respondents to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
