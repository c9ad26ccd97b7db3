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


@pytest.fixture(scope="session")
def sample_processed(tmp_path_factory) -> Path:
    """The sample district cleaned once for the whole session (read it, never write to it)."""
    from lib03.config import RAW_DIR
    from lib03.ingest.pipeline import run_clean

    out = tmp_path_factory.mktemp("sample_processed")
    run_clean(RAW_DIR, out, progress=False)
    return out


@pytest.fixture(scope="session")
def sample_tables(sample_processed):
    """The cleaned sample as the report reads it (shared: never change a frame in place)."""
    from lib03.report import metrics

    return metrics.load_tables(sample_processed)


@pytest.fixture(scope="session")
def sample_facts(sample_tables):
    """The figures of the sample's planted half-year, 2014-H1, with the default settings."""
    from lib03.config import load_settings
    from lib03.report.facts import PeriodFacts

    return PeriodFacts.build(sample_tables, "2014-H1", load_settings())
