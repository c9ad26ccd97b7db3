"""`lib03 init`: an analyst's working folder, ready for the period's files.

The folder gets data/raw/ (where the units' files go), data/processed/, reports/, a copy of
the notebooks and of settings.toml (the district's name, the deadlines: theirs to edit), a
short HUONG_DAN.txt, and a launcher to double-click on Windows (lib03.cmd) or to run on
Linux and macOS (lib03.sh). Nothing that exists is overwritten: running init twice is safe.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

from lib03.config import DRAFT_TEMPLATE, DRAFT_TEMPLATE_IN_HOME, NOTEBOOKS_DIR, SETTINGS_FILE, Home
from lib03.contract import write_atomic

GUIDE = """\
THƯ MỤC LÀM VIỆC lib03 — tổng hợp báo cáo thực hiện Chỉ thị 03-CT/TW

1. Chép các tệp báo cáo của các đơn vị vào data\\raw\\<kỳ>\\, ví dụ data\\raw\\2014-H1\\
   (H1 = 6 tháng đầu năm, H2 = 6 tháng cuối năm). Nhận tệp Excel (.xlsx, .xls), LibreOffice
   (.ods), Word (.docx) và tệp nén .zip tải từ thư điện tử. Danh mục đơn vị đặt ở
   data\\raw\\danh_muc_don_vi.xlsx.
2. Bấm đúp vào lib03.cmd (Windows) hoặc chạy ./lib03.sh (Linux, macOS). Chương trình làm sạch
   số liệu, viết báo cáo vào reports\\<kỳ>\\ rồi mở index.html.
3. Xem phần "Cần xem ngay" trên màn hình và trong báo cáo; chi tiết từng tệp, từng ô nằm ở
   data\\processed\\quality_log.csv (mở bằng Excel).

Tên huyện, hạn nộp và các ngưỡng: sửa trong settings.toml của thư mục này.
Thư mục data\\raw\\ không bao giờ bị chương trình sửa.
"""


def _windows_launcher(python: str) -> str:
    return "\r\n".join([
        "@echo off",
        "rem lib03: bấm đúp để làm sạch số liệu và viết báo cáo.",
        "chcp 65001 >nul",
        "setlocal",
        'cd /d "%~dp0"',
        f'"{python}" -m lib03 --home "%~dp0." report --open %*',
        "if errorlevel 1 (",
        "  echo.",
        "  echo Chương trình dừng vì lỗi ở trên. Sửa theo hướng dẫn rồi bấm đúp lại.",
        ")",
        "pause",
        "",
    ])


def _posix_launcher(python: str) -> str:
    return "\n".join([
        "#!/bin/sh",
        "# lib03: làm sạch số liệu và viết báo cáo cho thư mục này.",
        'cd "$(dirname "$0")" || exit 1',
        f'exec "{python}" -m lib03 --home . report "$@"',
        "",
    ])


def init_home(folder: Path, *, python: str | None = None) -> tuple[Home, list[Path]]:
    """Create (or complete) a working folder; returns it and the files written.

    `python` is the interpreter the launchers call: the one running now, whose environment
    has lib03 installed.
    """
    home = Home(Path(folder).absolute())
    python = python or sys.executable
    written: list[Path] = []
    for path in (home.raw, home.processed, home.reports, home.root / "notebooks"):
        path.mkdir(parents=True, exist_ok=True)
    for source in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
        target = home.root / "notebooks" / source.name
        if not target.exists():
            shutil.copyfile(source, target)
            written.append(target)
    files = {
        home.root / "settings.toml": SETTINGS_FILE.read_bytes(),
        home.root / DRAFT_TEMPLATE_IN_HOME: DRAFT_TEMPLATE.read_bytes(),
        home.root / "HUONG_DAN.txt": GUIDE.replace("\n", os.linesep).encode("utf-8"),
        home.root / "lib03.cmd": _windows_launcher(python).encode("utf-8"),
        home.root / "lib03.sh": _posix_launcher(python).encode("utf-8"),
    }
    for path, data in files.items():
        if not path.exists():
            write_atomic(path, data)
            written.append(path)
    launcher = home.root / "lib03.sh"
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return home, written
