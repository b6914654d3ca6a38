"""Time and peak memory of the export writers alone, against baselines measured in the same run.

    python -m bench.export_writers [--rows 1000000]

Each measurement runs in a fresh interpreter, so one peak does not hide another. Every child
imports the same modules before it starts the clock, then reports wall time, its peak resident
set (ru_maxrss) and the size of the file it wrote. The baselines are: making the rows and
throwing them away ("generate"), and writing them with a plain csv.writer ("csv-plain"). The
comments are the benchmark generator's (100-400 words, English or Spanish), made lazily.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import xlsxwriter

from bench import data
from bench.common import Result
from portal.exports.writers import SheetSpec, stream_csv, stream_json, write_xlsx
from portal.seed.corpus import Generator

HEADERS = [
    "tracking_number", "received_at", "docket", "submitter_type", "organization", "name",
    "country", "region", "language", "subject", "comment", "themes",
]  # fmt: skip

_THEMES = ["transportation", "energy", "investment", "border-development", "human-capital"]
_START = datetime(2026, 3, 1, tzinfo=UTC)


def rows(count: int, seed: int = 2013) -> Iterator[list[object]]:
    """count comments from the shared generator (bench/data.py's), made one at a time."""
    generator = Generator(seed, campaign_share=data.CAMPAIGN_SHARE)
    for i, c in enumerate(generator.comments(count)):
        w = c.writer
        body = c.body
        if i % 500 == 0:
            body = '=HYPERLINK("http://example.invalid") ' + body  # neutralised on export
        yield [
            data.tracking_number(i + 1), (_START + timedelta(seconds=i * 7)).isoformat(),
            "HLED-2026-0001", w.submitter_type, w.organization or "", w.name, w.country,
            w.region, c.language, c.subject, body, "; ".join(c.themes),
        ]


def _run(mode: str, count: int, out: Path) -> Path | None:
    if mode == "generate":
        for _ in rows(count):
            pass
        return None
    if mode == "csv-plain":
        path = out / "plain.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(HEADERS)
            for row in rows(count):
                writer.writerow(row)
        return path
    if mode == "csv":
        path = out / "export.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            for chunk in stream_csv(HEADERS, rows(count)):
                f.write(chunk)
        return path
    if mode == "json":
        path = out / "export.json"
        keyed = (dict(zip(HEADERS, row, strict=True)) for row in rows(count))
        with path.open("w", encoding="utf-8") as f:
            for chunk in stream_json({"docket": "HLED-2026-0001", "rows": count}, keyed):
                f.write(chunk)
        return path
    if mode == "xlsx":
        path = out / "export.xlsx"
        write_xlsx(path, [SheetSpec("Comments", HEADERS, rows(count))])
        return path
    raise ValueError(mode)


def child(mode: str, count: int, out: Path) -> None:
    start_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    path = _run(mode, count, out)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = path.stat().st_size if path else 0
    if path:
        path.unlink()  # a million comments make files of gigabytes; keep the disk free
    print(
        json.dumps({"seconds": seconds, "peak_kib": peak, "start_kib": start_peak, "bytes": size})
    )


MODES = [
    ("generate", "generate rows only (baseline)"),
    ("csv-plain", "plain csv.writer (baseline)"),
    ("csv", "stream_csv"),
    ("json", "stream_json"),
    ("xlsx", "write_xlsx"),
]


def collect(count: int, only: list[str] | None = None) -> dict[str, dict[str, float]]:
    """Each mode in its own interpreter: {mode: seconds, peak_kib, start_kib, bytes}."""
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="export-bench-") as out:
        for mode, _ in MODES:
            if only and mode not in only and mode not in ("generate", "csv-plain"):
                continue
            command = [sys.executable, "-m", "bench.export_writers", "--child", mode,
                       "--rows", str(count), "--dir", out]  # fmt: skip
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"{mode} failed:\n{done.stderr}")
            results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    return results


def measure(count: int) -> list[Result]:
    """The writers against a plain csv.writer of the same rows, for the suite's report."""
    results = collect(count)
    plain = results["csv-plain"]
    found = []
    for mode, label in MODES[2:]:
        r = results[mode]
        growth = (r["peak_kib"] - r["start_kib"]) / 1024
        found.append(Result("—", f"{label} writer alone, {count:,} rows", "csv.writer",
                            plain["seconds"], label, r["seconds"], "s", "memory flat",
                            growth < 50, f"memory growth {growth:.0f} MiB, "
                            f"{r['bytes'] / 2**20:.0f} MiB file"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", nargs="*", choices=[m for m, _ in MODES])
    parser.add_argument("--child", choices=[m for m, _ in MODES], help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows, args.dir)
        return

    sample = [len(str(row[10]).encode()) for row in rows(2000)]
    print(
        f"{args.rows:,} rows, comment {min(sample):,}-{max(sample):,} bytes "
        f"(mean {sum(sample) / len(sample):,.0f}); Python {platform.python_version()}, "
        f"xlsxwriter {xlsxwriter.__version__}, {platform.machine()}"
    )
    results = collect(args.rows, args.only)
    mib = 1024.0
    base_time = results["generate"]["seconds"]
    plain = results["csv-plain"]
    print(
        f"\n{'':32} {'seconds':>9} {'peak RSS':>10} {'growth':>8} {'file':>10}"
        f" {'time/gen':>9} {'time/plain':>10} {'peak/plain':>10}"
    )
    for mode, label in MODES:
        if mode not in results:
            continue
        r = results[mode]
        print(
            f"{label:32} {r['seconds']:9.1f} {r['peak_kib'] / mib:7.1f} MiB"
            f" {(r['peak_kib'] - r['start_kib']) / mib:4.1f} MiB"
            f" {r['bytes'] / mib / mib:6.0f} MiB"
            f" {r['seconds'] / base_time:8.2f}x {r['seconds'] / plain['seconds']:9.2f}x"
            f" {r['peak_kib'] / plain['peak_kib']:9.2f}x"
        )
    print(
        "\npeak RSS: ru_maxrss of a fresh interpreter that has imported the same modules;"
        " growth: peak minus the peak before the work started."
    )


if __name__ == "__main__":
    main()
