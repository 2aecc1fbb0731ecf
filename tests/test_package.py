from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import attrs
import pytest

import jointworking as jw
from jointworking import assessment, io


class TestPublicSurface:
    def test_all_names_exist(self) -> None:
        """Every name in __all__ is importable from the package, and __all__ is sorted."""
        for name in jw.__all__:
            assert hasattr(jw, name), name
        assert len(set(jw.__all__)) == len(jw.__all__)

    def test_typed(self) -> None:
        """The package ships py.typed for type checkers."""
        assert (Path(jw.__file__).parent / "py.typed").is_file()

    def test_errors(self) -> None:
        """Argument and instrument errors are JointWorkingErrors and ValueErrors."""
        for error in (jw.ArgumentError, jw.InstrumentError):
            assert issubclass(error, jw.JointWorkingError)
            assert issubclass(error, ValueError)

    def test_results_are_frozen(self) -> None:
        """Result objects cannot be changed after the fact."""
        placement = jw.classify([3] * 10)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            placement.rung = jw.Rung.TRANSACTION  # type: ignore[misc]

    def test_import_is_light(self) -> None:
        """Importing the package loads no dependency and no model: they load on first use."""
        code = (
            "import sys, jointworking;"
            "heavy = {'hypothesis', 'pandas', 'matplotlib', 'scipy', 'tomllib', 'numpy',"
            " 'attrs', 'jointworking.io', 'jointworking.assessment',"
            " 'jointworking.instrument', 'jointworking.value'} & set(sys.modules);"
            "print(sorted(heavy))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert result.stdout.strip() == "[]"

    def test_lazy_names_resolve(self) -> None:
        """Names loaded on first use are the objects of their modules."""
        assert jw.assess is assessment.assess
        assert jw.read_responses is io.read_responses
        assert set(jw.__all__) <= set(dir(jw))
