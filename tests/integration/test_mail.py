"""Outgoing mail: the SMTP adapter against a real SMTP server, the folder sender, the errors."""

from __future__ import annotations

import email
import email.policy
import stat
from pathlib import Path

import pytest

from painpath.adapters.mail import FolderMailSender, OutgoingMail, SmtpMailSender
from painpath.bootstrap import build_container
from painpath.config import Settings
from painpath.domain.errors import DeliveryFailed
from tests.mailserver import SmtpTestServer, running_smtp_server


def _smtp(server: SmtpTestServer) -> SmtpMailSender:
    return SmtpMailSender(
        host=server.host, port=server.port, sender="PainPath <no-reply@clinic.test>", starttls=False
    )


def test_smtp_sender_delivers_a_plain_text_message(smtp_server: SmtpTestServer) -> None:
    _smtp(smtp_server).send(
        OutgoingMail(to="maria@example.test", subject="Your sign-in link", body="Open: https://x")
    )
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "maria@example.test"
    assert message["Subject"] == "Your sign-in link"
    assert message["From"] == "PainPath <no-reply@clinic.test>"
    assert message["Message-ID"]
    assert message.get_content().strip() == "Open: https://x"


def test_a_header_with_a_line_break_is_refused_not_sent(smtp_server: SmtpTestServer) -> None:
    with pytest.raises(DeliveryFailed, match="line break"):
        _smtp(smtp_server).send(
            OutgoingMail(to="a@example.test\r\nBcc: b@example.test", subject="x", body="y")
        )
    assert smtp_server.messages == []


def test_an_unreachable_server_is_a_delivery_failure() -> None:
    with running_smtp_server() as server:
        port = server.port
    sender = SmtpMailSender(host="127.0.0.1", port=port, sender="a@b.test", timeout_s=2)
    with pytest.raises(DeliveryFailed, match="did not accept"):
        sender.send(OutgoingMail(to="x@example.test", subject="s", body="b"))


def test_folder_sender_writes_private_eml_files(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    FolderMailSender(outbox, sender="no-reply@painpath.local").send(
        OutgoingMail(to="tom@example.test", subject="Welcome", body="Hello Tom")
    )
    [path] = list(outbox.glob("*.eml"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "tom@example.test"
    assert "Hello Tom" in message.get_body().get_content()  # type: ignore[union-attr]


def test_the_container_picks_smtp_only_when_a_host_is_configured(
    tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    embedded = build_container(Settings(data_dir=tmp_path / "a"), worker_threads=0)
    assert isinstance(embedded.mail, FolderMailSender)
    configured = build_container(
        Settings(
            data_dir=tmp_path / "b",
            smtp_host=smtp_server.host,
            smtp_port=smtp_server.port,
            smtp_starttls=False,
        ),
        worker_threads=0,
    )
    configured.mail.send(OutgoingMail(to="x@example.test", subject="Hi", body="there"))
    assert smtp_server.wait_for(1)[0]["Subject"] == "Hi"
    embedded.engine.dispose()
    configured.engine.dispose()
