"""Shared fixtures."""

from pathlib import Path

import pytest

import lib03  # noqa: F401 — before any test imports openpyxl: see lib03/__init__.py


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    from builders import write_registry

    raw = tmp_path / "raw"
    (raw / "2014-H1").mkdir(parents=True)
    write_registry(raw / "danh_muc_don_vi.xlsx")
    return raw
