"""Time and peak memory of the streaming exports, against baselines measured in the same run.

    python -m bench.export_memory [--rows 1000000]

Each measurement runs in a fresh interpreter, so one peak does not hide another. Every child
imports the same modules before it starts the clock, then reports wall time, its peak resident
set (ru_maxrss) and the size of the file it wrote. The baselines are: making the rows and
throwing them away ("generate"), and writing them with a plain csv.writer ("csv-plain"). The
comments are synthetic, about 1-2 KB of English or Spanish each, made lazily from a fixed seed.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import xlsxwriter

from portal.exports.writers import SheetSpec, stream_csv, stream_json, write_xlsx

HEADERS = [
    "tracking_number", "received_at", "docket", "submitter_type", "organization", "name",
    "country", "region", "language", "subject", "comment", "themes",
]  # fmt: skip

_EN = [
    "Truck crossings at Laredo and Otay Mesa still take hours, and pre-clearance with shared "
    "inspection facilities would cut our logistics costs by a third.",
    "Cross-border energy trade needs compatible grid standards, faster permits for transmission "
    "lines and pipelines, and a clear timetable from both regulators.",
    "Broadband and telecommunications investment along the corridor would connect suppliers on "
    "both sides; today our plant in Reynosa relies on a single fibre link.",
    'Small businesses need "one-stop" procedures: we filed the same form, in two languages, '
    "with three agencies before our first shipment could leave.",
    "Joint research programs between universities in Texas and Nuevo León would speed "
    "innovation in advanced manufacturing, batteries and medical devices.",
    "The United States and Mexico should coordinate their positions in APEC and the G20 on "
    "digital trade, customs facilitation and the fight against protectionism.",
    "Workforce training and the recognition of professional credentials would build the human "
    "capital our factories need; we lose 20% of new hires within a year.",
]
_ES = [
    "Los cruces de camiones en Nuevo Laredo y Tijuana tardan horas; la revisión conjunta y la "
    "preinspección reducirían nuestros costos logísticos en un tercio.",
    "El comercio de energía entre ambos países necesita normas compatibles de la red eléctrica, "
    "permisos más rápidos y un calendario claro de ambos reguladores.",
    "La inversión en telecomunicaciones y banda ancha en la frontera conectaría a los "
    "proveedores de ambos lados; hoy dependemos de un solo enlace de fibra.",
    "Las pequeñas empresas necesitan trámites de «ventanilla única»: presentamos el mismo "
    "formulario, en dos idiomas, ante tres dependencias.",
    "Programas conjuntos de investigación entre universidades de Texas y Nuevo León impulsarían "
    "la innovación en manufactura avanzada, baterías y dispositivos médicos.",
    "México y los Estados Unidos deberían coordinar sus posiciones en el APEC y el G20 sobre "
    "comercio digital, facilitación aduanera y la lucha contra el proteccionismo.",
    "La capacitación de los trabajadores y el reconocimiento de títulos profesionales formarían "
    "el capital humano que la industria necesita; perdemos al 20 % de los nuevos empleados.",
]
_ORGS = ["Transportes del Norte S.A. de C.V.", "Gulf Coast Logistics LLC", "Border Trade Alliance",
         "Cámara de Comercio de Monterrey", "Fundación Frontera Viva", "", ""]  # fmt: skip
_NAMES = ["Jane Miller", "Robert Chen", "Ana Martínez", "José Hernández", "Lucía Ramírez"]
_THEMES = ["energy", "telecom", "investment", "border", "human-capital", "global"]
_START = datetime(2026, 3, 1, tzinfo=UTC)


def rows(count: int, seed: int = 2013) -> Iterator[list[object]]:
    """count synthetic comments, made one at a time."""
    rng = random.Random(seed)
    for i in range(count):
        spanish = rng.random() < 0.5
        pool = _ES if spanish else _EN
        paragraphs = []
        for _ in range(rng.randint(2, 3)):
            sentences = rng.choices(pool, k=rng.randint(3, 4))
            # One sentence with its words shuffled, so the text is not a handful of sentences
            # repeated a million times (which would compress unrealistically well).
            words = sentences[0].split()
            rng.shuffle(words)
            paragraphs.append(" ".join([" ".join(words), *sentences[1:]]))
        body = "\n\n".join(paragraphs)
        if i % 500 == 0:
            body = '=HYPERLINK("http://example.invalid") ' + body  # neutralised on export
        yield [
            f"HLED-{i:04X}-{rng.getrandbits(16):04X}-{rng.getrandbits(16):04X}",
            (_START + timedelta(seconds=i * 7)).isoformat(),
            "HLED-2026-0001",
            rng.choice(["business", "association", "ngo", "academic", "individual"]),
            rng.choice(_ORGS),
            rng.choice(_NAMES),
            "MX" if spanish else "US",
            "Nuevo León" if spanish else "Texas",
            "es" if spanish else "en",
            body[:80],
            body,
            "; ".join(rng.sample(_THEMES, k=rng.randint(1, 3))),
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
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="export-bench-") as out:
        for mode, _ in MODES:
            if args.only and mode not in args.only and mode not in ("generate", "csv-plain"):
                continue
            command = [sys.executable, "-m", "bench.export_memory", "--child", mode,
                       "--rows", str(args.rows), "--dir", out]  # fmt: skip
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"{mode} failed:\n{done.stderr}")
            results[mode] = json.loads(done.stdout.strip().splitlines()[-1])

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
