"""A real SMTP server for tests (aiosmtpd on a free loopback port) and an in-memory sender.

``smtp_server`` (a fixture in ``tests/conftest.py``) starts one per test; messages it received
are parsed ``email.message.EmailMessage`` objects in ``server.messages``.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from painpath.domain.ports import MailMessage

__all__ = ["RecordingMailSender", "SmtpTestServer", "running_smtp_server"]


@dataclass
class SmtpTestServer:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, *, timeout_s: float = 10.0) -> list[EmailMessage]:
        """Block until ``count`` messages arrived (delivery is asynchronous)."""
        deadline = time.monotonic() + timeout_s
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} of {count} messages arrived")
                self._arrived.wait(left)
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


class _Collect:
    def __init__(self, server: SmtpTestServer) -> None:
        self._server = server

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._server._arrived:
            self._server.messages.append(message)
            self._server._arrived.notify_all()
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_smtp_server() -> Iterator[SmtpTestServer]:
    server = SmtpTestServer(host="127.0.0.1", port=_free_port())
    controller = Controller(_Collect(server), hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@dataclass
class RecordingMailSender:
    """In-memory ``MailSender`` for unit tests."""

    sent: list[MailMessage] = field(default_factory=list)

    def send(self, message: MailMessage) -> None:
        self.sent.append(message)
