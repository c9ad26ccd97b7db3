"""Benchmark of lib03 against the goals of the speed issue; see BENCHMARKS.md.

    python benchmarks/run.py [--quick] [--reps N] [--skip-report] [--no-md]

Every figure is a median of N repetitions, measured in the same run on the same files, with
each way run as its own subprocess (wall-clock time, interpreter start-up included). Nothing
here is asserted in a test: the script prints a table and writes it into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as md
import io
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
DATA = BENCH / ".data"
READERS = BENCH / "readers.py"
MD_FILE = ROOT / "BENCHMARKS.md"
REGISTRY = "danh_muc_don_vi.xlsx"
NAIVE_SUFFIXES = {".xlsx", ".xlsm"}  # what openpyxl (the naive way) can read
PER_SCALE_UNIT = 60  # the demo writes ~64 .xlsx/.xlsm per scale unit; keep a margin
NAIVE_SAMPLE = 2000  # full mode: naive reading on 10,000 files is timed on this many
REPORT_PERIOD = "2014-H1"

# Goal thresholds, as BENCHMARKS.md states them.
NAIVE_OVER_CLEAN_MIN = 15.0
CLEAN_OVER_CALAMINE_MAX = 3.0
WORKER_EFFICIENCY_MIN = 0.75  # speed-up with every core ≥ 0.75 × cores
INCREMENTAL_MAX = 0.10
PEAK_RSS_MAX_MB = 400.0
REPORT_RATIO_MAX = 0.5

PY = sys.executable


def env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    e.pop("COLUMNS", None)
    # An analyst's Python keeps the compiled bytecode of lib03 (in __pycache__, git-ignored);
    # this machine's environment turns that off, which would add compiling lib03's sources
    # to every run measured. main() compiles them once before measuring.
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    return e


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run(cmd: list, **kw) -> subprocess.CompletedProcess:
    res = subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env(), capture_output=True,
                         text=True, **kw)
    if res.returncode != 0:
        raise RuntimeError(f"command failed ({res.returncode}): {' '.join(map(str, cmd))}\n"
                           f"{res.stdout[-2000:]}\n{res.stderr[-4000:]}")
    return res


def timed(cmd: list) -> float:
    start = time.perf_counter()
    run(cmd)
    return time.perf_counter() - start


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


# --------------------------------------------------------------------------- data sets

def demo_dir(scale: int) -> Path:
    """The demo province at `scale`, generated once and kept under benchmarks/.data/."""
    out = DATA / f"demo-s{scale}"
    done = DATA / f"demo-s{scale}.done"
    if not done.exists():
        shutil.rmtree(out, ignore_errors=True)
        say(f"generating demo at scale {scale} (once; kept in {out.relative_to(ROOT)})")
        run([PY, "-m", "lib03", "demo", "--out", out, "--scale", scale])
        done.touch()
    return out


def period_dirs(raw: Path) -> list[Path]:
    return sorted(p for p in raw.iterdir() if p.is_dir() and not p.name.startswith("."))


def build_set(target: int) -> dict:
    """Registry + exactly `target` .xlsx/.xlsm workbooks of the demo, copied to a raw folder.

    Files are taken round-robin over the period folders in sorted order; the demo files left
    over ("spares") serve the "one file added" scenario.
    """
    setdir = DATA / f"set-{target}"
    meta_file = setdir / "set.json"
    if meta_file.exists():
        return json.loads(meta_file.read_text())
    scale = math.ceil(target / PER_SCALE_UNIT)
    demo = demo_dir(scale)
    per_period = []
    for pdir in period_dirs(demo):
        files = sorted(p for p in pdir.rglob("*") if p.is_file()
                       and p.suffix.lower() in NAIVE_SUFFIXES
                       and not p.name.startswith(("~$", ".")))
        per_period.append(files)
    chosen: list[Path] = []
    i = 0
    while len(chosen) < target and any(i < len(f) for f in per_period):
        for files in per_period:
            if i < len(files) and len(chosen) < target:
                chosen.append(files[i])
        i += 1
    if len(chosen) < target:
        raise SystemExit(f"demo at scale {scale} has only {len(chosen)} .xlsx/.xlsm files; "
                         f"raise PER_SCALE_UNIT's margin")
    keep = set(chosen)
    spares = [p for files in per_period for p in files if p not in keep]
    shutil.rmtree(setdir, ignore_errors=True)
    raw = setdir / "raw"
    raw.mkdir(parents=True)
    shutil.copy2(demo / REGISTRY, raw / REGISTRY)
    rels = []
    for src in chosen:
        rel = src.relative_to(demo)
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, raw / rel)
        rels.append(rel.as_posix())
    meta = {"target": target, "scale": scale, "raw": str(raw), "files": rels,
            "spares": [str(p) for p in spares[:20]]}
    meta_file.write_text(json.dumps(meta))
    return meta


def warm(paths: list[Path]) -> None:
    """Read every file once so all ways start from the same (warm) page cache."""
    for p in paths:
        p.read_bytes()


def write_list(paths: list[Path], name: str) -> Path:
    f = DATA / name
    f.write_text("\n".join(str(p) for p in paths) + "\n", encoding="utf-8")
    return f


# --------------------------------------------------------------------------- measures

def time_reader(mode: str, list_file: Path, *extra) -> tuple[float, dict]:
    start = time.perf_counter()
    res = run([PY, READERS, mode, list_file, *extra])
    wall = time.perf_counter() - start
    return wall, json.loads(res.stdout.strip().splitlines()[-1])


def clean_cmd(raw: Path, out: Path, workers: int | None) -> list:
    cmd = [PY, "-m", "lib03", "clean", "--raw", raw, "--out", out]
    return cmd + (["--workers", workers] if workers else [])


def time_clean(raw: Path, out: Path, workers: int | None, *, cold: bool = True) -> float:
    if cold:
        shutil.rmtree(out, ignore_errors=True)  # a fresh folder: no tables, no cache
    return timed(clean_cmd(raw, out, workers))


def measure_speed(meta: dict, reps: int, sample_naive: bool) -> dict:
    raw = Path(meta["raw"])
    files = [raw / r for r in meta["files"]]
    n = len(files)
    naive_files = files[:: max(1, n // NAIVE_SAMPLE)][:NAIVE_SAMPLE] if sample_naive else files
    all_list = write_list(files, f"list-{n}.txt")
    naive_list = write_list(naive_files, f"list-{n}-naive.txt")
    warm(files + [raw / REGISTRY])
    out = DATA / f"out-{n}"
    cores = os.cpu_count() or 1
    t = {"naive": [], "calamine": [], "floor": [], "w1": [], "wall": []}
    errors = {}
    for rep in range(reps):
        say(f"{n} files, repetition {rep + 1}/{reps}: naive pandas+openpyxl"
            + (f" (sample of {len(naive_files)})" if sample_naive else ""))
        wall, info = time_reader("naive", naive_list)
        t["naive"].append(wall * n / len(naive_files))
        errors["naive"] = info["errors"]
        say(f"{n} files, repetition {rep + 1}/{reps}: bare calamine")
        wall, info = time_reader("calamine", all_list)
        t["calamine"].append(wall)
        errors["calamine"] = info["errors"]
        say(f"{n} files, repetition {rep + 1}/{reps}: floor (registry + safe read, no cleaning)")
        wall, info = time_reader("floor", all_list, raw / REGISTRY)
        t["floor"].append(wall)
        errors["floor"] = info["errors"]
        say(f"{n} files, repetition {rep + 1}/{reps}: lib03 clean --workers 1")
        t["w1"].append(time_clean(raw, out, 1))
        say(f"{n} files, repetition {rep + 1}/{reps}: lib03 clean --workers {cores}")
        t["wall"].append(time_clean(raw, out, cores))
    shutil.rmtree(out, ignore_errors=True)
    return {"files": n, "naive_files": len(naive_files), "cores": cores, "errors": errors,
            **{k: median(v) for k, v in t.items()}, "runs": t}


# -- incremental

def _rezip(path: Path) -> None:
    """Change a workbook's bytes (and mtime) without changing a cell: recompress it."""
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    buf = io.BytesIO()
    now = time.localtime()[:6]
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info, data in items:
            zi = zipfile.ZipInfo(info.filename, date_time=now)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, data)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, path)  # a new inode: the hard-linked original stays as it was


def cache_entries(out: Path) -> list[str]:
    if not out.is_dir():
        return []
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".") or "cache" in p.name)


def measure_incremental(meta: dict, reps: int) -> dict:
    n = len(meta["files"])
    work = DATA / f"work-{n}"
    shutil.rmtree(work, ignore_errors=True)
    raw = work / "raw"
    shutil.copytree(meta["raw"], raw, copy_function=os.link)
    out = work / "out"
    rel = next(r for r in reversed(meta["files"]) if zipfile.is_zipfile(Path(meta["raw"]) / r))
    changed = raw / rel
    original = Path(meta["raw"]) / rel
    spare = Path(meta["spares"][0]) if meta["spares"] else original
    added = changed.parent / ("bench_added_" + spare.name)
    t = {"cold": [], "unchanged": [], "changed": [], "added": []}
    cache: list[str] = []
    try:
        for rep in range(reps):
            say(f"incremental on {n} files, repetition {rep + 1}/{reps}")
            t["cold"].append(time_clean(raw, out, None, cold=True))
            cache = cache_entries(out)
            if not cache and rep == 0:
                say("no cache folder in the output: the incremental runs are measured once")
            t["unchanged"].append(time_clean(raw, out, None, cold=False))
            if not cache and rep > 0:
                continue
            _rezip(changed)
            t["changed"].append(time_clean(raw, out, None, cold=False))
            shutil.copy2(spare, added)
            t["added"].append(time_clean(raw, out, None, cold=False))
            added.unlink()
            changed.unlink()
            os.link(original, changed)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"files": n, "cache": cache, **{k: median(v) for k, v in t.items()}, "runs": t}


# -- memory

def _children_of(root: int) -> set[int]:
    parents = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", "rb") as fh:
                    stat = fh.read()
                parents[int(d)] = int(stat[stat.rindex(b")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


def _proc_kb(pid: int, part: str, field: str) -> int:
    """A kB figure of /proc/<pid>/<part>; 0 once the process is gone."""
    try:
        with open(f"/proc/{pid}/{part}") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _hwm_kb(pid: int) -> int:
    return _proc_kb(pid, "status", "VmHWM:")


def _pss_kb(pid: int) -> int:
    """Proportional set size: each page shared by n processes counts 1/n to each, so the sum
    over processes at one instant is the memory the run really holds then."""
    return _proc_kb(pid, "smaps_rollup", "Pss:")


def measure_memory(meta: dict) -> dict:
    """Peak RSS (VmHWM) of `lib03 clean` (default workers) and of each child, polled."""
    raw = Path(meta["raw"])
    out = DATA / f"out-mem-{len(meta['files'])}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [str(c) for c in clean_cmd(raw, out, None)]
    say(f"peak memory of lib03 clean on {len(meta['files'])} files")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    peaks: dict[int, int] = {}
    pss_peak = 0
    rusage = None
    while True:
        tree = {proc.pid} | _children_of(proc.pid)
        for pid in tree:
            kb = _hwm_kb(pid)
            if kb:
                peaks[pid] = max(peaks.get(pid, 0), kb)
        pss_peak = max(pss_peak, sum(_pss_kb(pid) for pid in tree))
        pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        time.sleep(0.05)
    if proc.returncode:
        raise RuntimeError(f"lib03 clean failed: {proc.stderr.read()[-2000:]}")
    shutil.rmtree(out, ignore_errors=True)
    parent = peaks.get(proc.pid, 0) / 1024
    workers = sorted((kb / 1024 for pid, kb in peaks.items() if pid != proc.pid), reverse=True)
    return {"files": len(meta["files"]), "parent_mb": parent,
            "worker_max_mb": workers[0] if workers else 0.0, "workers": len(workers),
            "all_mb": parent + sum(workers), "pss_total_mb": pss_peak / 1024,
            "ru_maxrss_mb": rusage.ru_maxrss / 1024 if rusage else float("nan")}


# -- report

def measure_report(reps: int) -> dict:
    sample = ROOT / "data" / "raw"
    work = DATA / "report"
    processed = work / "processed"
    # Cleaned afresh each time (a second): tables kept from another version of lib03 may
    # lack a column of today's contract.
    say("cleaning the sample district for the report benchmark")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    run([PY, "-m", "lib03", "clean", "--raw", sample, "--out", processed])
    bindir = Path(PY).parent
    papermill, jupyter = bindir / "papermill", bindir / "jupyter"
    notebooks = sorted((ROOT / "lib03" / "notebooks").glob("0*.ipynb"))  # shipped in the package
    t = {"lib03": [], "naive": []}
    for rep in range(reps):
        say(f"report, repetition {rep + 1}/{reps}: lib03 report")
        reports = work / "reports"
        shutil.rmtree(reports, ignore_errors=True)
        t["lib03"].append(timed([PY, "-m", "lib03", "report", "--skip-clean", "--processed",
                                 processed, "--reports", reports, "--period", REPORT_PERIOD]))
        say(f"report, repetition {rep + 1}/{reps}: papermill + nbconvert per notebook")
        naive = work / "naive"
        shutil.rmtree(naive, ignore_errors=True)
        (naive / "charts").mkdir(parents=True)
        start = time.perf_counter()
        for nb in notebooks:
            target = naive / nb.name
            run([papermill, nb, target, "-p", "period", REPORT_PERIOD,
                 "-p", "processed_dir", processed, "-p", "charts_dir", naive / "charts"])
            run([jupyter, "nbconvert", "--to", "html", target])
        t["naive"].append(time.perf_counter() - start)
    return {"notebooks": len(notebooks), **{k: median(v) for k, v in t.items()}, "runs": t}


# --------------------------------------------------------------------------- output

def machine() -> dict:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def ver(name: str) -> str:
        try:
            return md.version(name)
        except md.PackageNotFoundError:
            return "?"

    try:
        lib = run([PY, "-c", "import lib03; print(lib03.__version__)"]).stdout.strip()
    except RuntimeError:
        lib = "?"
    try:
        commit = subprocess.run(["git", "describe", "--always"], cwd=ROOT,
                                capture_output=True, text=True).stdout.strip() or "?"
        # Changes to anything but the figures this script writes make the run "dirty".
        changed = subprocess.run(["git", "status", "--porcelain", "--", ".",
                                  ":(exclude)BENCHMARKS.md"], cwd=ROOT, capture_output=True,
                                 text=True).stdout.strip()
        commit += "-dirty" if changed else ""
    except OSError:
        commit = "?"
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    return {"cores": os.cpu_count(), "cpu": model, "memory": mem,
            "python": platform.python_version(), "os": platform.platform(terse=True),
            "lib03": lib, "commit": commit,
            "packages": ", ".join(f"{p} {ver(p)}" for p in
                                  ("pandas", "openpyxl", "python-calamine", "papermill",
                                   "nbconvert"))}


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def render(mode: str, reps: int, cmd: str, mach: dict, speeds: list[dict],
           incs: list[dict], mem: dict | None, rep: dict | None, seconds: float) -> str:
    L = [f"Run {dt.datetime.now():%Y-%m-%d %H:%M}, mode **{mode}**, {reps} repetition(s) "
         f"(medians), {seconds / 60:.1f} min in all. Rerun: `{cmd}`.", "",
         f"Machine: {mach['cores']} cores, {mach['cpu']}, {mach['memory']} RAM; "
         f"Python {mach['python']} on {mach['os']}; lib03 {mach['lib03']} "
         f"(commit {mach['commit']}); {mach['packages']}.", ""]
    goals = []
    for s in speeds:
        n, cores = s["files"], s["cores"]
        L += [f"**{n:,} workbooks** (.xlsx/.xlsm subset of the demo at scale "
              f"{s['scale']})" + (f"; naive reading timed on a fixed sample of "
                                  f"{s['naive_files']:,} files and extrapolated per file"
                                  if s["naive_files"] != n else "") + ":", "",
              "| way | total s | ms per file |", "|---|---:|---:|"]
        rows = [("naive: pandas.read_excel(openpyxl), 1 process", s["naive"]),
                ("bare python-calamine, 1 process", s["calamine"]),
                (f"floor: lib03's registry + safe read of every file, {cores} processes, "
                 "no cleaning", s["floor"]),
                ("lib03 clean --workers 1", s["w1"]),
                (f"lib03 clean --workers {cores}", s["wall"])]
        L += [f"| {name} | {v:.1f} | {1000 * v / n:.2f} |" for name, v in rows] + [""]
        if "floor" in s:
            allowed = min(s["naive"] / NAIVE_OVER_CLEAN_MIN,
                          s["calamine"] * CLEAN_OVER_CALAMINE_MAX)
            L += [f"Goal 1 allows lib03 clean {allowed:.2f} s here; the floor alone takes "
                  f"{s['floor']:.2f} s ({s['floor'] / allowed:.2f}× that), before any "
                  f"cleaning.", ""]
        r1 = s["naive"] / s["wall"]
        r2 = s["wall"] / s["calamine"]
        r3 = s["w1"] / s["wall"]
        goals += [
            (f"1. naive ÷ clean ({n:,})", f"{r1:.1f}×", f"≥ {NAIVE_OVER_CLEAN_MIN:g}×",
             verdict(r1 >= NAIVE_OVER_CLEAN_MIN)),
            (f"1. clean ÷ bare calamine ({n:,})", f"{r2:.2f}×",
             f"≤ {CLEAN_OVER_CALAMINE_MAX:g}×", verdict(r2 <= CLEAN_OVER_CALAMINE_MAX)),
            (f"2. clean 1 worker ÷ {cores} workers ({n:,})", f"{r3:.2f}×",
             f"≥ {WORKER_EFFICIENCY_MIN * cores:g}×",
             verdict(r3 >= WORKER_EFFICIENCY_MIN * cores if cores > 1 else None)),
        ]
    for inc in incs:
        n = inc["files"]
        if not inc["cache"]:
            ratio = inc["unchanged"] / inc["cold"]
            goals.append((f"3. incremental ({n:,})",
                          f"cache not present (plain rerun {inc['unchanged']:.1f} s = "
                          f"{100 * ratio:.0f} % of cold {inc['cold']:.1f} s)",
                          f"< {100 * INCREMENTAL_MAX:g} %", "FAIL"))
            continue
        for key, words in (("unchanged", "nothing changed"), ("changed", "one file changed"),
                           ("added", "one file added")):
            ratio = inc[key] / inc["cold"]
            goals.append((f"3. rerun, {words} ({n:,})",
                          f"{100 * ratio:.1f} % ({inc[key]:.2f} s of {inc['cold']:.1f} s)",
                          f"< {100 * INCREMENTAL_MAX:g} %", verdict(ratio < INCREMENTAL_MAX)))
    if mem:
        both = mem["parent_mb"] + mem["worker_max_mb"]
        note = "" if mem["files"] >= 10_000 else " — goal is on 10,000"
        goals.append((f"4. peak RSS parent + largest worker ({mem['files']:,}){note}",
                      f"{both:.0f} MB (parent {mem['parent_mb']:.0f}, worker "
                      f"{mem['worker_max_mb']:.0f} ×{mem['workers']}; all processes "
                      f"{mem['all_mb']:.0f}; ru_maxrss {mem['ru_maxrss_mb']:.0f}; "
                      f"proportional set size of the whole run at its peak "
                      f"{mem.get('pss_total_mb', float('nan')):.0f})",
                      f"< {PEAK_RSS_MAX_MB:g} MB",
                      verdict(both < PEAK_RSS_MAX_MB) if mem["files"] >= 10_000
                      else verdict(both < PEAK_RSS_MAX_MB) + f" ({mem['files']:,} only)"))
    if rep:
        ratio = rep["lib03"] / rep["naive"]
        goals.append((f"5. lib03 report ÷ papermill+nbconvert ({rep['notebooks']} notebooks)",
                      f"{ratio:.2f} ({rep['lib03']:.1f} s vs {rep['naive']:.1f} s)",
                      f"< {REPORT_RATIO_MAX:g}", verdict(ratio < REPORT_RATIO_MAX)))
    L += ["| goal | measured | threshold | verdict |", "|---|---|---|---|"]
    L += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in goals]
    return "\n".join(L) + "\n"


def write_md(mode: str, text: str) -> None:
    start, end = f"<!-- figures:{mode}:start -->", f"<!-- figures:{mode}:end -->"
    doc = MD_FILE.read_text(encoding="utf-8") if MD_FILE.exists() else "# Benchmarks\n"
    block = f"{start}\n{text}{end}"
    if start in doc and end in doc:
        head, rest = doc.split(start, 1)
        doc = head + block + rest.split(end, 1)[1]
    else:
        if "## Latest figures" not in doc:
            doc = doc.rstrip("\n") + "\n\n## Latest figures\n"
        doc = doc.rstrip("\n") + f"\n\n### {mode.capitalize()} mode\n\n{block}\n"
    MD_FILE.write_text(doc, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="2,000 workbooks only")
    ap.add_argument("--reps", type=int, help="repetitions (default: 3)")
    ap.add_argument("--skip-report", action="store_true", help="leave out goal 5")
    ap.add_argument("--no-md", action="store_true", help="do not write BENCHMARKS.md")
    ap.add_argument("--sizes", help="workbook counts, comma-separated (overrides the mode)")
    args = ap.parse_args()
    reps = args.reps or 3
    mode = "quick" if args.quick else "full"
    sizes = [2000] if args.quick else [2000, 10_000]
    if args.sizes:
        sizes = [int(x) for x in args.sizes.split(",")]
    cmd = "python benchmarks/run.py" + (" --quick" if args.quick else "") + \
          (f" --reps {args.reps}" if args.reps else "")
    began = time.perf_counter()
    DATA.mkdir(parents=True, exist_ok=True)
    mach = machine()
    metas = {n: build_set(n) for n in sizes}
    run([sys.executable, "-m", "compileall", "-q", ROOT / "lib03"])  # see env()
    speeds, incs = [], []
    for n in sizes:
        s = measure_speed(metas[n], reps, sample_naive=n > NAIVE_SAMPLE)
        s["scale"] = metas[n]["scale"]
        speeds.append(s)
    for n in sizes:
        incs.append(measure_incremental(metas[n], reps))
    mem = measure_memory(metas[sizes[-1]])
    rep = None if args.skip_report else measure_report(reps)
    text = render(mode, reps, cmd, mach, speeds, incs, mem, rep, time.perf_counter() - began)
    print(text)
    (DATA / f"last-{mode}.json").write_text(json.dumps(
        {"machine": mach, "speed": speeds, "incremental": incs, "memory": mem, "report": rep},
        indent=1, default=str))
    if not args.no_md:
        write_md(mode, text)
        say(f"figures written to {MD_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
