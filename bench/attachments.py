"""Accepting and reading a 10 MB, 300-page PDF, against a one-page PDF in the same run.

    python -m bench.attachments [--pages 300] [--megabytes 10] [--repeat 3]

"Accept" is the whole POST of a comment with the file through the real app (form, checks by
content, SHA-256, storage, receipt digest; SQLite in a temporary folder). "Extract" is reading
its text in the bounded child process (portal/services/extraction.py): wall time and the
child's peak resident memory. The baseline is the same for a one-page PDF. The PDF is made with
reportlab: a page of text each, and an incompressible image on each page to reach the size.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from bench.common import Result, append_results, describe_machine, print_results
from portal.services.extraction import Limits, run

WORDS = ("tariff border energy grid customs rail supply chain investment workforce "
         "arancel frontera energía red aduana ferrocarril cadena suministro inversión").split()


def make_pdf(pages: int, megabytes: float, seed: int = 11) -> bytes:
    """A PDF of `pages` pages of text, padded with noise images to about `megabytes`."""
    from PIL import Image

    rng = random.Random(seed)
    # The text and the PDF's own structure take about a quarter of the size.
    per_page = int(megabytes * 1024 * 1024 * 0.75 / pages) if megabytes else 0
    side = max(8, int((per_page / 3) ** 0.5)) if per_page else 0
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=letter)
    for number in range(pages):
        y = 740
        for _ in range(40):
            c.drawString(54, y, " ".join(rng.choice(WORDS) for _ in range(12)))
            y -= 16
        if side:
            noise = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
            c.drawImage(ImageReader(noise), 54, 40, width=120, height=60)
        c.drawString(300, 20, f"{number + 1}")
        c.showPage()
    c.save()
    return out.getvalue()


def _accept_time(body: bytes, repeat: int) -> float:
    """Median time of the whole POST of a comment with this file, through the real app."""
    from flask import Flask

    from portal import create_app
    from portal.cli import alembic_config
    from tests.conftest import make_period, valid_comment

    times = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        from alembic import command

        command.upgrade(alembic_config(url), "head")
        app: Flask = create_app({"TESTING": True, "DATABASE_URL": url,
                                 "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                                 "FORM_MIN_SECONDS": 0, "WTF_CSRF_ENABLED": False,
                                 "UPLOAD_DIR": f"{folder}/uploads"})
        period = make_period(app)
        client = app.test_client()
        for i in range(repeat + 1):
            # Each round a different file (one changed byte at the end): never deduplicated.
            data = {**valid_comment(), "files": [(io.BytesIO(body + b"%" + bytes([i])),
                                                  "paper.pdf")]}
            began = time.perf_counter()
            response = client.post(f"/en/periods/{period.slug}/comment", data=data,
                                   content_type="multipart/form-data")
            elapsed = time.perf_counter() - began
            assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
            if i:  # the first warms up
                times.append(elapsed)
        app.extensions["portal_engine"].dispose()
    return statistics.median(times)


# The reader child as extraction.run starts it, then its own high-water mark of resident memory
# (VmHWM starts afresh at exec; ru_maxrss would carry the forking parent's).
_MEASURED_CHILD = (
    "import re, sys\n"
    "from portal.services import extraction_child\n"
    "extraction_child.main(['child', *sys.argv[1:]])\n"
    "status = open('/proc/self/status').read()\n"
    "sys.stderr.write(re.search(r'VmHWM:\\s*(\\d+)', status).group(1))\n"
)


def _child_peak(path: Path) -> float:
    """Peak resident memory (MiB) of one reader child reading the file."""
    done = subprocess.run(  # noqa: S603 - our own code and arguments
        [sys.executable, "-c", _MEASURED_CHILD, str(path), "pdf", str(Limits().max_chars)],
        capture_output=True, check=True)
    return int(done.stderr.decode().strip().splitlines()[-1]) / 1024


def _extract(body: bytes, repeat: int) -> tuple[float, float, int, int]:
    """Median wall time (through extraction.run, limits and all), peak child memory (MiB),
    pages and characters read."""
    times = []
    pages = chars = 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "paper"
        path.write_bytes(body)
        for _ in range(repeat):
            began = time.perf_counter()
            result = run(path, "pdf", Limits(timeout=600, memory_mb=2048))
            times.append(time.perf_counter() - began)
            assert not result.failed, result.note
            pages, chars = result.pages or 0, len(result.text)
        peak = _child_peak(path)
    return statistics.median(times), peak, pages, chars


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    # Just under the 10 MiB a file may have (PORTAL_ATTACHMENT_MAX_BYTES).
    parser.add_argument("--megabytes", type=float, default=9.6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    os.environ.setdefault("PORTAL_ENV", "development")
    small = make_pdf(1, 0)
    large = make_pdf(args.pages, args.megabytes)
    size = len(large) / (1024 * 1024)
    print(f"one page: {len(small):,} bytes; large: {size:.1f} MiB, {args.pages} pages")
    small_extract, small_peak, _, _ = _extract(small, args.repeat)
    large_extract, large_peak, pages, chars = _extract(large, args.repeat)
    small_accept = _accept_time(small, args.repeat)
    large_accept = _accept_time(large, args.repeat)
    label = f"{args.pages} pages, {size:.1f} MiB"
    results = [
        Result("SQLite", "accept a comment with the PDF (whole POST)", "1 page", small_accept,
               label, large_accept, "s"),
        Result("-", "extract its text (child process)", "1 page", small_extract, label,
               large_extract, "s", note=f"{pages} pages, {chars:,} characters read"),
        Result("-", "extraction peak memory (child)", "1 page", small_peak, label, large_peak,
               "MiB"),
    ]
    print_results(results)
    if not args.no_record:
        append_results("Attachments: accepting and reading a large PDF", describe_machine(),
                       results, ["`python -m bench.attachments` (bench/attachments.py)."])


if __name__ == "__main__":
    main()
