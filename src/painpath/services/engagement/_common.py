"""Helpers the engagement services share: links in e-mails and best-effort notices."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from painpath.adapters.mail import OutgoingMail
from painpath.domain.engagement.mailtext import MailText
from painpath.domain.errors import DeliveryFailed, InvalidInput
from painpath.services.context import ServiceContext

__all__ = ["FormProblems", "mail_of", "public_link", "send_notice"]

log = logging.getLogger(__name__)


class FormProblems(InvalidInput):
    """Several form fields are wrong at once; ``problems`` maps field name -> message."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = dict(problems)


def public_link(ctx: ServiceContext, path: str) -> str:
    """An absolute link for an e-mail (``PAINPATH_PUBLIC_BASE_URL`` + path)."""
    base = str(ctx.extras.get("public_base_url", "http://127.0.0.1:8000")).rstrip("/")
    return f"{base}{path}"


def mail_of(to: str, text: MailText, headers: Mapping[str, str] | None = None) -> OutgoingMail:
    return OutgoingMail(to=to, subject=text.subject, body=text.body, headers=dict(headers or {}))


def send_notice(ctx: ServiceContext, mail: OutgoingMail, *, what: str) -> bool:
    """Send a notice whose loss is not fatal (the data it points to is saved); log a failure."""
    try:
        ctx.mail.send(mail)
    except DeliveryFailed as err:
        log.warning("could not send the %s e-mail: %s", what, err)
        return False
    return True
