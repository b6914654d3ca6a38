"""A real SMTP server in the test process (aiosmtpd), a worker in a thread or a process, and
waiting for what they do."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask
from huey.consumer import Consumer

WAIT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(what: Callable[[], Any], message: str, timeout: float = WAIT_SECONDS) -> Any:
    """Poll until what() is truthy; fail with message if it never is."""
    deadline = time.monotonic() + timeout
    while True:
        value = what()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting: {message}")
        time.sleep(0.05)


class Mailbox:
    """An aiosmtpd handler that keeps every accepted message. `refuse` lists addresses to
    answer 550; `hold_at` makes the n-th RCPT wait until `release` is set (a message the
    server has not accepted yet: a worker killed then has not sent it)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.refuse: set[str] = set()
        self.hold_at: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self._rcpts = 0
        self._lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        self._rcpts += 1
        if self.hold_at is not None and self._rcpts == self.hold_at:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = BytesParser(policy=policy.default).parsebytes(envelope.content)
        with self._lock:
            self.messages.append(parsed)  # type: ignore[arg-type]
            self.envelopes.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def received(self) -> list[EmailMessage]:
        with self._lock:
            return list(self.messages)


class SmtpServer:
    """aiosmtpd on 127.0.0.1, speaking SMTPUTF8; start and stop it to play a server that is
    down, then back."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port,
                                      enable_SMTPUTF8=True)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self.mailbox.release.set()
            self._controller.stop()
            self._controller = None


class InProcessConsumer(Consumer):  # type: ignore[misc]
    """Huey's consumer, started from a test: the test runner keeps its own signal handlers."""

    def _set_signal_handlers(self) -> None:
        pass


@contextmanager
def consumer_thread(app: Flask) -> Iterator[None]:
    """A real consumer of the app's queue (memory:// or a file) running in this process."""
    huey = app.extensions["portal_tasks"].huey
    consumer = InProcessConsumer(huey, workers=1, worker_type="thread", periodic=False,
                                 initial_delay=0.02, max_delay=0.2, backoff=1.1)
    consumer.start()
    try:
        yield
    finally:
        consumer.stop(graceful=True)


def text_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def html_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


class WorkerProcess:
    """`flask --app portal worker` in a process of its own, on the given settings."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = {**os.environ, **env}
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        flask = Path(sys.executable).with_name("flask")
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(flask), "--app", "portal", "worker", "--workers", "1"],
                env=self.env, stdout=out, stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
