"""Shared fixtures."""

from pathlib import Path

import pytest
from builders import write_registry


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    (raw / "2014-H1").mkdir(parents=True)
    write_registry(raw / "danh_muc_don_vi.xlsx")
    return raw
