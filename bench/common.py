"""What every benchmark shares: scratch databases, timing, servers, load, and the report.

A measurement is never a bare number: each `Result` holds a baseline measured in the same run
(the same page at 10 thousand rows, a bare Flask app under the same gunicorn, the sqlite3 dump of
the same columns) and the ratio between them, so a busy machine slows both sides alike.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
PYTHON = sys.executable


# -- timing -------------------------------------------------------------------------------------

def median_time(fn: Callable[[], object], repeat: int, warmup: int = 1) -> float:
    """Median wall time of fn over repeat calls, after warmup calls that are not counted."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


@dataclass
class Result:
    """One line of the report: what was measured against which baseline of the same run.

    ratio = measured / baseline for times and sizes; for rates (higher is better) the caller
    passes rates, and the ratio reads "portal at x of the baseline's rate".
    """

    engine: str
    what: str
    baseline_label: str
    baseline: float
    measured_label: str
    measured: float
    unit: str
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.measured / self.baseline if self.baseline else float("nan")


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.1f} s"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    return f"{value:,.0f} {unit}"


def print_results(results: list[Result]) -> None:
    for line in table(results):
        print(line)


def table(results: list[Result]) -> list[str]:
    lines = ["| engine | what | baseline | measured | ratio | target | met |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        note = f" ({r.note})" if r.note else ""
        lines.append(
            f"| {r.engine} | {r.what}{note} | {r.baseline_label}: {fmt(r.baseline, r.unit)} | "
            f"{r.measured_label}: {fmt(r.measured, r.unit)} | {r.ratio:.2f} | {r.target} | {met} |")
    return lines


# -- the machine --------------------------------------------------------------------------------

def describe_machine(pg_url: str | None = None) -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found.group(1).strip() if found else cpu
    memory = ""
    with contextlib.suppress(OSError):
        found = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
        memory = f", {int(found.group(1)) / 1024 / 1024:.0f} GiB" if found else ""
    parts = [f"{cpu}, {os.cpu_count()} cores{memory}",
             f"load average {os.getloadavg()[0]:.1f} at the start",
             f"Python {platform.python_version()}", f"SQLite {sqlite3.sqlite_version}"]
    if pg_url:
        # The server's own database: the named one is only a prefix for the scratch ones and
        # need not exist.
        engine = create_engine(make_url(pg_url).set(database="postgres"))
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar_one()
        engine.dispose()
        parts.append(f"PostgreSQL {version}")
    return "; ".join(parts)


def append_results(title: str, machine: str, results: list[Result], notes: list[str]) -> None:
    """Add a dated section to bench/RESULTS.md (newest first, under the file's heading)."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = "\n".join([f"## {stamp} — {title}", "", f"Machine: {machine}.", "",
                         *table(results), "", *notes, ""])
    head = "# Benchmark results\n\nNewest first; written by `python -m bench.run`.\n"
    body = RESULTS.read_text() if RESULTS.exists() else head
    if not body.startswith("# "):
        body = head + "\n" + body
    first, _, rest = body.partition("\n## ")
    RESULTS.write_text(first.rstrip() + "\n\n" + section + ("\n## " + rest if rest else ""))


# -- scratch databases --------------------------------------------------------------------------

class Scratch:
    """Scratch databases: SQLite files in a temporary folder, or PostgreSQL databases named
    after a base URL's database (base_small, base_large...), dropped by close()."""

    def __init__(self, pg_base: str | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        self.pg_base = pg_base
        self.made: list[str] = []

    def sqlite(self, name: str) -> str:
        return f"sqlite:///{self.folder / f'{name}.sqlite3'}"

    def postgresql(self, name: str) -> str:
        assert self.pg_base, "no PostgreSQL URL given"
        base = make_url(self.pg_base)
        database = f"{base.database}_{name}"
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
        self.made.append(database)
        return base.set(database=database).render_as_string(hide_password=False)

    def url(self, engine: str, name: str) -> str:
        return self.postgresql(name) if engine == "postgresql" else self.sqlite(name)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.made and self.pg_base:
            admin = create_engine(make_url(self.pg_base).set(database="postgres"),
                                  isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                for database in self.made:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()


def copy_sqlite(url: str, name: str, scratch: Scratch) -> str:
    """A copy of a SQLite database (to write into without changing the original)."""
    source = sqlite3.connect(url.removeprefix("sqlite:///"))
    target_url = scratch.sqlite(name)
    target = sqlite3.connect(target_url.removeprefix("sqlite:///"))
    source.backup(target)
    source.close()
    target.close()
    return target_url


# -- servers and load ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(url: str, **extra: str) -> dict[str, str]:
    # Several gunicorn workers need a shared rate-limit store (portal/throttle.py).
    store = os.environ.get("PORTAL_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/14")
    return dict(os.environ, PORTAL_DATABASE_URL=url, PORTAL_SECRET_KEY="bench-secret",
                PORTAL_RATELIMIT_SUBMIT="1000000 per hour", PORTAL_ENV="production",
                PORTAL_RATELIMIT_STORAGE_URL=store, **extra)


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], workers: int = 2,
             health: str = "/healthz") -> Iterator[str]:
    """Serve app (a gunicorn "module:variable") on a free port; yields the base URL."""
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", app], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + health)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=60)


@contextlib.contextmanager
def worker(env: dict[str, str]) -> Iterator[None]:
    """`flask --app portal worker` on these settings while the block runs: the queued tasks
    only (the scheduled ones, such as checking the bench's comments for campaigns, would take
    the machine from what is measured)."""
    process = subprocess.Popen(
        [PYTHON, "-m", "flask", "--app", "portal", "worker", "--workers", "1",
         "--no-periodic"], env=env,
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=60)


def run_threads(work: Callable[[int], object], count: int) -> float:
    """Run work(0) ... work(count - 1) in threads at once; the seconds until all have ended."""
    threads = [threading.Thread(target=work, args=(k,)) for k in range(count)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - began


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def wrk_rate(url: str, seconds: int = 10, connections: int = 16) -> float | None:
    """Requests per second from wrk (one thread: the machine's other core serves), or None
    when wrk is not installed (`make bench-deps` installs Debian's)."""
    if shutil.which("wrk") is None:
        return None
    done = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url],
                          capture_output=True, text=True, check=True)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{done.stdout}")
    found = re.search(r"Requests/sec:\s*([\d.]+)", done.stdout)
    if not found:
        raise RuntimeError(done.stdout + done.stderr)
    return float(found.group(1))


STATIC_SERVER = """
import asyncio, sys
BODY = b"HTTP/1.1 200 OK\\r\\nContent-Length: 5\\r\\nContent-Type: text/plain\\r\\n\\r\\nhello"
async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\\r\\n\\r\\n")
            for line in head.split(b"\\r\\n"):
                if line.lower().startswith(b"content-length:"):
                    await reader.readexactly(int(line.split(b":")[1]))
            writer.write(BODY)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()
async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]))
    async with server:
        await server.serve_forever()
asyncio.run(main())
"""


@contextlib.contextmanager
def static_server() -> Iterator[str]:
    """A server that answers every request with the same bytes and does nothing else: what the
    load generator reaches against it is its own ceiling on this machine."""
    port = free_port()
    server = subprocess.Popen([PYTHON, "-c", STATIC_SERVER, str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


# The peak memory of a process counts the image it was forked from (Linux keeps the pre-exec
# high-water mark): a child of the benchmark itself, hundreds of MiB with its apps loaded, would
# seem as large. Commands are started from this small Python instead, which reports the peak of
# its own child.
_PEAK_OF_CHILD = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "with open(sys.argv[1], 'w') as f:\n"
    "    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)


def child_run(command: list[str], env: dict[str, str] | None = None,
              stdout: int | None = None) -> tuple[float, float]:
    """Run a command; (wall seconds, its peak resident memory in MiB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        began = time.perf_counter()
        process = subprocess.Popen([PYTHON, "-c", _PEAK_OF_CHILD, peak.name, *command],
                                   env=env, cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE)
        _, err = process.communicate()
        seconds = time.perf_counter() - began
        if process.returncode:
            raise RuntimeError(f"{command} failed ({process.returncode}):\n"
                               f"{err.decode()[-2000:]}")
        return seconds, int(peak.read() or 0) / 1024
