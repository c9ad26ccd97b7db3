"""The `lib03` command: a thin layer over the library's functions.

Everything it prints is Vietnamese, argparse's own words included; an error an analyst can
fix ends the command with a sentence and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from lib03 import __version__
from lib03.config import (
    OVERRIDABLE,
    SETTINGS_FILE,
    SETTINGS_TABLE,
    Home,
    Settings,
    load_settings,
)
from lib03.errors import BusyError, Lib03Error, os_advice, os_reason
from lib03.periods import is_period_id
from lib03.runlock import DEFAULT_WAIT_SECONDS, hold_folders

log = logging.getLogger("lib03")


class _VietnameseHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse, speaking Vietnamese."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _VietnameseHelp)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tuỳ chọn"
        self.add_argument("-h", "--help", action="help", help="hiện hướng dẫn này rồi thoát")

    def error(self, message: str) -> None:
        for english, vietnamese in _ARGPARSE_WORDS:
            message = message.replace(english, vietnamese)
        self.print_usage(sys.stderr)
        print(f"Lỗi: lệnh chưa đúng ({message}). Gõ «lib03 -h» để xem hướng dẫn.",
              file=sys.stderr)
        sys.exit(2)


# argparse's own messages, as an analyst should read them.
_ARGPARSE_WORDS = (
    ("unrecognized arguments", "không hiểu tham số"),
    ("the following arguments are required", "thiếu tham số bắt buộc"),
    ("invalid choice", "không có lựa chọn"),
    ("choose from", "chọn một trong"),
    ("invalid int value", "không phải số nguyên"),
    ("invalid float value", "không phải số"),
    ("expected one argument", "cần một giá trị"),
    ("argument ", "tham số "),
)


# What each report threshold a run may override means (names and defaults: config.OVERRIDABLE
# and lib03/settings.toml).
def _threshold_help(name: str, defaults: Settings) -> str:
    """A threshold's help from domain/settings.csv, with the default this folder uses.

    >>> _threshold_help("outlier_z", Settings())
    'độ khác thường (điểm z hiệu chỉnh) từ mức này thì hỏi lại đơn vị (mặc định 3,5)'
    """
    default = f"{getattr(defaults, name):g}".replace(".", ",")
    return f"{SETTINGS_TABLE[name]['help']} (mặc định {default})"


_WORKERS_HELP = ("số tiến trình đọc tệp song song (mặc định: mỗi lõi CPU một tiến trình khi có "
                 "nhiều tệp); kết quả giống hệt nhau dù chọn bao nhiêu")


_NO_CACHE_HELP = ("đọc lại mọi tệp, không dùng kết quả đã lưu của lần chạy trước (kết quả "
                  "vẫn y hệt, chỉ chậm hơn)")


class UsageError(Lib03Error):
    """An option the analyst gave cannot be used as given."""


def _summary_text(s) -> str:
    attention = [f"  ⚠ {line}" for line in s.attention]
    return "\n".join([
        *(["Cần xem ngay:", *attention, ""] if attention else []),
        "Đã làm sạch xong.",
        f"  Kỳ báo cáo: {', '.join(s.periods) or 'không có'}",
        f"  Tệp đã đọc: {s.files}",
        f"  Báo cáo dùng được: {s.ok}",
        f"  Tệp bị cách ly (không dùng được): {s.quarantined}",
        f"  Báo cáo bị thay bằng bản gửi sau: {s.superseded}",
        f"  Lỗi: {s.errors} — Cảnh báo: {s.warnings} (chi tiết trong quality_log.csv)",
        f"  Kết quả ở: {s.out_dir}",
    ])


def _workers(asked: int | None) -> int | None:
    """`--workers` as given, bounded by the machine's cores (said when it is lowered)."""
    from lib03.ingest.workers import usable_workers

    if asked is None:
        return None
    if asked < 1:
        raise UsageError(f"--workers phải là số nguyên từ 1 trở lên (đã ghi {asked}).")
    usable = usable_workers(asked)
    if usable < asked:
        print(f"Máy này có {usable} lõi CPU: dùng {usable} tiến trình thay vì {asked}.")
    return usable


def _outside_raw(raw: Path, out: Path) -> None:
    """Raw data is never written to: refuse an output folder inside it."""
    raw, out = raw.resolve(), out.resolve()
    if out == raw or raw in out.parents:
        raise UsageError(f"Thư mục kết quả {out} nằm trong thư mục dữ liệu gốc {raw}; "
                         "hãy chọn thư mục khác (dữ liệu gốc không bao giờ bị ghi vào).")


def cmd_clean(args: argparse.Namespace) -> int:
    from lib03.ingest.pipeline import run_clean

    _outside_raw(args.raw, args.out)
    settings, workers = load_settings(args.home.settings_file), _workers(args.workers)
    with hold_folders([args.out], "clean", wait=args.wait, say=_say):
        summary = run_clean(args.raw, args.out, settings=settings, workers=workers,
                            cache=not args.no_cache)
    print(_summary_text(summary))
    return 0


def _skip_iri_format_check() -> None:
    """nbformat validates notebooks through jsonschema, which imports rfc3987-syntax when it
    is installed (jupyterlab brings it) to check the "iri" string format: importing it compiles
    ~40 Lark grammars, 0.9 s of every report. No notebook schema uses that format, so this
    process goes without it (jsonschema skips a format whose checker does not import)."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _prefilled_templates(facts, folder: Path) -> None:
    """Beside each letter, the unit's template pre-filled with what was read from its file."""
    from lib03.forms.prefill import write_prefilled
    from lib03.report.letters import unit_letters
    from lib03.report.letters_files import FOLDER

    codes = [x.unit_code for x in unit_letters(facts)]
    write_prefilled(facts.tables, facts.period, codes, folder / FOLDER, facts.settings.district)


def cmd_draft(args: argparse.Namespace) -> int:
    """The draft báo cáo sơ kết alone, into reports/<kỳ>/, from the cleaned tables."""
    from lib03.report.draft import draft_file_name, write_draft
    from lib03.report.facts import PeriodFacts
    from lib03.report.metrics import load_tables
    from lib03.report.notebook import choose_period

    if args.period and not is_period_id(args.period):
        raise UsageError(f"Kỳ «{args.period}» không đúng dạng NĂM-H1 hoặc NĂM-H2 "
                         "(ví dụ 2014-H1).")
    settings = load_settings(args.home.settings_file)
    with hold_folders([args.reports], "draft", wait=args.wait, say=_say):
        tables = load_tables(args.processed)
        period = choose_period(tables, args.period)
        facts = PeriodFacts.build(tables, period, settings)
        path = write_draft(facts, args.reports / period / draft_file_name(period),
                           args.home.draft_template)
    print(f"Đã viết dự thảo báo cáo sơ kết: {path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    _skip_iri_format_check()  # before anything imports nbformat
    from lib03.ingest.pipeline import run_clean
    from lib03.report.build import build_report

    processed = args.processed
    _outside_raw(args.raw, processed)
    _outside_raw(args.raw, args.reports)
    if args.period and not is_period_id(args.period):
        raise UsageError(f"Kỳ «{args.period}» không đúng dạng NĂM-H1 hoặc NĂM-H2 "
                         "(ví dụ 2014-H1).")
    deadline = _deadline(args.deadline) if args.deadline else None
    settings = load_settings(args.home.settings_file).with_overrides(
        **{name: getattr(args, name) for name in OVERRIDABLE})
    from lib03.report.draft_text import read_template

    read_template(args.home.draft_template)  # a wording mistake stops before anything runs
    workers = _workers(args.workers)
    with hold_folders([processed, args.reports], "report", wait=args.wait, say=_say):
        if not args.skip_clean:
            summary = run_clean(args.raw, processed, settings=settings, workers=workers,
                                cache=not args.no_cache)
            print(_summary_text(summary))
            if not args.period:
                _stop_if_newest_unclear(summary)
        print("\nĐang chạy các sổ tay và viết báo cáo…", flush=True)
        result = build_report(processed, args.reports, settings, args.period, deadline,
                              notebooks_dir=args.home.notebooks,
                              settings_file=_own_settings(args.home),
                              companions=[_prefilled_templates],
                              draft_template=args.home.draft_template)
    print(f"Đã viết báo cáo kỳ {result.period} ({len(result.pages)} phần, "
          f"{len(result.charts)} tệp biểu đồ).\n"
          f"Mở báo cáo: {result.index.resolve()}")
    if args.open:
        import webbrowser

        webbrowser.open(result.index.resolve().as_uri())
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from lib03.workspace import init_home

    home, written = init_home(Path(args.folder))
    if args.demo:
        from lib03.forms.demo import write_demo

        if any(home.raw.iterdir()):
            raise UsageError(f"{home.raw} đã có dữ liệu; dữ liệu mẫu chỉ chép vào thư mục trống.")
        write_demo(home.raw, load_settings(home.settings_file))
    print(f"Đã tạo thư mục làm việc {home.root} ({len(written)} tệp mới"
          f"{', kèm dữ liệu mẫu' if args.demo else ''}).\n"
          f"Chép tệp báo cáo vào {home.raw / '<kỳ>'} rồi chạy lib03.cmd (Windows) hoặc "
          f"./lib03.sh; hướng dẫn: {home.root / 'HUONG_DAN.txt'}")
    return 0


def _own_settings(home: Home) -> Path | None:
    """The working folder's own settings.toml, None when lib03's defaults are used (the
    notebooks then find the same defaults themselves, with no path of this machine)."""
    return home.settings_file if home.settings_file != SETTINGS_FILE else None


def _stop_if_newest_unclear(summary) -> None:
    """The report is for the newest period: a folder that may be a newer one, whose name
    lib03 cannot read, would make it silently the wrong period's."""
    newest = max((int(p[:4]) for p in summary.periods), default=0)
    unclear = [y for y in summary.unclear_years if y >= newest]
    if unclear:
        raise UsageError(
            f"Có thư mục mang năm {unclear[-1]} mà tên không cho biết 6 tháng đầu hay cuối năm "
            "(xem các dòng «Cần xem ngay» ở trên), nên không chắc kỳ mới nhất là kỳ nào. Đổi "
            f"tên thư mục thành {unclear[-1]}-H1 hoặc {unclear[-1]}-H2 rồi chạy lại, hoặc chọn "
            "kỳ bằng --period (ví dụ --period 2014-H1).")


def _deadline(text: str) -> str:
    """A deadline as the analyst types it (25/06/2014 or 2014-06-25), in ISO form.

    >>> _deadline("25/6/2014"), _deadline("2014-06-25")
    ('2014-06-25', '2014-06-25')
    """
    import datetime as dt

    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date().isoformat()
        except ValueError:
            continue
    raise UsageError(f"Hạn nộp «{text}» không đọc được; viết ví dụ 25/06/2014.")


def cmd_demo(args: argparse.Namespace) -> int:
    from lib03.forms.demo import write_demo

    if args.scale < 1:
        raise UsageError("--scale phải là số nguyên từ 1 trở lên.")
    write_demo(args.out, load_settings(args.home.settings_file), seed=args.seed,
               scale=args.scale)
    print(f"Đã viết dữ liệu mẫu của huyện giả định vào {args.out}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from lib03.config import REGISTRY_FILE_NAME
    from lib03.forms.template import write_templates
    from lib03.ingest.registry import read_registry

    if not is_period_id(args.period):
        raise UsageError(f"Kỳ «{args.period}» không đúng dạng NĂM-H1 hoặc NĂM-H2 "
                         "(ví dụ 2014-H2).")
    settings = load_settings(args.home.settings_file)
    units, _ = read_registry(args.raw / REGISTRY_FILE_NAME, settings.limits)
    out = args.out or args.home.templates / args.period
    _outside_raw(args.raw, out)
    with hold_folders([out], "template", wait=args.wait, say=_say):
        paths = write_templates(units, args.period, out, settings.district)
    print(f"Đã viết {len(paths)} biểu mẫu kỳ {args.period} vào {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="lib03",
        description="Tổng hợp báo cáo thực hiện Chỉ thị 03-CT/TW của các tổ chức cơ sở đảng.",
    )
    parser.add_argument("--version", action="version", version=f"lib03 {__version__}",
                        help="hiện số phiên bản rồi thoát")
    parser.add_argument("-v", "--verbose", action="store_true", help="in thêm chi tiết")
    parser.add_argument("--home", metavar="THƯ_MỤC",
                        help="thư mục làm việc (mặc định: thư mục hiện tại), chứa data/raw, "
                        "data/processed, reports")
    parser.add_argument("--wait", type=float, default=DEFAULT_WAIT_SECONDS, metavar="GIÂY",
                        help="khi một lần chạy khác đang ghi cùng thư mục: chờ tối đa chừng "
                        f"này giây rồi dừng (mặc định {DEFAULT_WAIT_SECONDS:g})")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH",
                                title="các lệnh", parser_class=_Parser)

    p = sub.add_parser("clean", help="làm sạch dữ liệu gốc thành các bảng CSV")
    p.add_argument("--raw", help="thư mục dữ liệu gốc (mặc định data/raw)")
    p.add_argument("--out", help="thư mục kết quả (mặc định data/processed)")
    p.add_argument("--workers", type=int, help=_WORKERS_HELP)
    p.add_argument("--no-cache", action="store_true", help=_NO_CACHE_HELP)
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("report", help="làm sạch rồi viết báo cáo cho một kỳ")
    p.add_argument("--period", help="kỳ báo cáo, ví dụ 2014-H1 (mặc định: kỳ mới nhất)")
    p.add_argument("--raw", help="thư mục dữ liệu gốc (mặc định data/raw)")
    p.add_argument("--processed", help="thư mục dữ liệu đã xử lý (mặc định data/processed)")
    p.add_argument("--reports", help="thư mục báo cáo (mặc định reports)")
    p.add_argument("--open", action="store_true",
                   help="viết xong thì mở báo cáo bằng trình duyệt")
    p.add_argument("--workers", type=int, help=_WORKERS_HELP)
    p.add_argument("--no-cache", action="store_true", help=_NO_CACHE_HELP)
    p.add_argument("--skip-clean", action="store_true",
                   help="không làm sạch lại, dùng số liệu đã có trong thư mục đã xử lý")
    p.add_argument("--deadline", help="hạn nộp của kỳ, ví dụ 25/06/2014 (mặc định theo "
                   "settings.toml)")
    try:
        defaults = load_settings()
    except Lib03Error:  # a broken settings.toml is reported when a command runs, not by --help
        defaults = Settings()
    for name in OVERRIDABLE:
        # argparse formats help with %: a literal percent sign is written %%.
        p.add_argument(f"--{name.replace('_', '-')}", type=type(getattr(Settings(), name)),
                       dest=name, help=_threshold_help(name, defaults).replace("%", "%%"))
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("draft", help="viết riêng dự thảo báo cáo sơ kết (Word) của một kỳ từ "
                       "số liệu đã làm sạch")
    p.add_argument("--period", help="kỳ báo cáo, ví dụ 2014-H1 (mặc định: kỳ mới nhất)")
    p.add_argument("--processed", help="thư mục dữ liệu đã xử lý (mặc định data/processed)")
    p.add_argument("--reports", help="thư mục báo cáo (mặc định reports)")
    p.set_defaults(func=cmd_draft)

    p = sub.add_parser("template", help="viết biểu mẫu điền sẵn gửi các đơn vị cho một kỳ")
    p.add_argument("--period", required=True, help="kỳ báo cáo, ví dụ 2014-H2")
    p.add_argument("--out", help="thư mục chứa biểu mẫu (mặc định templates/<kỳ>)")
    p.add_argument("--raw", help="thư mục có danh mục đơn vị (mặc định data/raw)")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("demo", help="viết dữ liệu mẫu của một huyện giả định")
    p.add_argument("--out", required=True, help="thư mục sẽ chứa dữ liệu mẫu")
    p.add_argument("--scale", type=int, default=1, help="nhân quy mô huyện mẫu lên K lần")
    p.add_argument("--seed", type=int, default=3, help="hạt giống ngẫu nhiên")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("init", help="tạo một thư mục làm việc (data/raw, reports, sổ tay, "
                       "hướng dẫn, tệp bấm đúp để chạy)")
    p.add_argument("folder", nargs="?", default=".", help="thư mục (mặc định: thư mục hiện tại)")
    p.add_argument("--demo", action="store_true",
                   help="chép thêm dữ liệu mẫu của một huyện giả định vào data/raw")
    p.set_defaults(func=cmd_init)
    return parser


STOPPED_MESSAGE = "Đã dừng theo yêu cầu; kết quả cũ được giữ nguyên."
PATH_OPTIONS = ("raw", "out", "processed", "reports")


def _absolute_paths(args: argparse.Namespace) -> None:
    """Every folder as an absolute path, once, at the entry point: the working folder (the
    current one, or --home) and each folder option, defaulting to the working folder's.
    Nothing later depends on the working directory, which nothing in lib03 changes."""
    args.home = Home(Path(args.home or ".").absolute())
    defaults = {"raw": args.home.raw, "processed": args.home.processed,
                "reports": args.home.reports,
                "out": args.home.processed if args.command == "clean" else None}
    for name in PATH_OPTIONS:
        if hasattr(args, name):
            value = getattr(args, name) or defaults[name]
            setattr(args, name, Path(value).absolute() if value else None)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _stop_on_sigterm(signum, frame) -> None:
    # A SIGTERM (a closed terminal, a service manager) stops a run as Ctrl-C does: the
    # workers are ended and nothing half-made is published.
    raise KeyboardInterrupt


def _printable_streams() -> None:
    """Never fail on printing: a Windows console piped to a file may not encode Vietnamese,
    and a folder name in legacy bytes cannot be encoded at all; such a character is shown
    escaped rather than stopping the run after its work is done."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def main(argv: list[str] | None = None) -> int:
    _printable_streams()
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(name)s: %(message)s" if args.verbose else "%(message)s",
    )
    _absolute_paths(args)
    # Only the main thread may set a handler (a notebook or a test may call main elsewhere).
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm) if in_main else None
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print(f"\n{STOPPED_MESSAGE}", file=sys.stderr)
        return 130
    except BusyError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 3
    except Lib03Error as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder that cannot be created or written, a disk that is full
        where = f" {exc.filename}" if exc.filename else ""
        print(f"Lỗi: không ghi hoặc đọc được tệp/thư mục{where}: {os_reason(exc)}. "
              f"{os_advice(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # a fault of lib03 itself: said in Vietnamese, details kept
        import tempfile
        import traceback

        with tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix="lib03-loi-",
                                         suffix=".txt", delete=False) as fh:
            traceback.print_exc(file=fh)
        print(f"Lỗi không lường trước trong lib03 ({type(exc).__name__}: {exc}). Kết quả cũ "
              f"được giữ nguyên. Chi tiết đã ghi vào {fh.name}; hãy gửi tệp này cho người phát "
              "triển.", file=sys.stderr)
        return 1
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
