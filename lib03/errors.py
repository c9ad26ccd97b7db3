"""The small exception hierarchy; messages are Vietnamese because analysts read them."""

import errno
import stat

# The operating system's reasons, and what the analyst can do about each.
_OS_REASONS = {
    errno.ENOENT: ("không tồn tại", "Kiểm tra lại đường dẫn."),
    errno.EACCES: ("không có quyền hoặc tệp đang được chương trình khác mở",
                   "Đóng tệp nếu đang mở trong Excel hay chương trình khác, rồi kiểm tra quyền "
                   "ghi của thư mục."),
    errno.EPERM: ("không có quyền", "Kiểm tra quyền ghi của thư mục, hoặc chọn thư mục khác."),
    errno.ENOSPC: ("ổ đĩa đã đầy", "Giải phóng chỗ trống trên ổ đĩa rồi chạy lại."),
    errno.EROFS: ("ổ đĩa chỉ cho đọc", "Chọn một thư mục trên ổ đĩa ghi được."),
    errno.ENOTDIR: ("không phải thư mục", "Kiểm tra lại đường dẫn."),
    errno.EISDIR: ("là một thư mục", "Kiểm tra lại đường dẫn."),
    errno.ELOOP: ("liên kết vòng", "Bỏ liên kết (symlink) này."),
    errno.ENAMETOOLONG: ("tên quá dài", "Rút ngắn tên thư mục, tệp, hoặc chuyển thư mục làm "
                         "việc lên gần gốc ổ đĩa (ví dụ D:\\ct03)."),
    getattr(errno, "EDQUOT", -1): ("đã hết hạn mức dung lượng",
                                   "Giải phóng chỗ trống rồi chạy lại."),
}
# Windows reports a file held open by another program with its own codes.
_WINDOWS_SHARING = {32: "tệp đang được chương trình khác mở",
                    33: "tệp đang bị chương trình khác khoá"}


def os_reason(exc: OSError) -> str:
    """A Vietnamese reason for an operating-system error.

    >>> os_reason(FileNotFoundError(errno.ENOENT, "No such file"))
    'không tồn tại'
    """
    if getattr(exc, "winerror", None) in _WINDOWS_SHARING:
        return _WINDOWS_SHARING[exc.winerror]
    return _OS_REASONS.get(exc.errno, ("lỗi hệ thống khi đọc/ghi", ""))[0]


def os_advice(exc: OSError) -> str:
    """What to do about an operating-system error, in Vietnamese.

    >>> os_advice(OSError(errno.ENOSPC, "No space left on device"))
    'Giải phóng chỗ trống trên ổ đĩa rồi chạy lại.'
    """
    if getattr(exc, "winerror", None) in _WINDOWS_SHARING:
        return "Đóng tệp trong Excel (hoặc chương trình đang mở nó) rồi chạy lại."
    return _OS_REASONS.get(exc.errno, ("", "Kiểm tra đường dẫn, quyền ghi và dung lượng ổ đĩa."))[1]


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


class FileInUseError(Lib03Error):
    """An output cannot be replaced because another program (Excel) holds it open."""


class NotebookFailed(ReportError):
    """A report notebook stopped at a cell; the failed copy is kept for the analyst."""

    def __init__(self, notebook: str, cell: int | None, cell_start: str, error: str,
                 failed_copy: str | None = None):
        super().__init__(notebook, cell, cell_start, error, failed_copy)
        self.notebook, self.cell, self.cell_start = notebook, cell, cell_start
        self.error, self.failed_copy = error, failed_copy

    def __str__(self) -> str:
        where = (f" ở ô thứ {self.cell} (đếm từ trên xuống, kể cả ô chữ; ô bắt đầu bằng "
                 f"«{self.cell_start}»)" if self.cell is not None else "")
        text = (f"Sổ tay {self.notebook} dừng{where}: {self.error}. Báo cáo cũ (nếu có) được "
                "giữ nguyên.")
        if self.failed_copy:
            text += f" Bản chạy lỗi (mở bằng Jupyter để xem chi tiết): {self.failed_copy}"
        return text
