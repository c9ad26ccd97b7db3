"""The small exception hierarchy; messages are Vietnamese because analysts read them."""

import errno
import stat

# The operating system's reasons, as an analyst should read them.
_OS_REASONS = {
    errno.ENOENT: "không tồn tại", errno.EACCES: "không có quyền", errno.EPERM: "không có quyền",
    errno.ENOSPC: "ổ đĩa đã đầy", errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.ENOTDIR: "không phải thư mục", errno.EISDIR: "là một thư mục",
    errno.ELOOP: "liên kết vòng", errno.ENAMETOOLONG: "tên quá dài",
}


def os_reason(exc: OSError) -> str:
    """A Vietnamese reason for an operating-system error.

    >>> os_reason(FileNotFoundError(errno.ENOENT, "No such file"))
    'không tồn tại'
    """
    return _OS_REASONS.get(exc.errno, "lỗi hệ thống khi đọc/ghi")


def special_kind(mode: int) -> str:
    """What a path that is not a regular file is, in Vietnamese.

    >>> special_kind(stat.S_IFIFO), special_kind(stat.S_IFDIR)
    ('ống dẫn (FIFO)', 'thư mục')
    """
    kinds = ((stat.S_ISDIR, "thư mục"), (stat.S_ISFIFO, "ống dẫn (FIFO)"),
             (stat.S_ISCHR, "thiết bị"), (stat.S_ISBLK, "thiết bị"), (stat.S_ISSOCK, "socket"))
    return next((word for test, word in kinds if test(mode)), "không phải tệp thường")


class Lib03Error(Exception):
    """Base class for every error lib03 raises on purpose."""


class RegistryError(Lib03Error):
    """The unit registry is missing or cannot be read."""


class RawFolderError(Lib03Error):
    """The raw data folder is missing or cannot be listed."""


class WorkbookError(Lib03Error):
    """A workbook cannot be opened; `code` is the quality-log code to record."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


class SettingsError(Lib03Error):
    """The settings file holds a value lib03 cannot use."""


class ReportError(Lib03Error):
    """The report cannot be written: no cleaned data, an unknown period, a notebook failed."""


class BusyError(Lib03Error):
    """Another run is writing the same folder; this one stops without touching anything."""


class TablesError(Lib03Error):
    """The processed tables are not one complete set (a stopped run, a table edited by hand)."""
