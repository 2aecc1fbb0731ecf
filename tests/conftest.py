"""Shared test configuration: hypothesis profiles, and the readers each reader test runs with."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# Shared machines are noisy, so no per-example deadline; CI runs are derandomised so that a
# failure there can be reproduced exactly.
settings.register_profile("default", deadline=None)
settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


# --------------------------------------------------------------------------- reader paths
#
# A wide CSV file is read by the fastest reader that can read it exactly (pyarrow's, then
# the standard library's column by column) and otherwise by the exact reader, row by row.
# Test modules that read files mark themselves with ``pytestmark =
# pytest.mark.usefixtures("reader_path")`` and so run once per reader: every reader must
# give the same responses and raise the same errors for every file.

READER_PATHS = ("exact", "python", "arrow")


@pytest.fixture(params=READER_PATHS)
def reader_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Read files with one reader only (pyarrow's from the first byte), then the exact one."""
    from jointworking._readers import _route  # noqa: PLC0415 - the tests' own switch

    path = str(request.param)
    if path == "arrow":
        pytest.importorskip("pyarrow", reason="the fast extra (pyarrow) is not installed")
    monkeypatch.setitem(_route.READERS, "arrow", path == "arrow")
    monkeypatch.setitem(_route.READERS, "python", path == "python")
    monkeypatch.setattr(_route, "ARROW_FROM", 0)
    return path
