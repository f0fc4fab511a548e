"""`briefings digest`: an edition as an email, written to a file or sent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from briefings.config import Config
from briefings.digest import Recipient, make_digest, send_digest, write_eml
from briefings.errors import BriefingsError


def run_digest(
    config: Config,
    edition: str | None,
    recipients: list[Recipient],
    out: Path | None,
    html_file: Path | None,
    send: bool,
    dry_run: bool,
    echo: Callable[[str], None],
    retry_unknown: bool = False,
) -> bool:
    """Make EDITION's digest (the latest when None) and do with it what was asked; returns
    whether every send went through."""
    if not (out or html_file or send or dry_run):
        raise BriefingsError(
            "say what to do with the digest",
            hint="--out FILE.eml, --html FILE, or --send --to ADDRESS",
        )
    if (send or dry_run) and not recipients:
        raise BriefingsError("no recipients", hint="give --to ADDRESS or --list FILE.csv")
    built = make_digest(config, edition, log=echo, preview=not (send or dry_run))
    mode = "full items" if built.parts.full else "summaries"
    echo(f"Digest of {built.edition.edition.slug}: {built.parts.subject!r} ({mode})")
    if out:
        size = write_eml(built, out, recipients[0] if recipients else None)
        echo(f"Wrote {out} ({size / 1024:.1f} KB)")
    if html_file:
        html_file.write_text(built.parts.html, encoding="utf-8")
        echo(f"Wrote {html_file}")
    if dry_run:
        already = built.sent_log.sent()
        pending = [r for r in recipients if r.address.lower() not in already]  # (and unknown)
        echo(
            f"Would send to {len(pending)} of {len(recipients)} recipients ({len(recipients) - len(pending)} already sent):"
        )
        for r in pending:
            echo(f"  {r.address}")
        return True
    if send:
        report = send_digest(built, recipients, echo, retry_unknown)
        echo(report.summary())
        return not (report.failed or report.paused or report.unknown)
    return True
