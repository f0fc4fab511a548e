"""One recipient's message: validated headers and multipart/alternative (text, then HTML).

Header values are checked here, not left to the email package: the Python 3.11 on our machines
(3.11.7, before the fix for CVE-2024-6923) lets a trailing newline in a value inject a header.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime
from email.header import decode_header
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from urllib.parse import quote, urlencode, urlsplit

from briefings.config import DigestSettings
from briefings.digest.compose import DigestParts
from briefings.errors import BriefingsError

CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=")
ADDRESS = re.compile(r"^[^@\s<>,;\"()\[\]\\]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def clean_header(value: str) -> str:
    """VALUE safe to put in a header: control characters (CR and LF above all) removed, also
    where they hide in RFC 2047 encoded words such as =?UTF-8?Q?=0A?=; whitespace folded."""
    value = ENCODED_WORD.sub(_defuse_encoded_word, str(value))
    return " ".join(CONTROL.sub(" ", value).split())


def _defuse_encoded_word(match: re.Match[str]) -> str:
    try:
        decoded = "".join(
            part.decode(charset or "ascii", "replace") if isinstance(part, bytes) else part
            for part, charset in decode_header(match.group(0))
        )
    except (ValueError, LookupError):
        return ""
    # Put the decoded text in as plain text: the email package encodes it again if it needs to,
    # and a literal encoded word can no longer smuggle a newline to a reader's mail client.
    return CONTROL.sub(" ", decoded)


def check_address(address: str, what: str = "address") -> str:
    """ADDRESS if it is one plain mailbox, else a clear error (never a header injection)."""
    address = address.strip()
    if CONTROL.search(address) or ENCODED_WORD.search(address) or not ADDRESS.match(address):
        raise BriefingsError(f"{what} {address!r} is not a valid email address")
    return address


def unsubscribe_token(secret: str, list_id: str, address: str) -> str:
    """An opaque per-recipient token: HMAC-SHA256 of list and address. The endpoint, which has
    the list, finds the subscriber whose token matches (hmac.compare_digest)."""
    digest = hmac.new(
        secret.encode(), f"{list_id}\n{address.lower()}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def default_list_id(title: str, base_url: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "briefing"
    return f"{slug}.{urlsplit(base_url).hostname or 'localhost'}"


def message_id(edition_slug: str, list_id: str, address: str, domain: str) -> str:
    """The same for every attempt at one edition to one recipient: if a crash makes us send
    twice, receiving systems see one message."""
    key = hashlib.sha256(f"{list_id}\n{edition_slug}\n{address.lower()}".encode()).hexdigest()[:32]
    return f"<{key}@{domain}>"


def build_message(
    parts: DigestParts,
    settings: DigestSettings,
    *,
    to: str,
    to_name: str = "",
    edition_slug: str,
    list_id: str,
    list_name: str,
    unsubscribe_secret: str = "",
    now: datetime | None = None,
) -> EmailMessage:
    """The message for one recipient."""
    sender = check_address(settings.from_address, "digest.from_address")
    to = check_address(to, "recipient")
    msg = EmailMessage(policy=SMTP)
    msg["From"] = formataddr((clean_header(settings.from_name), sender))
    msg["To"] = formataddr((clean_header(to_name), to))
    if settings.reply_to:
        msg["Reply-To"] = check_address(settings.reply_to, "digest.reply_to")
    msg["Subject"] = clean_header(parts.subject)
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    msg["Message-ID"] = message_id(edition_slug, list_id, to, sender.split("@", 1)[1])
    msg["List-Id"] = f"{clean_header(list_name)} <{clean_header(list_id)}>"
    unsubscribe = unsubscribe_links(settings, list_id, to, unsubscribe_secret)
    if unsubscribe:
        msg["List-Unsubscribe"] = ", ".join(f"<{link}>" for link in unsubscribe)
        if settings.unsubscribe_url:
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(parts.text, subtype="plain", charset="utf-8")
    msg.add_alternative(parts.html, subtype="html", charset="utf-8")
    return msg


def unsubscribe_links(
    settings: DigestSettings, list_id: str, address: str, secret: str
) -> list[str]:
    links = []
    token = unsubscribe_token(secret, list_id, address) if secret else ""
    if settings.unsubscribe_mailto:
        mailbox = check_address(settings.unsubscribe_mailto, "digest.unsubscribe_mailto")
        subject = f"unsubscribe {token}".strip()
        links.append(f"mailto:{mailbox}?subject={quote(subject)}")
    if settings.unsubscribe_url:
        if not secret:
            raise BriefingsError(
                "digest.unsubscribe_url needs a signing secret",
                hint="set BRIEFINGS_UNSUBSCRIBE_SECRET in the environment (never in briefings.toml)",
            )
        separator = "&" if "?" in settings.unsubscribe_url else "?"
        links.append(
            f"{settings.unsubscribe_url}{separator}{urlencode({'list': list_id, 't': token})}"
        )
    return links
