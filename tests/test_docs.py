"""Tests of the documentation's sources in docs/, without building it.

The build itself (``sphinx-build -W -n`` for HTML and for the doctests) runs in CI; these
tests catch, in the ordinary test run, what the build cannot: a public name left out of
the API reference, a question's wording drifting from the instrument, a traceability row
naming a test that no longer exists.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import pytest

import jointworking as jw

DOCS = Path(__file__).resolve().parent.parent / "docs"
ROOT = DOCS.parent
# Documented on the command line's own page, not as an API: its only name is ``main``.
NOT_API = {"jointworking.cli"}

_DIRECTIVE = re.compile(r"^\s*\.\. (?P<kind>[a-z:-]+):: *(?P<target>\S+)\s*$")


def _public_modules() -> list[ModuleType]:
    names = [
        f"jointworking.{info.name}"
        for info in pkgutil.iter_modules(jw.__path__)
        if not info.name.startswith("_")
    ]
    return [jw, *(importlib.import_module(n) for n in sorted(names) if n not in NOT_API)]


def _reference_sources() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted((DOCS / "reference").iterdir())]


def _documented() -> tuple[set[str], set[str]]:
    """Return the objects and the modules that autodoc directives document."""
    objects: set[str] = set()
    modules: set[str] = set()
    for text in _reference_sources():
        current = "jointworking"
        lines = text.splitlines()
        for i, line in enumerate(lines):
            match = _DIRECTIVE.match(line)
            if match is None:
                continue
            kind, target = match["kind"], match["target"]
            if kind in ("currentmodule", "py:currentmodule", "module", "py:module"):
                current = target
            elif kind == "automodule":
                current = target
                modules.add(target)
                options = []
                for option in lines[i + 1 :]:
                    if not option.strip().startswith(":"):
                        break
                    options.append(option.strip())
                if ":no-members:" not in options:
                    objects.update(
                        f"{target}.{name}" for name in importlib.import_module(target).__all__
                    )
            elif kind.startswith("auto"):
                objects.add(target if target.startswith("jointworking.") else f"{current}.{target}")
    return objects, modules


@pytest.mark.parametrize("module", _public_modules(), ids=lambda m: m.__name__)
def test_every_public_name_is_in_the_api_reference(module: ModuleType) -> None:
    objects, modules = _documented()
    missing = []
    for name in module.__all__:
        value = getattr(module, name)
        if isinstance(value, ModuleType):
            if value.__name__ not in modules:
                missing.append(name)
        elif f"{module.__name__}.{name}" in objects:
            continue
        elif getattr(jw, name, None) is value and f"jointworking.{name}" in objects:
            continue  # re-exported by the package and documented there
        elif f"{getattr(value, '__module__', '')}.{name}" in objects:
            continue  # re-exported by the package, documented in its own module
        else:
            missing.append(name)
    assert not missing, f"{module.__name__}: not in docs/reference: {missing}"


def test_the_questions_page_quotes_every_question_verbatim() -> None:
    page = (DOCS / "concepts" / "questions.md").read_text(encoding="utf-8")
    for question in jw.MORLEY_2016.questions:
        assert f"> {question.text}\n" in page, f"question {question.number}"
        assert f"`{question.key}`" in page, f"question {question.number}'s key"


def _traced_tests() -> list[str]:
    rules = (DOCS / "rules.md").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"`(tests/[^`]+)`", rules)))


def test_traceability_covers_every_rule() -> None:
    rules = (DOCS / "rules.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (R\d+) ", rules, flags=re.MULTILINE)
    assert rows == [f"R{i}" for i in range(1, 12)]


@pytest.mark.parametrize("reference", _traced_tests())
def test_traced_tests_exist(reference: str) -> None:
    path, *names = reference.split("::")
    file = ROOT / path
    assert file.is_file(), f"{path} does not exist"
    if not names:
        return
    scope: list[ast.stmt] = ast.parse(file.read_text(encoding="utf-8")).body
    for name in names:
        found = [
            node
            for node in scope
            if isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == name
        ]
        assert found, f"{reference}: no {name!r} in {path}"
        scope = found[0].body


def test_the_build_is_offline_and_strict() -> None:
    conf = ast.parse((DOCS / "conf.py").read_text(encoding="utf-8"))
    settings = {
        target.id: node.value
        for node in conf.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    extensions = ast.literal_eval(settings["extensions"])
    assert "sphinx.ext.intersphinx" not in extensions  # nothing may be fetched
    assert {"myst_parser", "numpydoc", "sphinx.ext.autodoc", "sphinx.ext.doctest"} <= set(
        extensions
    )
    assert "sphinx.ext.mathjax" in extensions
    assert ast.literal_eval(settings["nitpicky"]) is True
    assert ast.literal_eval(settings["html_theme"]) == "furo"


def test_the_changelog_is_included() -> None:
    page = (DOCS / "changelog.md").read_text(encoding="utf-8")
    assert "{include} ../CHANGELOG.md" in page
