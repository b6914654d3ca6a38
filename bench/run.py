"""The benchmark suite: every measurement against its baseline in one run, into RESULTS.md.

    python -m bench.run --quick                      # make bench: 20k vs 2k comments, SQLite
    python -m bench.run --rows 1000000 --pg URL      # make bench-full: 1M vs 10k, both engines
    python -m bench.run --rows 1000000 --pg URL --engines postgresql   # one engine only

Databases are built once per engine and size (bench/data.py) and shared by the measurements:
public pages and submission under gunicorn against a bare Flask app (bench/pages.py), staff and
reading-room pages at N against the baseline size (bench/scaling.py), exports against the
database's own dump and the web download (bench/exports.py), and the export writers alone
(bench/export_writers.py), and a deadline burst: 50 clients sending comments for a minute
against gunicorn with a worker running (bench/burst.py). The table is printed and, unless
--no-write, added to RESULTS.md with the date and the machine. PostgreSQL scratch databases are
named after --pg's database (NAME_small, NAME_large) and dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import time

from bench import burst, common, data, export_writers, exports, pages, scaling
from bench.common import Result

GROUPS = ("pages", "queue", "search", "summary", "exports", "writers", "burst")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="20,000 vs 2,000 comments, short loads, fewer repeats")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--pg", default=os.environ.get("PORTAL_BENCH_DATABASE_URL"),
                        help="PostgreSQL URL; its database name prefixes the scratch ones")
    parser.add_argument("--only", nargs="*", choices=GROUPS, default=list(GROUPS))
    parser.add_argument("--engines", nargs="*", choices=("sqlite", "postgresql"),
                        help="which databases (default: SQLite, and PostgreSQL with --pg)")
    parser.add_argument("--seconds", type=float, default=15, help="length of each load test")
    parser.add_argument("--burst-seconds", type=float, help="length of the burst (60; 15 quick)")
    parser.add_argument("--no-write", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args()
    repeat = dict(scaling.REPEAT)
    comments, rush = 400, 60.0
    if args.quick:
        args.rows, args.baseline, args.seconds, comments, rush = 20_000, 2_000, 5, 160, 15.0
        repeat = {"queue": 7, "search": 7, "summary": 1}
    rush = args.burst_seconds or rush
    engines = args.engines or ["sqlite", *(["postgresql"] if args.pg else [])]
    if "postgresql" in engines and not args.pg:
        parser.error("--engines postgresql needs --pg URL")
    machine = common.describe_machine(args.pg)
    print(f"Machine: {machine}")
    scratch = common.Scratch(args.pg)
    results: list[Result] = []
    notes: list[str] = []
    began = time.perf_counter()
    try:
        for engine in engines:
            small = data.build(scratch.url(engine, "small"), args.baseline)
            name = "PostgreSQL" if engine == "postgresql" else "SQLite"
            groups = [g for g in ("queue", "search", "summary") if g in args.only]
            if groups or "exports" in args.only:
                large = data.build(scratch.url(engine, "large"), args.rows)
                notes.append(f"- {name}: built {large.rows:,} comments in {large.seconds:.0f} s "
                             f"({large.rows / large.seconds:,.0f}/s) and {small.rows:,} in "
                             f"{small.seconds:.0f} s; statuses at N: {large.counts}.")
                print(notes[-1])
            if groups:
                results += _shown(scaling.measure(engine, small, large, groups, repeat))
            if engine == "postgresql" and "search" in groups:
                notes += scaling.search_plans(large.url)
                print("\n".join(notes[-2:]))
            if "exports" in args.only:
                results += _shown(exports.measure(engine, small, large, scratch))
            if "pages" in args.only:
                results += _shown(pages.measure(small.url, small.period_slug, args.seconds,
                                                comments, scratch, name))
            if "burst" in args.only:
                # Written into: a copy of the baseline database (built afresh on PostgreSQL).
                target = (common.copy_sqlite(small.url, "burst", scratch) if engine == "sqlite"
                          else data.build(scratch.url(engine, "burst"), args.baseline).url)
                results += _shown(burst.measure(engine, target, small.period_slug, rush,
                                                scratch))
        if "writers" in args.only:
            results += _shown(export_writers.measure(args.rows))
    finally:
        scratch.close()
    notes.append(f"- The whole run took {(time.perf_counter() - began) / 60:.0f} minutes. "
                 "Ratios compare two measurements of the same run; absolute figures move with "
                 "the machine's load (see the load average above).")
    print()
    common.print_results(results)
    if not args.no_write:
        kind = "quick" if args.quick else "full"
        names = " and ".join("PostgreSQL" if e == "postgresql" else "SQLite" for e in engines)
        title = f"{kind}: {args.rows:,} vs {args.baseline:,} comments per main period, {names}"
        common.append_results(title, machine, results, notes)
        print(f"\nadded to {common.RESULTS.relative_to(common.ROOT)}")


def _shown(found: list[Result]) -> list[Result]:
    common.print_results(found)
    return found


if __name__ == "__main__":
    main()
