"""Zipped attachments: what webmail's "download all attachments" gives.

A `.zip` in a period folder is read member by member, never extracted to disk. Each member
that is a report is cleaned like a file of the folder under a path that names both, such as
`2014-H1/thu.zip/BC 03.xlsx` (so its cells read `2014-H1/thu.zip/BC 03.xlsx!Tổng hợp!C7`).
The bomb limits hold per member (a member is a file: `max_file_mb`, checked on the bytes
really inflated) and for the whole archive (`max_unzipped_mb`, and a bounded count);
nested archives, encrypted members and names that climb out of the archive are logged,
never opened.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

from lib03.config import REPORT_SUFFIXES, Limits
from lib03.errors import WorkbookError

ARCHIVE_SUFFIX = ".zip"
# Archives lib03 cannot open: the analyst unpacks them, or zips them again.
OTHER_ARCHIVES = (".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".cab")
MAX_MEMBERS = 500
_MB = 1 << 20


def is_archive(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIX)


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its sender typed it. Without the UTF-8 flag zipfile reads names as
    cp437; tools that write UTF-8 without saying so, and Vietnamese Windows (cp1258), are
    tried first.

    >>> info = zipfile.ZipInfo("BC Tân Phú.xlsx".encode("utf-8").decode("cp437"))
    >>> member_name(info)
    'BC Tân Phú.xlsx'
    """
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    raw = name.encode("cp437", errors="replace")
    for encoding in ("utf-8", "cp1258"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def list_members(path: Path, limits: Limits) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The reports inside an archive (names, in archive order), and (code, member or "",
    detail) for everything else. A damaged or oversized archive gives no member and one
    error line for the archive itself."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return [], [("archive_unreadable", "", type(exc).__name__)]
    files = [i for i in infos if not i.is_dir()]
    if len(files) > MAX_MEMBERS:
        return [], [("file_too_large", "", f"tệp nén có {len(files)} tệp, giới hạn "
                                            f"{MAX_MEMBERS}")]
    total = sum(i.file_size for i in files)
    if total > limits.max_unzipped_mb * _MB:
        return [], [("file_too_large", "", f"giải nén ra {total // _MB} MB, giới hạn "
                                            f"{limits.max_unzipped_mb} MB")]
    members, odd = [], []
    for info in files:
        name = member_name(info)
        parts = name.replace("\\", "/").split("/")
        leaf = parts[-1]
        if name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            odd.append(("archive_member_unsafe", name, name))
        elif leaf.startswith((".", "~$")) or leaf.lower() in ("thumbs.db", "desktop.ini"):
            odd.append(("archive_member_skipped", name, "tệp tạm hoặc tệp hệ thống"))
        elif leaf.lower().endswith((ARCHIVE_SUFFIX, *OTHER_ARCHIVES)):
            odd.append(("archive_nested", name, name))
        elif info.flag_bits & 0x1:
            odd.append(("file_password", name, ""))
        elif not leaf.lower().endswith((*REPORT_SUFFIXES, ".doc")):
            odd.append(("archive_member_skipped", name, "không phải báo cáo"))
        else:
            members.append("/".join(parts))
    return members, odd


def split_member(path: Path) -> tuple[Path, str] | None:
    """(archive, member) for a path inside an archive, such as `…/thu.zip/BC 03.xlsx`."""
    if ARCHIVE_SUFFIX + os.sep not in os.fspath(path).lower():
        return None  # asked of every input: most are plain files
    for parent in path.parents:
        if is_archive(parent.name) and parent.is_file():
            return parent, path.relative_to(parent).as_posix()
    return None


def read_member(archive: Path, member: str, limits: Limits) -> bytes:
    """A member's bytes, never more than the file-size limit (however the archive lies about
    its sizes), or WorkbookError."""
    limit = limits.max_file_mb * _MB
    with zipfile.ZipFile(archive) as zf:
        info = next((i for i in zf.infolist()
                     if member_name(i).replace("\\", "/") == member), None)
        if info is None:
            raise WorkbookError("file_unreadable", "không thấy tệp này trong tệp nén")
        if info.file_size > limit:
            raise WorkbookError("file_too_large", f"{info.file_size // _MB} MB, giới hạn "
                                                  f"{limits.max_file_mb} MB")
        try:
            with zf.open(info) as fh:
                data = fh.read(limit + 1)
        except RuntimeError as exc:  # an encrypted member
            raise WorkbookError("file_password") from exc
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
            raise WorkbookError("file_corrupt", "tệp trong tệp nén bị hỏng") from exc
    if len(data) > limit:
        raise WorkbookError("file_too_large", f"giới hạn {limits.max_file_mb} MB")
    return data
