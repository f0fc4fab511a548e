"""From a project to a digest: pick the edition, render, check links and size, write or send."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from briefings.build.relate_stage import render_and_relate
from briefings.config import Config
from briefings.content.load import left_out_warning, load_content
from briefings.content.visible import visible
from briefings.digest.compose import DigestParts, check_links, fit_to_size, render_parts
from briefings.digest.deliver import Recipient, Report, SentLog, deliver
from briefings.digest.message import build_message, default_list_id, unsubscribe_links
from briefings.errors import BriefingsError
from briefings.site.views import EditionView, edition_view, make_entries

SECRET_VARIABLE = "BRIEFINGS_UNSUBSCRIBE_SECRET"
PREVIEW_SENDER = "briefing@example.org"  # a preview's sender while the project names none
STATE_FOLDER = ".briefings"


@dataclass(frozen=True)
class Digest:
    config: Config
    edition: EditionView
    parts: DigestParts
    list_id: str

    def message(self, recipient: Recipient) -> EmailMessage:
        return build_message(
            self.parts,
            self.config.settings.digest,
            to=recipient.address,
            to_name=recipient.name,
            edition_slug=self.edition.edition.slug,
            list_id=self.list_id,
            list_name=self.config.settings.title,
            unsubscribe_secret=os.environ.get(SECRET_VARIABLE, ""),
        )

    @property
    def sent_log(self) -> SentLog:
        return SentLog(
            self.config.root / STATE_FOLDER / "digests" / f"{self.edition.edition.slug}.jsonl"
        )


def make_digest(
    config: Config,
    edition_key: str | None,
    log: Callable[[str], None] = lambda _: None,
    preview: bool = False,
) -> Digest:
    """The digest of the edition named EDITION_KEY (its date or slug), or of the latest.
    PREVIEW: only to be looked at (written to a file), so that it may come from PREVIEW_SENDER
    while the project names no sender; a digest to send needs one."""
    settings = config.settings
    if not settings.digest.from_address:
        if not preview:
            raise BriefingsError(
                "digest.from_address is not set",
                path=config.config_file,
                hint='add [digest] from_address = "news@example.org"',
            )
        log(
            f"digest.from_address is not set: this preview comes from {PREVIEW_SENDER}"
            f' (set [digest] from_address = "..." in {config.config_file.name} before --send)'
        )
        digest = replace(settings.digest, from_address=PREVIEW_SENDER)
        config = replace(config, settings=replace(settings, digest=digest))
        settings = config.settings
    # What the site publishes now: an article dated later is not mailed before it is online.
    # As a build does, an article whose file has problems is left out, and said.
    loaded = load_content(config.content_dir, config.tz, config.root, leave_out=True)
    for line in left_out_warning(loaded.left_out, "make it again"):
        log(line)
    content = visible(loaded, datetime.now(UTC))
    view = _edition(config, content, edition_key)
    list_id = settings.digest.list_id or default_list_id(settings.title, settings.base_url)
    sample = Recipient(settings.digest.from_address)
    unsubscribe = unsubscribe_links(
        settings.digest, list_id, sample.address, os.environ.get(SECRET_VARIABLE, "")
    )
    footer_link = next(
        (link for link in unsubscribe if link.startswith("https://")),
        unsubscribe[0] if unsubscribe else "",
    )

    def render(full: bool) -> tuple[DigestParts, int]:
        parts = render_parts(config, view, footer_link, full)
        size = len(Digest(config, view, parts, list_id).message(sample).as_bytes())
        return parts, size

    parts = fit_to_size(
        render,
        settings.digest.max_kb * 1024,
        settings.digest.warn_kb * 1024,
        log,
        full=settings.digest.content == "full",
    )
    check_links(parts, config)
    return Digest(config, view, parts, list_id)


def _edition(config: Config, content, key: str | None) -> EditionView:
    if not content.editions:
        raise BriefingsError(
            "there is no edition to send", hint="add articles or an edition to content/"
        )
    if key is None:
        chosen = content.editions[0]
    else:
        matches = [e for e in content.editions if key in (e.slug, e.date.date().isoformat())]
        if not matches:
            known = ", ".join(e.slug for e in content.editions[:5])
            raise BriefingsError(f"no edition {key!r}", hint=f"editions: {known}")
        chosen = matches[0]
    texts, relations = render_and_relate(config, content)
    return edition_view(chosen, make_entries(content.articles, texts, relations), relations)


def write_eml(digest: Digest, path: Path, to: Recipient | None = None) -> int:
    message = digest.message(to or Recipient(digest.config.settings.digest.from_address))
    data = message.as_bytes()
    path.write_bytes(data)
    return len(data)


def send_digest(
    digest: Digest,
    recipients: list[Recipient],
    echo: Callable[[str], None],
    retry_unknown: bool = False,
) -> Report:
    settings = digest.config.settings
    messages = ((r, lambda r=r: digest.message(r)) for r in recipients)
    return deliver(
        messages,
        settings.smtp,
        settings.digest.from_address,
        digest.sent_log,
        echo=echo,
        retry_unknown=retry_unknown,
    )
