"""Sphinx configuration for the jointworking documentation.

Build it offline, with warnings as errors and nitpicky references, from the repository
root::

    sphinx-build -W -n -b html docs docs/_build/html
    sphinx-build -W -n -b doctest docs docs/_build/doctest

Nothing here fetches anything at build time: there is no intersphinx, so references to
other projects' objects (numpy, matplotlib, pandas, the standard library) cannot be
resolved and are listed in ``nitpick_ignore`` and ``nitpick_ignore_regex`` below, each
with the reason. Every reference to this project's own objects must resolve.
"""

from __future__ import annotations

import doctest
import sys
from pathlib import Path
from typing import Any

import attrs
from numpydoc.xref import DEFAULT_LINKS
from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer

ROOT = Path(__file__).resolve().parent.parent
# Document the source tree even when the package is not installed (it normally is: the
# doctest builder imports it, and ``pip install -e '.[docs]'`` is the documented set-up).
sys.path.insert(0, str(ROOT / "src"))

import jointworking  # noqa: E402 - after the path is set

# -- Project ------------------------------------------------------------------------------

project = "jointworking"
author = "The jointworking developers"
copyright = "the jointworking developers"
release = jointworking.__version__
version = release

# -- General ------------------------------------------------------------------------------

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
# Warnings are errors in CI (``-W``), so every reference must resolve (``-n``).
nitpicky = True
# Objects are named without their module: ``classify(...)``, not ``jointworking.classify(...)``.
add_module_names = False
toc_object_entries_show_parents = "hide"

# -- MyST ---------------------------------------------------------------------------------

myst_enable_extensions = [
    "colon_fence",  # ::: fences for admonitions
    "deflist",
    "dollarmath",  # $...$ and $$...$$ maths, rendered by MathJax
    "amsmath",
]
# Headings get anchors, so pages can link to sections: [text](concepts/ladder.md#gating).
myst_heading_anchors = 3

# -- Autodoc and numpydoc -----------------------------------------------------------------

autodoc_default_options = {"members": True, "member-order": "bysource"}
# Signatures show names and defaults (``classify(answers, instrument=MORLEY_2016)``); the
# types are in each docstring's Parameters and Returns sections, written for people
# ("array_like, shape (n_respondents,)"). The package ships its annotations (py.typed)
# for type checkers and editors.
autodoc_typehints = "none"
autodoc_class_signature = "mixed"
autodoc_preserve_defaults = True

# numpydoc renders the Parameters, Returns, Raises, Attributes, Notes, References and
# Examples sections. Class members are documented by autodoc, not listed again.
numpydoc_show_class_members = False
numpydoc_attributes_as_param_list = True
# Link the types named in Parameters and Returns sections, but only the project's own
# names (the aliases below): "mapping of str to Rung" links Rung and leaves the prose.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"
_OWN_CLASSES = {
    name: f"jointworking.{name}"
    for name in jointworking.__all__
    if isinstance(getattr(jointworking, name), type)
}
# numpydoc's built-in aliases (``DEFAULT_LINKS``) point into the Python and numpy
# inventories through intersphinx, which this offline build does not use. Mapped to
# themselves, numpydoc (with xref_ignore "all") renders them as plain text, like the words
# it does not know ("array_like", "optional", "mapping of str to ...").
numpydoc_xref_aliases = {**{word: word for word in DEFAULT_LINKS}, **_OWN_CLASSES}

# -- Doctest ------------------------------------------------------------------------------

# The same option flags as pytest's --doctest-modules run (pyproject.toml).
doctest_default_flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# Names every example may use without importing them:
#
# - ``DOCS``, the documentation's folder, for examples that read the files shown on their
#   page (``DOCS / "getting-started" / "survey.csv"``);
# - ``module_namespace``: the API pages run each docstring's examples in the namespace of
#   the module that defines it, as pytest's --doctest-modules does, with a hidden
#   ``.. testsetup:: *`` that calls
#   ``globals().update(module_namespace("jointworking.ladder"))``.
doctest_global_setup = (
    "import importlib as _importlib\n"
    "import pathlib as _pathlib\n"
    f"DOCS = _pathlib.Path({str(Path(__file__).resolve().parent)!r})\n"
    """

def module_namespace(*names):
    namespace = {}
    for name in names:
        module = _importlib.import_module(name)
        namespace.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
    return namespace
"""
)
# Test the doctest blocks that autodoc brings in from docstrings, and the {doctest} blocks
# of the Markdown pages.
doctest_test_doctest_blocks = "default"

# -- Maths --------------------------------------------------------------------------------

# Formulas are rendered by MathJax 3 in the reader's browser, from a copy inside the built
# documentation, never from a CDN: the pages read the same offline (as on many council
# networks). The copy is MathJax's single-file "tex-svg-full" component (SVG output, every
# TeX extension built in, so nothing is loaded on demand), which the docs extra installs
# with the ``django-static-mathjax`` package (MathJax's own files, Apache-2.0; it needs
# no Django). ``mathjax_path`` is relative to ``_static``.
MATHJAX = "tex-svg-full.js"
mathjax_path = f"mathjax/{MATHJAX}"

# -- HTML ---------------------------------------------------------------------------------

html_theme = "furo"
html_title = f"jointworking {release}"
# The MathJax copy is put in ``docs/_generated/static`` at each build (see _copy_mathjax).
STATIC = Path(__file__).resolve().parent / "_generated" / "static"
STATIC.mkdir(parents=True, exist_ok=True)
html_static_path: list[str] = [str(STATIC)]
html_theme_options = {"navigation_with_keys": True}
html_show_sourcelink = False

# -- References that cannot be resolved offline -------------------------------------------

# Without intersphinx, Sphinx cannot resolve objects documented by other projects. The
# entries below are genuinely external, each named where a docstring or page refers to
# it; the project's own names are never listed here. Types in signatures are not shown
# (``autodoc_typehints = "none"``) and numpydoc links only the project's own classes, so
# words such as "array_like", "optional" or "ndarray" in Parameters sections are plain
# text and need no entry.
nitpick_ignore = [
    # The standard library (https://docs.python.org/3/).
    ("py:class", "enum.IntEnum"),  # the base of Rung and Verdict
    ("py:func", "csv.field_size_limit"),  # read_responses' Notes
    # numpy (https://numpy.org/doc/stable/).
    ("py:func", "numpy.random.default_rng"),  # simulate_added_value's seed
    # matplotlib (https://matplotlib.org/stable/): what jointworking.plot draws on.
    ("py:class", "matplotlib.figure.Figure"),
    ("py:class", "matplotlib.axes.Axes"),
    ("py:func", "matplotlib.rc_context"),
]
nitpick_ignore_regex = [
    # Standard-library abstract types in the "alias of ..." line of the type aliases
    # (GroupValues is a Mapping[Hashable, float]).
    ("py:class", r"collections\.abc\.\w+"),
]
# Known broken references in docstrings of modules the documentation does not own, each
# waiting for a one-line docstring fix (listed in the hand-over to the lead engineer).
# Delete each entry once its fix has landed: these are the project's own names.


# -- Constants re-exported by the package --------------------------------------------------


def _constant_docstring(  # noqa: PLR0917 - the signature of Sphinx's event
    app: Sphinx, what: str, name: str, obj: object, options: Any, lines: list[str]
) -> None:
    """Give a constant documented as ``jointworking.NAME`` the docstring it has at home.

    A constant's docstring is the string literal after its assignment, in the module that
    defines it (``MORLEY_2016`` in ``jointworking.instrument``). Documented under the
    package, where ``__init__`` merely imports it, autodoc would find no such string and
    fall back to the docstring of the value's class (``Instrument``'s for ``MORLEY_2016``).
    """
    if what != "data" or name.count(".") != 1 or not name.startswith("jointworking."):
        return
    short = name.rsplit(".", 1)[1]
    for module_name, module in sorted(sys.modules.items()):
        if not module_name.startswith("jointworking.") or getattr(module, short, None) is not obj:
            continue
        docs = ModuleAnalyzer.for_module(module_name).find_attr_docs()
        if ("", short) in docs:
            lines[:] = list(docs[("", short)])
            return


# -- Signatures of attrs classes ----------------------------------------------------------


def _default_text(cls: type, default: object) -> str:
    """Show a default as its repr when short, else by the constant's name, else ``...``."""
    text = repr(default)
    if len(text) <= 30:
        return text
    module = sys.modules[cls.__module__]
    for name, value in vars(module).items():
        if name.isupper() and value is default:
            return name
    return "..."


def _attrs_signature(  # noqa: PLR0917 - the signature of Sphinx's event
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: Any,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    """Write an attrs class's signature from its fields.

    attrs generates ``__init__``, so its source shows defaults as
    ``attr_dict['scale'].default``; the fields give ``scale=DEFAULT_SCALE``.
    """
    if what not in ("class", "exception") or not isinstance(obj, type) or not attrs.has(obj):
        return None
    parameters: list[str] = []
    for field in attrs.fields(obj):
        if not field.init:
            continue
        if field.kw_only and "*" not in parameters:
            parameters.append("*")
        if field.default is attrs.NOTHING:
            parameters.append(field.alias)
        else:
            parameters.append(f"{field.alias}={_default_text(obj, field.default)}")
    return f"({', '.join(parameters)})", return_annotation


# -- Charts shown in the guides -------------------------------------------------------------

GENERATED = Path(__file__).resolve().parent / "_generated"


def _draw_charts(app: Sphinx) -> None:
    """Draw the charts the notebook guide shows, from the packaged fictional example.

    They are drawn at every build, by the code the guide documents, so that the pictures
    cannot drift from what the library draws. They go to ``docs/_generated`` (ignored by
    git). Nothing is fetched: matplotlib renders locally.
    """
    from jointworking import assess, load_example, plot  # noqa: PLC0415 - needs matplotlib

    example = load_example()
    result = assess(
        example.responses,
        claims=example.claims,
        targets=example.targets,
        values=example.values,
        arrangements=example.arrangements,
    )
    alliance = result.relationship("Northfield Health and Housing Alliance")
    charts = {
        "ladder": plot.ladder(result),
        "heatmap": plot.heatmap(result),
        "profile": plot.profile(result.group("Westshire County Council")),
        "gaps": plot.gaps(
            result.relationship("Northfield District Council", "Westshire County Council"),
            assessment=result,
        ),
        "value": plot.value_distribution(alliance.value, title=alliance.subject),
    }
    GENERATED.mkdir(exist_ok=True)
    for name, figure in charts.items():
        # No date or software version in the file, so a rebuild writes the same bytes.
        figure.savefig(GENERATED / f"{name}.png", dpi=96, metadata={"Software": None})


def _copy_mathjax(app: Sphinx) -> None:
    """Copy MathJax into the static files, so that formulas render offline."""
    from importlib.resources import files  # noqa: PLC0415 - only when building

    try:
        source = files("mathjax") / "static" / "mathjax" / "es5" / MATHJAX
    except ModuleNotFoundError:
        source = None
    if source is None or not source.is_file():
        raise RuntimeError(
            "MathJax for the offline documentation is missing: pip install -e '.[docs]'"
            " (it installs django-static-mathjax, MathJax's own files)"
        )
    target = STATIC / "mathjax" / MATHJAX
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the project's small extensions."""
    app.connect("builder-inited", _copy_mathjax)
    app.connect("builder-inited", _draw_charts)
    app.connect("autodoc-process-docstring", _constant_docstring)
    app.connect("autodoc-process-signature", _attrs_signature)
    return {"parallel_read_safe": True}
