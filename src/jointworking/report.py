"""Reports to hand round the table: the results of an assessment in Markdown or HTML.

The article ends: "The results then need to be shared." :func:`markdown` and :func:`html`
lay an :class:`~jointworking.Assessment` out for the people who have to act on it, in
the same nine sections in both formats:

1. **Summary**: how many organisations, responses, groups and relationships; the latest
   wave; the most consequential findings.
2. **Where each organisation stands internally**: rung, index, and what blocks the next
   rung.
3. **The relationship network**: every organisation and every relationship at a glance,
   each relationship by its effective rung, its label where the evidence does not bear
   it out, and who gave no view; a chart in HTML and a table in both formats.
4. **Relationships**: each member's view side by side, per-question means and gaps.
5. **Findings**, in order of consequence, each with what to do next.
6. **Action plan**: for each organisation and relationship, in the order of the
   findings, the next rung and the few questions to work on first, as actions
   (:func:`jointworking.export.action_plan_rows` gives the same rows for a tracker).
7. **Added value**: the verdict of the added-value test, where values were given.
8. **Progress between waves**.
9. **Method notes**: the instrument, the scale, the rules and the policy choices.

Findings come in one order everywhere (the summary, the findings section, the action
plan, the JSON and the CSV): by consequence for the reader, as
``Assessment.findings`` holds them. A label the
evidence does not bear out comes first, then an effective rung capped by a member's
internal rung, insufficient added value, a rung jump, one-sided relationships,
perception gaps, and last the notes on agreement and on the data.

Reports are shared outputs: every figure in them comes from the assessment's shared
view (:meth:`Assessment.shared_view <jointworking.Assessment.shared_view>`), so nothing
computed from the answers of a group smaller than the minimum group size is shown (its
size is), and a question fewer people than that answered in a group counts as unanswered.
Names (organisations, units, arrangements, waves) and finding messages are untrusted text:
they are escaped so that a name cannot inject markup, and the HTML loads nothing from the
network and runs no script.

The HTML report prints on A4 portrait with every column: its print stylesheet wraps
table headers and repeats them on each page, keeps charts and table rows whole, starts
the major sections on a new page and puts the report's title, date and page number in
the page margins. Its "Print or save as PDF" link is a plain link to a note on how to
print: a link cannot start printing without a script, and the report runs none.

A report of a very large survey keeps every table and every sentence, and draws only
what a reader can read: the network chart for up to 40 organisations, the ladder and the
heat map for up to 60 groups, and at most 60 charts a page. A chart left out is said to
be, with its message in words in its place.
"""

from __future__ import annotations

import datetime
from typing import Final

from jointworking import _display as d
from jointworking import _render_html, _render_markdown
from jointworking._sections import TITLE, document
from jointworking.assessment import Assessment

__all__ = ["CSP", "html", "markdown"]

CSP: Final = _render_html.CSP
"""The Content-Security-Policy of every HTML report: no script, nothing from the network."""


def markdown(assessment: Assessment, *, title: str = TITLE, description: str | None = None) -> str:
    """Return the report as Markdown (GitHub-flavoured tables).

    Parameters
    ----------
    assessment : Assessment
        The results of :func:`~jointworking.assess`.
    title : str, optional
        The report's title, its first line.
    description : str, optional
        A paragraph at the start of the summary, e.g. ``Example.description``.

    Returns
    -------
    str
        Nine sections: summary, where each organisation stands internally, the
        relationship network, relationships, findings, action plan, added value,
        progress between waves and method notes. Small groups' figures are withheld;
        names are escaped only where they would otherwise render as something else, so
        the raw text reads well and no name becomes a link, markup or a block.

    Examples
    --------
    >>> from jointworking import assess, load_example
    >>> example = load_example()
    >>> result = assess(example.responses, arrangements=example.arrangements)
    >>> text = markdown(result)
    >>> text.splitlines()[0]
    '# Joint working self-assessment'
    >>> [line for line in text.splitlines() if line.startswith("## ")]
    ['## Summary', '## Where each organisation stands internally',
     '## The relationship network', '## Relationships', '## Findings', '## Action plan',
     '## Added value', '## Progress between waves', '## Method notes']
    """
    sections = document(assessment, description)
    return _render_markdown.render(sections, d.finding_names(assessment), title)


def html(
    assessment: Assessment,
    *,
    title: str = TITLE,
    description: str | None = None,
    charts: bool = True,
    date: datetime.date | None = None,
) -> str:
    r"""Return the report as one self-contained HTML5 file.

    Parameters
    ----------
    assessment : Assessment
        The results of :func:`~jointworking.assess`.
    title : str, optional
        The report's title.
    description : str, optional
        A paragraph at the start of the summary, e.g. ``Example.description``.
    charts : bool, optional
        Draw charts as inline SVG (True by default): the relationship network, and with
        :mod:`jointworking.plot` the ladder, heat map, gaps and added value. Without
        matplotlib the report says that ``pip install "jointworking[plot]"`` adds them.
    date : datetime.date, optional
        The date the report names as made on (today by default), under its title and
        in the margins of each printed page.

    Returns
    -------
    str
        The same nine sections as :func:`markdown`, with inline CSS for screens and for
        A4 paper and a legend of the rungs' colours. Every chart has a text
        alternative that states its message in words, and ids unique on the page.
        Nothing is loaded from the network: no external script, stylesheet, font or
        image, and a Content-Security-Policy (:data:`CSP`) forbids any script. Every
        name is escaped and isolated in ``<bdi>``; small groups' figures are withheld.

    Examples
    --------
    >>> import datetime
    >>> from jointworking import assess, load_example
    >>> example = load_example()
    >>> result = assess(example.responses, arrangements=example.arrangements)
    >>> page = html(result, charts=False, date=datetime.date(2026, 12, 6))
    >>> page.startswith("<!DOCTYPE html>"), CSP in page, "<script" in page
    (True, True, False)
    >>> 'Made on <time datetime="2026-12-06">6 December 2026</time>' in page
    True
    """
    if date is not None and not isinstance(date, datetime.date):
        raise TypeError(f"date: expected a datetime.date or None, got {type(date).__name__}")
    sections = document(assessment, description)
    from jointworking import __version__  # noqa: PLC0415 - the package imports this module's peers

    return _render_html.render(
        sections,
        d.finding_names(assessment),
        title=title,
        charts=charts,
        plot=_render_html.plot_module() if charts else None,
        date=datetime.date.today() if date is None else date,
        version=__version__,
    )
