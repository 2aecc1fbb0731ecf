"""Charts of an assessment: profiles, heat maps, the ladder, perception gaps, added value.

Every function draws with matplotlib, an optional dependency (``pip install
"jointworking[plot]"``), and returns the :class:`matplotlib.figure.Figure` it drew on.
Give ``ax`` to draw on an existing :class:`~matplotlib.axes.Axes`; otherwise a new figure
is made with :class:`~matplotlib.figure.Figure` directly, without pyplot, so no backend
or GUI is needed and figures can be made from any thread. :func:`to_svg` renders a figure
as SVG text that can be inlined in an HTML report.

Organisation names are untrusted text. Every label drawn passes through one helper that
drops control and bidirectional-override characters, caps stacked combining marks,
replaces characters the font cannot draw, truncates to about 40 characters with an
ellipsis and escapes ``$`` so that no name is read as mathtext. Shared outputs never show
a small group's per-question figures: :func:`profile` shows a note instead,
:func:`heatmap` leaves the row blank, and :func:`gaps` withholds a member's bars when
given the assessment.

Examples
--------
>>> from jointworking import assess, load_example, plot
>>> example = load_example()
>>> assessment = assess(example.responses, arrangements=example.arrangements)
>>> fig = plot.heatmap(assessment)
>>> plot.to_svg(fig).startswith("<svg")
True
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import re
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt

try:
    import matplotlib as mpl
    from matplotlib import colors as mcolors
    from matplotlib import font_manager
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
except ImportError as error:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "jointworking.plot needs matplotlib, an optional dependency:"
        ' pip install "jointworking[plot]"'
    ) from error

from jointworking._engine import PERCEPTION_GAP_POINTS
from jointworking.assessment import (
    Assessment,
    GroupView,
    RelationshipView,
)
from jointworking.errors import ArgumentError
from jointworking.instrument import MORLEY_2016, Instrument
from jointworking.responses import INTERNAL
from jointworking.rung import Rung
from jointworking.value import SimulatedAddedValue

__all__ = ["gaps", "heatmap", "ladder", "profile", "to_svg", "value_distribution"]

#: Labels longer than this many characters are truncated with an ellipsis.
LABEL_LENGTH: Final = 40
_ELLIPSIS: Final = "\u2026"
_MAX_MARKS: Final = 2  # combining marks kept on one base character
_MAX_INPUT: Final = 2000  # characters of a name looked at; a label shows far fewer
_ISOLATE: Final = "\u2068"  # FIRST STRONG ISOLATE
_POP_ISOLATE: Final = "\u2069"  # POP DIRECTIONAL ISOLATE

#: Colour-blind safe colours (Okabe and Ito) for the rungs.
RUNG_COLOURS: Final[Mapping[Rung, str]] = {
    Rung.TRANSACTION: "#999999",
    Rung.COLLABORATION: "#0072B2",
    Rung.PARTNERSHIP: "#009E73",
}
_MEMBER_COLOURS: Final = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
_ACCENT: Final = "#D55E00"
_INK: Final = "#333333"
_BAD: Final = "#eeeeee"
_NEUTRAL: Final = "#cccccc"

_SVG_LOCK: Final = threading.Lock()
_SVG_PROLOGUE: Final = re.compile(r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?")
_SVG_COMMENT: Final = re.compile(r"<!--.*?-->\s*", re.DOTALL)

FloatArray = npt.NDArray[np.float64]


# --- safe text ------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _charmap(paths: tuple[str, ...]) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font  # noqa: PLC0415 - only when labels are drawn

    codes: set[int] = set()
    for path in paths:
        codes.update(FT2Font(path).get_charmap())
    return frozenset(codes)


def _drawable() -> frozenset[int] | None:
    """Return the code points the current default fonts can draw; None if unknown."""
    try:
        prop = font_manager.FontProperties()
        manager = font_manager.fontManager
        finder = getattr(manager, "_find_fonts_by_props", None)
        paths = finder(prop) if finder is not None else [manager.findfont(prop)]
        return _charmap(tuple(str(p) for p in paths))
    except Exception:  # a font lookup must never stop a chart
        return None


def _kept(text: object) -> str:
    """Return `text` decomposed (NFD), without controls, and with at most two marks a base."""
    try:
        raw = text if isinstance(text, str) else str(text)
        raw = unicodedata.normalize("NFD", raw[:_MAX_INPUT])
    except Exception:  # a label must never raise
        raw = "?"
    kept: list[str] = []
    marks = 0
    for char in raw:
        category = unicodedata.category(char)
        if char.isspace() or category in ("Zl", "Zp"):
            if kept and kept[-1] != " ":
                kept.append(" ")
            marks = 0
        elif category[0] == "C":
            continue  # control, format (bidi overrides, zero-width), surrogate, private
        elif category[0] != "M":
            kept.append(char)
            marks = 0
        elif kept and kept[-1] != " " and marks < _MAX_MARKS:
            kept.append(char)
            marks += 1
    return "".join(kept).strip()


def _clusters(text: object) -> list[str]:
    """Split `text` into clean character clusters (a base character and its marks).

    Characters the current fonts cannot draw become ``?`` (marks are dropped), so that
    drawing never warns of a missing glyph.
    """
    drawable = _drawable()
    clusters: list[str] = []
    for char in unicodedata.normalize("NFC", _kept(text)):
        can_draw = drawable is None or char == " " or ord(char) in drawable
        if unicodedata.category(char)[0] == "M" and clusters:
            if can_draw:
                clusters[-1] += char
        else:
            clusters.append(char if can_draw else "?")
    return clusters


@functools.cache
def _shapes_bidi() -> bool:
    """Return whether matplotlib lays text out bidirectionally (libraqm, 3.11 and later)."""
    try:
        major, minor = (int(part) for part in mpl.__version__.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (3, 11)


def _label(text: object, limit: int = LABEL_LENGTH) -> str:
    """Make untrusted text safe to draw: clean, truncated, with ``$`` escaped.

    Never raises. The result is plain text to matplotlib: its dollar signs are escaped, so
    it is never parsed as mathtext. Where matplotlib lays out right-to-left text, a name
    containing any is wrapped in a first-strong isolate, so that it cannot reorder the
    text around it.
    """
    clusters = _clusters(text)
    if len(clusters) > limit:
        clusters = clusters[: max(limit - 1, 0)]
        while clusters and clusters[-1] == " ":
            clusters.pop()
        clusters.append(_ELLIPSIS)
    label = "".join(clusters).replace("$", r"\$")
    if _shapes_bidi() and any(unicodedata.bidirectional(c) in ("R", "AL") for c in label):
        return f"{_ISOLATE}{label}{_POP_ISOLATE}"
    return label


def _group_subject(group: GroupView) -> str:
    """Name a group as :attr:`GroupView.subject` does, with each name made safe."""
    where = "internal" if group.about == INTERNAL else f"about {_label(group.about)}"
    wave = f", {_label(group.wave, 20)}" if group.wave else ""
    return f"{_label(group.organisation)} ({where}{wave})"


def _relationship_name(
    view: RelationshipView, *, sep: str = " and ", limit: int = LABEL_LENGTH
) -> str:
    if view.kind == "pair" and len(view.members) == 2:
        return sep.join(_label(m, limit) for m in view.members)
    return _label(view.subject)


@contextlib.contextmanager
def _plain_text() -> Iterator[None]:
    """Make text created inside plain: no TeX, and mathtext only where ``$`` is unescaped."""
    if not mpl.rcParams["text.usetex"] and mpl.rcParams["text.parse_math"]:
        yield
        return
    with mpl.rc_context({"text.usetex": False, "text.parse_math": True}):
        yield


# --- figure plumbing ------------------------------------------------------------------


def _figure_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is None:
        figure = Figure(figsize=figsize, layout="constrained")
        return figure, figure.add_subplot()
    if not isinstance(ax, Axes):
        raise ArgumentError(f"ax: expected a matplotlib Axes or None, got {type(ax).__name__}")
    parent = ax.figure
    root = parent if isinstance(parent, Figure) else parent.figure
    if not isinstance(root, Figure):  # pragma: no cover - an Axes always has a figure
        raise ArgumentError("ax: the axes belong to no figure")
    return root, ax


def _check_instrument(instrument: object) -> Instrument:
    if not isinstance(instrument, Instrument):
        raise ArgumentError(f"instrument: expected an Instrument, got {type(instrument).__name__}")
    return instrument


def _check_length(values: Sequence[float], instrument: Instrument, argument: str) -> None:
    if len(values) != len(instrument.questions):
        raise ArgumentError(
            f"{argument}: {len(values)} per-question figures, but {instrument.name!r} has"
            f" {len(instrument.questions)} questions; pass the instrument answered"
        )


def _floats(values: Sequence[float]) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def _question_labels(instrument: Instrument) -> list[str]:
    return [f"Q{n}" for n in instrument.numbers]


def _threshold_lines(ax: Axes, instrument: Instrument) -> list[tuple[Any, str]]:
    """Draw the threshold(s) at which a question is met; return legend entries."""
    collaboration = instrument.threshold(Rung.COLLABORATION)
    partnership = instrument.threshold(Rung.PARTNERSHIP)
    if collaboration == partnership:
        label = f"threshold ({collaboration:g})"
        ax.axhline(collaboration, color="black", linestyle="--", linewidth=1.0, label=label)
        return [(Line2D([], [], color="black", linestyle="--", linewidth=1.0), label)]
    entries: list[tuple[Any, str]] = []
    for rung, value in ((Rung.COLLABORATION, collaboration), (Rung.PARTNERSHIP, partnership)):
        label = f"{rung} threshold ({value:g})"
        colour = RUNG_COLOURS[rung]
        ax.axhline(value, color=colour, linestyle="--", linewidth=1.0, label=label)
        entries.append((Line2D([], [], color=colour, linestyle="--", linewidth=1.0), label))
    return entries


def _thresholds(instrument: Instrument) -> list[float]:
    """Return the thresholds at which a question is met, lowest first."""
    return sorted(
        {instrument.threshold(Rung.COLLABORATION), instrument.threshold(Rung.PARTNERSHIP)}
    )


def _clear_of(bottom: float, lines: Sequence[float], height: float) -> float:
    """Return where a label of `height` starting at `bottom` crosses none of `lines`.

    A label a threshold line would cross is moved to just above that line.
    """
    for line in lines:
        if bottom - 0.02 * height <= line <= bottom + height:
            bottom = line + 0.15 * height
    return bottom


def _score_axis(ax: Axes, instrument: Instrument, *, headroom: float) -> None:
    scale = instrument.scale
    span = scale.high - scale.low
    ax.set_ylim(scale.low, scale.high + headroom * span)
    ax.set_yticks(list(scale.values))
    low, high = scale.points[0], scale.points[-1]
    ax.set_ylabel(
        f"mean score ({low.value:g} {_label(low.label, 20).lower()},"
        f" {high.value:g} {_label(high.label, 20).lower()})",
        fontsize=8,
    )
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def _legend(
    figure: Figure,
    ax: Axes,
    entries: Sequence[tuple[Any, str]],
    *,
    own: bool,
    where: str = "lower",
    ncols: int = 3,
) -> None:
    """Add a legend: outside the axes on a figure of our own, inside on a caller's axes.

    On our own figure the legend is the figure's, placed by the constrained layout, so
    the layout depends only on the content and renders the same every time.
    """
    if not entries:
        return
    handles = [h for h, _ in entries]
    labels = [label for _, label in entries]
    if own:
        figure.legend(
            handles,
            labels,
            loc="outside upper center" if where == "upper" else "outside lower center",
            ncols=min(ncols, len(entries)),
            frameon=False,
            fontsize=8,
        )
    else:
        ax.legend(handles, labels, loc="best", fontsize=7, framealpha=0.85)


def _waves(assessment: Assessment) -> list[str]:
    return sorted({g.wave for g in assessment.groups} | {r.wave for r in assessment.relationships})


def _check_wave(assessment: Assessment, wave: object) -> str | None:
    if wave is None:
        return None
    if not isinstance(wave, str):
        raise ArgumentError(f"wave: expected a wave's name or None, got {wave!r}")
    waves = _waves(assessment)
    if wave not in waves:
        known = ", ".join(repr(w) for w in waves)
        raise ArgumentError(f"wave: nobody answered in wave {wave!r}; waves are: {known}")
    return wave


def _check_assessment(assessment: object) -> Assessment:
    if not isinstance(assessment, Assessment):
        raise ArgumentError(
            f"assessment: expected an Assessment (from assess), got {type(assessment).__name__}"
        )
    return assessment


def _selected_groups(assessment: Assessment, wave: str | None) -> list[GroupView]:
    """Return the groups in `wave`, or each group's latest wave, in the assessment's order."""
    if wave is not None:
        return [g for g in assessment.groups if g.wave == wave]
    latest: dict[tuple[str, str], GroupView] = {}
    for g in assessment.groups:
        key = (g.organisation, g.about)
        if key not in latest or g.wave > latest[key].wave:
            latest[key] = g
    return [g for g in assessment.groups if latest[(g.organisation, g.about)] is g]


def _selected_relationships(assessment: Assessment, wave: str | None) -> list[RelationshipView]:
    if wave is not None:
        return [r for r in assessment.relationships if r.wave == wave]
    latest: dict[tuple[str, str], RelationshipView] = {}
    for r in assessment.relationships:
        key = (r.kind, r.subject)
        if key not in latest or r.wave > latest[key].wave:
            latest[key] = r
    return [r for r in assessment.relationships if latest[(r.kind, r.subject)] is r]


def _small_members(view: RelationshipView, assessment: Assessment) -> set[str]:
    """Return the members whose group about `view` in its wave is small."""
    small: set[str] = set()
    for group in assessment.groups:
        if not group.small or group.wave != view.wave or group.organisation not in view.views:
            continue
        if view.kind == "arrangement":
            about = view.subject
        else:
            about = next((m for m in view.members if m != group.organisation), "")
        if group.about == about:
            small.add(group.organisation)
    return small


# --- charts ---------------------------------------------------------------------------


def profile(
    group: GroupView, *, instrument: Instrument = MORLEY_2016, ax: Axes | None = None
) -> Figure:
    """Plot one group's per-question means as bars coloured by the rung each evidences.

    Parameters
    ----------
    group : GroupView
        The group, e.g. ``assessment.group("A")``.
    instrument : Instrument, optional
        The instrument answered (for question numbers, rungs, thresholds and the scale);
        :data:`~jointworking.MORLEY_2016` by default.
    ax : matplotlib.axes.Axes, optional
        Draw on these axes; by default on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on (``ax``'s figure when `ax` is given).

    Raises
    ------
    ArgumentError
        If `group` is not a :class:`~jointworking.GroupView` or has a different number of
        questions from `instrument`.

    Notes
    -----
    One bar per question, in question order, labelled ``Q1``, ``Q2``...; bars of
    questions that divide a divided group (``group.dividing``) are hatched; error bars
    show one standard deviation where it is defined; a dashed line marks the threshold
    at which a question is met (one per rung if the rungs' thresholds differ). A
    question nobody answered has an empty bar marked "no answers", and one fewer than the
    minimum group size answered (``group.withheld_questions``) an empty bar marked
    "withheld". A small group (``group.small``) shows no per-question figures at all,
    only a note that they are withheld, as in every shared output.

    Examples
    --------
    >>> from jointworking import assess, load_example, plot
    >>> assessment = assess(load_example().responses)
    >>> fig = plot.profile(assessment.group("Northfield District Council"))
    >>> type(fig).__name__
    'Figure'
    >>> len(fig.axes[0].patches)
    10
    """
    if not isinstance(group, GroupView):
        raise ArgumentError(f"group: expected a GroupView, got {type(group).__name__}")
    inst = _check_instrument(instrument)
    _check_length(group.mean, inst, "group")
    with _plain_text():
        figure, axes = _figure_axes(ax, (7.0, 4.4))
        placement = group.placement
        rung = "withheld" if placement is None else str(placement.rung)
        if placement is not None and group.rung_probabilities is not None:
            rung += f" ({group.rung_probabilities[placement.rung]:.0%} likely)"
        axes.set_title(
            f"{_group_subject(group)}\n{rung}, {group.respondents} respondent(s)",
            loc="left",
            fontsize=10,
        )
        if group.small or placement is None:
            axes.set_xticks([])
            axes.set_yticks([])
            axes.text(
                0.5,
                0.5,
                "Per-question figures withheld:\n"
                f"only {group.respondents} respondent(s), fewer than the minimum group size.",
                transform=axes.transAxes,
                ha="center",
                va="center",
                fontsize=9,
                color=_INK,
            )
            return figure
        # A question few answered is withheld, as in every shared output.
        few = np.asarray([q.number in group.withheld_questions for q in inst.questions])
        means = np.where(few, np.nan, _floats(group.mean))
        sds = np.where(few, np.nan, _floats(group.sd))
        x = np.arange(len(means), dtype=np.float64)
        colours = [RUNG_COLOURS[q.rung] for q in inst.questions]
        bars = axes.bar(
            x, np.nan_to_num(means, nan=0.0), color=colours, edgecolor="white", linewidth=0.5
        )
        uncertain = set(group.dividing) - set(group.withheld_questions)
        for bar, question in zip(bars, inst.questions, strict=True):
            if question.number in uncertain:
                bar.set_hatch("//")
                bar.set_edgecolor(_INK)
        defined = ~np.isnan(means) & ~np.isnan(sds)
        entries: list[tuple[Any, str]] = [
            (Patch(color=RUNG_COLOURS[Rung.COLLABORATION]), "collaboration question"),
            (Patch(color=RUNG_COLOURS[Rung.PARTNERSHIP]), "partnership question"),
        ]
        if defined.any():
            axes.errorbar(
                x[defined],
                means[defined],
                yerr=sds[defined],
                fmt="none",
                ecolor=_INK,
                elinewidth=1.0,
                capsize=3,
                label="\u00b11 SD",
            )
            entries.append((Line2D([], [], color=_INK, linewidth=1.0), "\u00b11 SD"))
        for position in np.flatnonzero(np.isnan(means)):
            axes.text(
                float(x[position]),
                inst.scale.low,
                " withheld: few answers" if few[position] else " no answers",
                rotation=90,
                ha="center",
                va="bottom",
                fontsize=7,
                color=_INK,
            )
        entries.extend(_threshold_lines(axes, inst))
        if uncertain:
            entries.append(
                (Patch(facecolor="white", edgecolor=_INK, hatch="//"), "divided (low r_wg)")
            )
        axes.set_xticks(x, labels=_question_labels(inst))
        axes.set_xlabel("question")
        _score_axis(axes, inst, headroom=0.05)
        _legend(figure, axes, entries, own=ax is None)
    return figure


def heatmap(assessment: Assessment, *, wave: str | None = None, ax: Axes | None = None) -> Figure:
    """Plot every group's per-question means as a heat map, groups by questions.

    Parameters
    ----------
    assessment : Assessment
        The result of :func:`~jointworking.assess`.
    wave : str, optional
        Show the groups of this wave; by default each group in its latest wave.
    ax : matplotlib.axes.Axes, optional
        Draw on these axes; by default on a new figure. A colour bar is added beside it.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on (``ax``'s figure when `ax` is given).

    Raises
    ------
    ArgumentError
        If `assessment` is not an Assessment, or nobody answered in `wave`.

    Notes
    -----
    Rows are groups, labelled by subject, in the assessment's order; columns are
    questions, their labels coloured by the rung each evidences. The colour map diverges
    at the threshold at which a question is met (red below, blue above), so cells that
    meet it read at a glance. The chart shows the assessment's shared view
    (:meth:`~jointworking.Assessment.shared_view`): a small group's row is left blank and
    labelled "withheld". A question nobody in a group answered is blank too, and one
    fewer than the minimum group size answered is blank and marked "few".

    Examples
    --------
    >>> from jointworking import assess, load_example, plot
    >>> assessment = assess(load_example().responses)
    >>> fig = plot.heatmap(assessment, wave="2026-Q1")
    >>> type(fig).__name__
    'Figure'
    """
    result = _check_assessment(assessment).shared_view()
    chosen = _check_wave(result, wave)
    groups = _selected_groups(result, chosen)
    inst = result.instrument
    scale = inst.scale
    n_questions = len(inst.questions)
    data = np.full((len(groups), n_questions), np.nan)
    few = np.zeros((len(groups), n_questions), dtype=bool)
    labels: list[str] = []
    for row, group in enumerate(groups):
        _check_length(group.mean, inst, "assessment")
        if group.placement is None:
            labels.append(f"{_group_subject(group)} \u2014 withheld")
        else:
            labels.append(_group_subject(group))
            few[row] = [q.number in group.withheld_questions for q in inst.questions]
            data[row] = np.where(few[row], np.nan, _floats(group.mean))
    thresholds = sorted({inst.threshold(Rung.COLLABORATION), inst.threshold(Rung.PARTNERSHIP)})
    norm = _diverging_norm(inst, sum(thresholds) / len(thresholds))
    longest = max((len(label) for label in labels), default=10)
    with _plain_text():
        size = (max(6.4, 2.2 + 0.062 * longest + 0.48 * n_questions), 1.6 + 0.32 * len(groups))
        colour_axes: Axes | None = None
        if ax is None:
            # The colour bar gets a grid cell of its own: its width then does not depend
            # on the axes' (as a stolen one's does), so the layout renders the same twice.
            figure = Figure(figsize=size, layout="constrained")
            axes, colour_axes = figure.subplots(1, 2, width_ratios=[size[0] - 0.6, 0.15])
        else:
            figure, axes = _figure_axes(ax, size)
        mesh = axes.pcolormesh(
            np.ma.masked_invalid(data),
            cmap=mpl.colormaps["RdBu"].with_extremes(bad=_BAD),
            norm=norm,
            edgecolors="white",
            linewidth=0.8,
            shading="flat",
        )
        _cell_texts(axes, data, [g.placement is None for g in groups], norm, few)
        axes.set_xticks(np.arange(n_questions) + 0.5, labels=_question_labels(inst))
        for tick, question in zip(axes.get_xticklabels(), inst.questions, strict=True):
            tick.set_color(RUNG_COLOURS[question.rung])
        axes.set_yticks(np.arange(len(groups)) + 0.5, labels=labels, fontsize=8)
        axes.set_xlim(0, n_questions)
        axes.set_ylim(len(groups), 0)
        axes.tick_params(length=0)
        for side in axes.spines.values():
            side.set_visible(False)
        axes.set_xlabel("question (blue: collaboration, green: partnership)", fontsize=8)
        shown = f"wave {_label(chosen, 20)}" if chosen is not None else "latest wave of each group"
        axes.set_title(f"Mean score by question, {shown}", loc="left", fontsize=10)
        if colour_axes is None:
            bar = figure.colorbar(mesh, ax=axes, ticks=list(scale.values))
        else:
            bar = figure.colorbar(mesh, cax=colour_axes, ticks=list(scale.values))
        for value in thresholds:
            bar.ax.axhline(value, color="black", linewidth=1.5)
        met = ", ".join(f"{t:g}" for t in thresholds)
        bar.set_label(f"mean score (met at {met})", fontsize=8)
    return figure


def _diverging_norm(instrument: Instrument, centre: float) -> mcolors.Normalize:
    """Return a norm over the scale that diverges at `centre`, where it lies inside."""
    low, high = instrument.scale.low, instrument.scale.high
    if low < centre < high:
        return mcolors.TwoSlopeNorm(vcenter=centre, vmin=low, vmax=high)
    return mcolors.Normalize(vmin=low, vmax=high)


def _cell_texts(
    axes: Axes,
    data: FloatArray,
    withheld: Sequence[bool],
    norm: mcolors.Normalize,
    few: npt.NDArray[np.bool_],
) -> None:
    """Write each cell's figure, "few" in a withheld cell, "withheld" across a withheld row."""
    n_questions = data.shape[1]
    for row, hidden in enumerate(withheld):
        if hidden:
            axes.text(
                n_questions / 2,
                row + 0.5,
                "withheld: fewer than the minimum respondents",
                ha="center",
                va="center",
                fontsize=7,
                color=_INK,
                style="italic",
            )
            continue
        for column in range(n_questions):
            value = float(data[row, column])
            if few[row, column]:
                axes.text(
                    column + 0.5,
                    row + 0.5,
                    "few",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color=_INK,
                    style="italic",
                )
            if math.isnan(value):
                continue
            shade = float(norm(value))
            axes.text(
                column + 0.5,
                row + 0.5,
                f"{value:.1f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if shade < 0.15 or shade > 0.85 else "black",
            )


def ladder(assessment: Assessment, *, wave: str | None = None, ax: Axes | None = None) -> Figure:
    """Place every organisation and relationship on the ladder.

    Parameters
    ----------
    assessment : Assessment
        The result of :func:`~jointworking.assess`.
    wave : str, optional
        Show this wave; by default each organisation's and relationship's latest wave.
    ax : matplotlib.axes.Axes, optional
        Draw on these axes; by default on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on (``ax``'s figure when `ax` is given).

    Raises
    ------
    ArgumentError
        If `assessment` is not an Assessment, or nobody answered in `wave`.

    Notes
    -----
    The rungs are horizontal bands, transaction at the bottom (y = 0), collaboration
    (y = 1), partnership (y = 2). Each organisation's internal placement is a circle
    (hollow when uncertain) and each relationship's effective rung a square (hollow when
    uncertain), each in a column of its own labelled below the axes. Where a relationship
    is called a rung above its effective rung, a dashed arrow rises to a dashed square at
    the claimed rung, marked "claimed". The chart shows the assessment's shared view: a
    group too small to share, or a relationship whose every view is withheld, has a
    column labelled "withheld" and no marker.

    Examples
    --------
    >>> from jointworking import assess, load_example, plot
    >>> example = load_example()
    >>> assessment = assess(
    ...     example.responses, claims=example.claims, arrangements=example.arrangements
    ... )
    >>> fig = plot.ladder(assessment)
    >>> type(fig).__name__
    'Figure'
    """
    result = _check_assessment(assessment).shared_view()
    chosen = _check_wave(result, wave)
    inside = [g for g in _selected_groups(result, chosen) if g.about == INTERNAL]
    views = _selected_relationships(result, chosen)
    labels = [
        _label(g.organisation) + ("" if g.placement is not None else " (withheld)") for g in inside
    ] + [
        _relationship_name(v, sep=" & ", limit=28)
        + ("" if v.effective_rung is not None else " (withheld)")
        for v in views
    ]
    n = len(labels)
    longest = max((len(label) for label in labels), default=10)
    with _plain_text():
        figure, axes = _figure_axes(ax, (max(6.4, 2.0 + 0.75 * n), 3.6 + 0.045 * longest))
        for rung in Rung:
            axes.axhspan(
                rung - 0.5, rung + 0.5, color=RUNG_COLOURS[rung], alpha=0.12, linewidth=0, zorder=0
            )
        entries: list[tuple[Any, str]] = []
        placed = [
            (i, g.placement.rung, g.uncertain)
            for i, g in enumerate(inside)
            if g.placement is not None
        ]
        if placed:
            x = np.array([i for i, _, _ in placed], dtype=np.float64)
            y = np.array([int(rung) for _, rung, _ in placed], dtype=np.float64)
            edge = [RUNG_COLOURS[rung] if unsure else "black" for _, rung, unsure in placed]
            face = ["white" if unsure else RUNG_COLOURS[rung] for _, rung, unsure in placed]
            axes.scatter(
                x, y, s=90, marker="o", c=face, edgecolors=edge, linewidths=1.2, zorder=3,
                label="internal",
            )  # fmt: skip
            entries.append((_marker("o", _NEUTRAL), "organisation, inside"))
        effective = [
            (len(inside) + i, v.effective_rung, v.uncertain, v)
            for i, v in enumerate(views)
            if v.effective_rung is not None
        ]
        if effective:
            x = np.array([i for i, _, _, _ in effective], dtype=np.float64)
            y = np.array([int(rung) for _, rung, _, _ in effective], dtype=np.float64)
            edge = [RUNG_COLOURS[rung] if unsure else "black" for _, rung, unsure, _ in effective]
            face = ["white" if unsure else RUNG_COLOURS[rung] for _, rung, unsure, _ in effective]
            axes.scatter(
                x, y, s=90, marker="s", c=face, edgecolors=edge, linewidths=1.2, zorder=3,
                label="relationship",
            )  # fmt: skip
            entries.append((_marker("s", _NEUTRAL), "relationship, effective rung"))
            over = [
                (float(column), v)
                for column, rung, _, v in effective
                if v.claimed is not None and v.claimed > rung
            ]
            if over:
                _claims(axes, over)
                entries.append((_marker("s", "none", edge=_ACCENT), "claimed rung"))
        if any(unsure for _, _, unsure in placed) or any(u for _, _, u, _ in effective):
            entries.append(
                (
                    _marker("o", "white", edge=_INK),
                    f"uncertain: under {result.confidence:.0%} likely",
                )
            )
        if inside and views:
            axes.axvline(len(inside) - 0.5, color="#777777", linewidth=0.8, linestyle=":")
        axes.set_xticks(np.arange(n, dtype=np.float64), labels=labels, fontsize=8)
        for tick in axes.get_xticklabels():
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
        axes.set_xlim(-0.6, max(n, 1) - 0.4)
        axes.set_ylim(-0.5, 2.5)
        axes.set_yticks([int(r) for r in Rung], labels=[r.label for r in Rung])
        for tick, rung in zip(axes.get_yticklabels(), Rung, strict=True):
            tick.set_color(RUNG_COLOURS[rung])
            tick.set_fontweight("bold")
        axes.tick_params(length=0)
        shown = f"wave {_label(chosen, 20)}" if chosen is not None else "latest waves"
        axes.set_title(f"The joint working ladder, {shown}", loc="left", fontsize=10)
        _legend(figure, axes, entries, own=ax is None, where="upper", ncols=4)
    return figure


def _marker(shape: str, face: str, *, edge: str = "black") -> Line2D:
    return Line2D(
        [],
        [],
        marker=shape,
        linestyle="none",
        markersize=8,
        markerfacecolor=face,
        markeredgecolor=edge,
        markeredgewidth=1.2,
    )


def _claims(axes: Axes, over: Sequence[tuple[float, RelationshipView]]) -> None:
    """Mark the claimed rungs above the effective ones, with a dashed arrow."""
    x = np.array([column for column, _ in over], dtype=np.float64)
    y = np.array([int(v.claimed or 0) for _, v in over], dtype=np.float64)
    axes.scatter(
        x, y, s=90, marker="s", facecolors="none", edgecolors=_ACCENT, linewidths=1.2,
        linestyles="--", zorder=3, label="claimed",
    )  # fmt: skip
    for column, view in over:
        claimed = int(view.claimed or 0)
        axes.annotate(
            "",
            xy=(column, claimed),
            xytext=(column, int(view.effective_rung or 0)),
            arrowprops={
                "arrowstyle": "->",
                "color": _ACCENT,
                "linestyle": "--",
                "shrinkA": 7,
                "shrinkB": 7,
            },
            zorder=2,
        )
        axes.annotate(
            "claimed",
            xy=(column, claimed),
            xytext=(-7, 5),
            textcoords="offset points",
            ha="right",
            fontsize=7,
            color=_ACCENT,
        )


def gaps(
    relationship: RelationshipView,
    *,
    instrument: Instrument = MORLEY_2016,
    assessment: Assessment | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Plot each member's per-question means side by side, with the perception gaps.

    Parameters
    ----------
    relationship : RelationshipView
        The relationship, e.g. ``assessment.relationship("A", "B")``.
    instrument : Instrument, optional
        The instrument answered; :data:`~jointworking.MORLEY_2016` by default.
    assessment : Assessment, optional
        The assessment `relationship` comes from. When given, a member whose group is
        smaller than the minimum has its bars withheld, and so have the gaps, as in
        shared outputs; a :class:`~jointworking.RelationshipView` alone does not record
        group sizes, so pass it for any chart to be shared. (The questions some member
        answered too few, ``relationship.withheld_questions``, are withheld either way.)
    ax : matplotlib.axes.Axes, optional
        Draw on these axes; by default on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on (``ax``'s figure when `ax` is given).

    Raises
    ------
    ArgumentError
        If `relationship` is not a RelationshipView, `assessment` is given but not an
        Assessment, or the figures do not match `instrument`.

    Notes
    -----
    Grouped bars, one series per member that gave a view (in the order of
    ``relationship.views``), one group per question. Above a question whose gap between
    members (``relationship.gaps``) is at least one scale point, the gap is written
    ("gap 1.3"). Members who gave no view are named in a note and in the legend.
    A question some member's respondents answered too few
    (``relationship.withheld_questions``) has no bar for that member and no gap, and is
    named in a note.

    Examples
    --------
    >>> from jointworking import assess, load_example, plot
    >>> assessment = assess(load_example().responses)
    >>> view = assessment.relationship("Northfield District Council", "Westshire County Council")
    >>> fig = plot.gaps(view, assessment=assessment)
    >>> type(fig).__name__
    'Figure'
    """
    if not isinstance(relationship, RelationshipView):
        raise ArgumentError(
            f"relationship: expected a RelationshipView, got {type(relationship).__name__}"
        )
    inst = _check_instrument(instrument)
    _check_length(relationship.gaps, inst, "relationship")
    for placement in relationship.views.values():
        _check_length(placement.scores, inst, "relationship")
    withheld = (
        set() if assessment is None else _small_members(relationship, _check_assessment(assessment))
    )
    members = list(relationship.views)
    n_questions = len(inst.questions)
    # Questions some member's respondents answered too few: no gap, nor that member's bar.
    numbers = [q.number for q in inst.questions]
    few = np.asarray([n in relationship.withheld_gaps for n in numbers])
    x = np.arange(n_questions, dtype=np.float64)
    width = 0.8 / max(len(members), 1)
    with _plain_text():
        figure, axes = _figure_axes(
            ax, (min(12.0, max(7.0, 2.0 + 0.25 * n_questions * max(len(members), 1))), 4.6)
        )
        entries: list[tuple[Any, str]] = []
        tops = np.full(n_questions, -np.inf)
        for k, member in enumerate(members):
            colour = _MEMBER_COLOURS[k % len(_MEMBER_COLOURS)]
            name = _label(member)
            if member in withheld:
                entries.append(
                    (Patch(facecolor="white", edgecolor=colour, hatch="xx"), f"{name} (withheld)")
                )
                continue
            scores = _shared_scores(relationship, member, numbers)
            offset = (k - (len(members) - 1) / 2) * width
            axes.bar(
                x + offset,
                np.nan_to_num(scores, nan=0.0),
                width,
                color=colour,
                edgecolor="white",
                linewidth=0.4,
            )
            tops = np.fmax(tops, scores)
            entries.append((Patch(color=colour), name))
        for member in relationship.silent:
            entries.append(
                (Patch(facecolor="white", edgecolor="#999999"), f"{_label(member)} (no view)")
            )
        entries.extend(_threshold_lines(axes, inst))
        notes: list[str] = []
        if relationship.silent:
            notes.append("No view from " + ", ".join(_label(m) for m in relationship.silent))
        if withheld:
            notes.append("Figures withheld for fewer than the minimum respondents, and so are gaps")
        else:
            notes += _few_note(inst, few)
            span = inst.scale.high - inst.scale.low
            for i, gap in enumerate(relationship.gaps):
                if few[i] or math.isnan(gap) or gap < PERCEPTION_GAP_POINTS:
                    continue
                top = tops[i] if np.isfinite(tops[i]) else inst.scale.low
                axes.text(
                    float(x[i]),
                    _clear_of(float(top) + 0.03 * span, _thresholds(inst), 0.09 * span),
                    f"gap {gap:.1f}",
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    color=_ACCENT,
                    fontweight="bold",
                    zorder=5,
                    # A white ground: no line runs through the label.
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
                )
        if notes:
            axes.text(
                0.01,
                0.98,
                "\n".join(notes),
                transform=axes.transAxes,
                ha="left",
                va="top",
                fontsize=8,
                style="italic",
                color=_INK,
            )
        axes.set_xticks(x, labels=_question_labels(inst))
        axes.set_xlabel("question")
        _score_axis(axes, inst, headroom=0.3)
        wave = f", {_label(relationship.wave, 20)}" if relationship.wave else ""
        claimed = f", called {relationship.claimed}" if relationship.claimed is not None else ""
        axes.set_title(
            f"{_relationship_name(relationship)}{wave}\n"
            f"effective rung: {relationship.effective_rung or 'withheld'}{claimed}",
            loc="left",
            fontsize=10,
        )
        _legend(figure, axes, entries, own=ax is None)
    return figure


def _shared_scores(relationship: RelationshipView, member: str, numbers: list[int]) -> FloatArray:
    """Return a member's means, NaN where its respondents answered too few to share."""
    own = relationship.withheld_questions.get(member, ())
    return np.where([n in own for n in numbers], np.nan, _floats(relationship.views[member].scores))


def _few_note(instrument: Instrument, few: npt.NDArray[np.bool_]) -> list[str]:
    """Name the questions withheld as too few answered, if any."""
    labels = [q for q, hidden in zip(_question_labels(instrument), few, strict=True) if hidden]
    return [f"Withheld, answered by too few: {', '.join(labels)}"] if labels else []


def value_distribution(
    result: SimulatedAddedValue, *, title: str | None = None, ax: Axes | None = None
) -> Figure:
    """Plot the simulated distribution of the uplift over the sum of the parts.

    Parameters
    ----------
    result : SimulatedAddedValue
        The result of :func:`~jointworking.simulate_added_value` (or a relationship's
        ``value`` when it was simulated).
    title : str, optional
        The chart's title, e.g. the relationship's name (made safe and truncated).
    ax : matplotlib.axes.Axes, optional
        Draw on these axes; by default on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn on (``ax``'s figure when `ax` is given).

    Raises
    ------
    ArgumentError
        If `result` is not a SimulatedAddedValue (a point result from
        :func:`~jointworking.added_value` has no distribution to plot).

    Notes
    -----
    A histogram of every draw's uplift, in percent; a solid line at 0 (no increase), a
    dashed line at the threshold counted as significant, dotted lines at the 5th, 50th
    and 95th percentiles, and a box with P(significant), P(positive) and the verdict.

    Examples
    --------
    >>> from jointworking import Estimate, plot, simulate_added_value
    >>> result = simulate_added_value([400, 350], Estimate.pert(700, 900, 1000), seed=1)
    >>> fig = plot.value_distribution(result)
    >>> type(fig).__name__
    'Figure'
    """
    if not isinstance(result, SimulatedAddedValue):
        raise ArgumentError(
            "result: expected a SimulatedAddedValue (from simulate_added_value), got"
            f" {type(result).__name__}; a point result has no distribution to plot"
        )
    draws = np.asarray(result.uplift_draws, dtype=np.float64) * 100.0
    draws = draws[np.isfinite(draws)]
    threshold = result.threshold * 100.0
    with _plain_text():
        figure, axes = _figure_axes(ax, (7.0, 4.4))
        if draws.size:
            axes.hist(draws, bins=50, color="#9bbbd9", edgecolor="white", linewidth=0.3)
        entries: list[tuple[Any, str]] = []
        zero_label = "no increase (0%)"
        axes.axvline(0.0, color="black", linestyle="-", linewidth=1.4, label=zero_label)
        entries.append((Line2D([], [], color="black", linestyle="-", linewidth=1.4), zero_label))
        line_label = f"threshold ({threshold:g}%)"
        axes.axvline(threshold, color=_ACCENT, linestyle="--", linewidth=1.4, label=line_label)
        entries.append((Line2D([], [], color=_ACCENT, linestyle="--", linewidth=1.4), line_label))
        for name, value in (
            ("5th", result.uplift.p5),
            ("50th", result.uplift.p50),
            ("95th", result.uplift.p95),
        ):
            label = f"{name} percentile ({value * 100:.1f}%)"
            axes.axvline(value * 100.0, color="#555555", linestyle=":", linewidth=1.2, label=label)
            axes.text(
                value * 100.0,
                1.0,
                name,
                transform=axes.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=7,
                color="#555555",
            )
        entries.append(
            (Line2D([], [], color="#555555", linestyle=":"), "5th, 50th, 95th percentiles")
        )
        axes.text(
            0.02,
            0.96,
            f"P(significant) = {result.p_significant:.0%}\n"
            f"P(positive) = {result.p_positive:.0%}\n"
            f"verdict: {result.verdict} (at {result.confidence:.0%} confidence)",
            transform=axes.transAxes,
            ha="left",
            va="top",
            fontsize=8,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#bbbbbb", "alpha": 0.9},
        )
        axes.set_xlabel("uplift over the sum of the parts (%)")
        axes.set_ylabel("draws")
        heading = "Added value: simulated uplift" if title is None else _label(title, 60)
        axes.set_title(f"{heading}\n{result.draws:,} draws", loc="left", fontsize=10, pad=14)
        _legend(figure, axes, entries, own=ax is None)
    return figure


def to_svg(figure: Figure) -> str:
    """Render a figure as SVG text, ready to inline in HTML.

    Parameters
    ----------
    figure : matplotlib.figure.Figure

    Returns
    -------
    str
        The ``<svg>`` element, without XML declaration, DOCTYPE or comments. Text is
        drawn as paths (``svg.fonttype = "path"``), so no label, and no organisation's
        name, reaches the SVG as markup; no date is written and element ids are salted
        with a fixed string, so the same figure renders to the same text every time.

    Raises
    ------
    ArgumentError
        If `figure` is not a matplotlib Figure.

    Notes
    -----
    The rendering settings are applied with :func:`matplotlib.rc_context`, which changes
    matplotlib's global settings for the duration; renders by this function are
    serialised by a lock.

    Examples
    --------
    >>> from jointworking import assess, load_example, plot
    >>> fig = plot.ladder(assess(load_example().responses))
    >>> svg = plot.to_svg(fig)
    >>> svg.startswith("<svg"), "<text" in svg, svg == plot.to_svg(fig)
    (True, False, True)
    """
    if not isinstance(figure, Figure):
        raise ArgumentError(f"figure: expected a matplotlib Figure, got {type(figure).__name__}")
    buffer = io.BytesIO()
    # A layout engine moves the axes a little on every draw (its result depends on where
    # they were): start every render from the same places, and leave them there.
    saved = [
        (axes, axes.get_position(original=True), axes.get_position(), axes.get_in_layout())
        for axes in figure.findobj(Axes)
    ]
    try:
        with (
            _SVG_LOCK,
            mpl.rc_context(
                {"svg.fonttype": "path", "svg.hashsalt": "jointworking", "text.usetex": False}
            ),
        ):
            figure.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        for axes, original, active, in_layout in saved:
            axes.set_position(original, which="original")
            axes.set_position(active, which="active")
            axes.set_in_layout(in_layout)
    text = buffer.getvalue().decode("utf-8")
    text = _SVG_COMMENT.sub("", text)
    return _SVG_PROLOGUE.sub("", text, count=1)
