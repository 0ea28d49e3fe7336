"""Outgoing mail behind one small interface, so the transport is a setting.

- `SmtpMailSender` (MINTHUB_SMTP_URL set): smtp://user:pass@host:587 uses STARTTLS,
  smtps://user:pass@host:465 implicit TLS. Sent from a worker thread (smtplib blocks).
- `OutboxMailSender` (development, tests): keeps messages in process memory (`messages`), and
  writes each as an .eml file into MINTHUB_MAIL_OUTBOX_DIR when set. Bodies hold invitation
  links, so they are never logged: the log line names recipient and subject only.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import structlog

from minthub_api.core.settings import Settings

log = structlog.get_logger("minthub.mail")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class MailSender(Protocol):
    async def send(self, mail: Mail) -> None: ...


def _message(sender: str, mail: Mail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg.set_content(mail.body)
    return msg


@dataclass
class OutboxMailSender:
    sender: str
    directory: Path | None = None
    messages: list[Mail] = field(default_factory=list)

    async def send(self, mail: Mail) -> None:
        self.messages.append(mail)
        path = None
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            path = self.directory / f"{stamp}.eml"
            path.write_bytes(bytes(_message(self.sender, mail)))
            path.chmod(0o600)
        where = str(path) if path else None
        log.info("mail.outboxed", to=mail.to, subject=mail.subject, path=where)


@dataclass
class SmtpMailSender:
    sender: str
    url: str
    timeout: float = 20.0

    def _send_sync(self, mail: Mail) -> None:
        parts = urlsplit(self.url)
        host = parts.hostname or "localhost"
        implicit_tls = parts.scheme == "smtps"
        port = parts.port or (465 if implicit_tls else 587)
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if implicit_tls:
            smtp = smtplib.SMTP_SSL(host, port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=self.timeout)
        with smtp:
            if not implicit_tls:
                smtp.starttls(context=context)
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(_message(self.sender, mail))

    async def send(self, mail: Mail) -> None:
        await asyncio.to_thread(self._send_sync, mail)
        log.info("mail.sent", to=mail.to, subject=mail.subject)


def build_mail_sender(settings: Settings) -> MailSender:
    url = settings.smtp_url.get_secret_value()
    if url:
        return SmtpMailSender(sender=settings.mail_from, url=url)
    return OutboxMailSender(sender=settings.mail_from, directory=settings.mail_outbox_dir)


async def send_quietly(sender: MailSender, mail: Mail) -> None:
    """Send after the response (BackgroundTasks): a mail failure must not undo the invitation;
    the inviter can revoke and invite again."""
    try:
        await sender.send(mail)
    except Exception as exc:
        log.error("mail.failed", to=mail.to, subject=mail.subject, error=type(exc).__name__)
