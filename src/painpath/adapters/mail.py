"""E-mail delivery: SMTP for a real clinic, a folder of ``.eml`` files for the embedded shape.

Both satisfy ``domain.ports.MailSender``. Health data never goes in a message: callers send a
link or a notice only. Send after the transaction commits; a slow mail server must not hold
database locks.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from painpath.domain.errors import DeliveryFailed
from painpath.domain.ports import MailMessage

__all__ = ["FolderMailSender", "OutgoingMail", "SmtpMailSender", "to_email"]


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """One plain-text message (satisfies ``MailMessage``). ``headers``: extra headers such as
    ``List-Unsubscribe`` (RFC 2369/8058) for reminders."""

    to: str
    subject: str
    body: str
    headers: Mapping[str, str] = field(default_factory=dict)


def to_email(message: MailMessage, *, sender: str) -> EmailMessage:
    """Build the RFC 5322 message; header injection is impossible through ``EmailMessage``."""
    extra: Mapping[str, str] = getattr(message, "headers", None) or {}
    header_text = message.to + message.subject + "".join(f"{k}{v}" for k, v in extra.items())
    if any(ch in header_text for ch in "\r\n"):
        raise DeliveryFailed("a mail header contains a line break")
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2]
    mail["Message-ID"] = make_msgid(domain=domain or "painpath.local")
    for name, value in extra.items():
        mail[name] = value
    mail.set_content(message.body)
    return mail


class SmtpMailSender:
    """Sends through an SMTP server (STARTTLS or implicit TLS when configured)."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        implicit_tls: bool = False,
        timeout_s: float = 10.0,
    ) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._username = username
        self._password = password
        self._starttls = starttls
        self._implicit_tls = implicit_tls
        self._timeout_s = timeout_s

    def send(self, message: MailMessage) -> None:
        mail = to_email(message, sender=self._sender)
        try:
            with self._connect() as smtp:
                if self._starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self._username:
                    smtp.login(self._username, self._password or "")
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as err:
            raise DeliveryFailed(f"the mail server did not accept the message: {err}") from err

    def _connect(self) -> smtplib.SMTP:
        if self._implicit_tls:
            return smtplib.SMTP_SSL(
                self._host,
                self._port,
                timeout=self._timeout_s,
                context=ssl.create_default_context(),
            )
        return smtplib.SMTP(self._host, self._port, timeout=self._timeout_s)


class FolderMailSender:
    """The embedded default with no SMTP server configured: each message becomes an ``.eml``
    file in a folder (mode 0600) that the person running PainPath can open. Nothing leaves
    the machine."""

    def __init__(self, directory: Path, *, sender: str) -> None:
        self._directory = directory
        self._sender = sender

    def send(self, message: MailMessage) -> None:
        mail = to_email(message, sender=self._sender)
        try:
            self._directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = self._directory / f"{uuid.uuid4().hex}.eml"
            path.touch(mode=0o600)
            path.write_bytes(bytes(mail))
        except OSError as err:
            raise DeliveryFailed(f"could not write the message to {self._directory}") from err
