"""An installed package works in a working folder of the analyst's own: a wheel is built,
installed (not editable) into a fresh virtual environment, and `lib03 init --demo` then
`lib03 report` run in a temporary folder far from this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from lib03.config import PROJECT_ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="venv layout of POSIX")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The python of a new environment holding the wheel; the heavy dependencies (pandas,
    Jupyter) are lent from this environment, so no network is needed."""
    tmp = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps",
         "--wheel-dir", str(tmp / "dist"), str(PROJECT_ROOT)],
        capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next((tmp / "dist").glob("lib03-*.whl"))
    env_dir = tmp / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True).stdout.strip()
    (Path(site) / "lent.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # Jupyter's data files (nbconvert's templates) live beside an environment, not in it.
    (env_dir / "share").mkdir(exist_ok=True)
    (env_dir / "share" / "jupyter").symlink_to(Path(sys.prefix) / "share" / "jupyter")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", str(wheel)], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-2000:]
    return python


def _run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    return subprocess.run([str(python), "-m", "lib03", *args], capture_output=True, text=True,
                          cwd=cwd, env={**env, "CI": "true"}, timeout=900)


def test_an_installed_wheel_reports_in_a_working_folder_of_its_own(installed, tmp_path):
    where = subprocess.run([str(installed), "-c", "import lib03; print(lib03.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path).stdout
    assert "site-packages" in where and str(PROJECT_ROOT) not in where
    home = tmp_path / "CT03 huyện Mẫu"
    done = _run(installed, "init", str(home), "--demo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (home / "data" / "raw" / "danh_muc_don_vi.xlsx").is_file()
    assert len(list((home / "notebooks").glob("0*.ipynb"))) == 4
    assert {"HUONG_DAN.txt", "lib03.cmd", "lib03.sh", "settings.toml"} <= {
        p.name for p in home.iterdir()}
    done = _run(installed, "report", cwd=home)
    assert done.returncode == 0, done.stderr[-3000:]
    report = home / "reports" / "2014-H2"
    assert (report / "index.html").is_file() and (report / "bang_tong_hop.xlsx").is_file()
    assert len(list((report / "charts").glob("*"))) == 20  # with the trend: three periods
    assert "2014-H2" in (report / "index.html").read_text(encoding="utf-8")
