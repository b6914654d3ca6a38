"""Running a file reader in a child process bounded in address space, CPU time and wall time.

A crafted PDF can make a reader loop or allocate without end; in a child with RLIMIT_AS and
RLIMIT_CPU (and a wall-clock timeout) that ends the child, never the web or worker process.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

MAX_TEXT_CHARS = 2_000_000


@dataclass(frozen=True)
class Limits:
    timeout: float = 120.0
    memory_mb: int = 1024
    max_chars: int = MAX_TEXT_CHARS


@dataclass(frozen=True)
class Extracted:
    text: str = ""
    pages: int | None = None
    active: list[str] = field(default_factory=list)
    failed: bool = False
    # Why it failed: an ExtractionProblem code ("timeout", "memory", "encrypted", …).
    note: str = ""


def _limit(limits: Limits) -> None:
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = max(1, int(limits.timeout))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(path: Path, kind: str, limits: Limits) -> Extracted:
    """Read one file's text in a bounded child process."""
    command = [sys.executable, "-m", "portal.services.extraction_child", str(path), kind,
               str(limits.max_chars)]
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "PYTHONPATH")}
    try:
        done = subprocess.run(  # noqa: S603 - our own module, arguments we built
            command, capture_output=True, timeout=limits.timeout, check=False, env=env,
            preexec_fn=lambda: _limit(limits),  # noqa: PLW1509 - limits before exec
        )
    except subprocess.TimeoutExpired:
        return Extracted(failed=True, note="timeout")
    if done.returncode != 0:
        signal = -done.returncode if done.returncode < 0 else 0
        reason = "timeout" if signal in (9, 24) else "memory" if b"MemoryError" in done.stderr \
            else "crashed"
        return Extracted(failed=True, note=reason)
    try:
        result = json.loads(done.stdout.decode("utf-8"))
    except ValueError:
        return Extracted(failed=True, note="crashed")
    return Extracted(text=str(result.get("text", "")), pages=result.get("pages"),
                     active=[str(a) for a in result.get("active", [])],
                     failed=bool(result.get("failed")), note=str(result.get("note", ""))[:200])
