"""`briefings check`: everything a build would read, checked without writing anything; an exit
status for CI. Errors are what a build would refuse; warnings are what would ship unnoticed."""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from briefings import urls
from briefings.build.builder import SiteBuilder
from briefings.build.notices import DRAFTS_SHOWN
from briefings.config import Config
from briefings.content.load import load_content
from briefings.errors import ContentError
from briefings.model import Content
from briefings.site.links import find_broken_links


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # How many drafts, and how many need each thing (date, source, review): a folder of
    # ingested pages may leave hundreds, and the editor wants the count of each kind first.
    drafts: int = 0
    needs: Counter[str] = field(default_factory=Counter)
    # Each draft is a warning, but only the first DRAFTS_SHOWN are a line each, after the
    # other warnings: a folder of ingested pages left 335, which buried every other warning.
    shown_drafts: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [f"error: {e}" for e in self.errors] + [f"warning: {w}" for w in self.warnings]
        lines += [f"warning: {d}" for d in self.shown_drafts]
        if self.drafts > len(self.shown_drafts):
            lines.append(f"warning: ... and {self.drafts - len(self.shown_drafts)} more drafts")
        if self.drafts:
            needs = ", ".join(f"{name} {count}" for name, count in self.needs.most_common())
            lines.append(
                f"drafts: {self.drafts}"
                + (f", needing {needs}" if needs else "")
                + " (`briefings list --drafts` lists them)"
            )
        verdict = "problems" if self.errors else "ok"
        lines.append(f"{verdict}: {len(self.errors)} errors, {self.warning_count} warnings")
        return lines

    @property
    def warning_count(self) -> int:
        return len(self.warnings) + self.drafts


def check_project(config: Config, now: datetime | None = None, links: bool = True) -> Report:
    """Check CONFIG's project (its settings were checked loading it): content and editions,
    the base_url it would publish at, articles dated in the future; with LINKS, the site's
    internal links (built in a temporary folder: nothing of the project is written)."""
    report = Report()
    reason = urls.placeholder_base(config.settings.base_url)
    if reason:
        report.warnings.append(
            f"{config.config_file.name}: base_url {config.settings.base_url!r} is {reason}: "
            "publish and digest --send refuse it (set the site's address)"
        )
    try:
        content = load_content(config.content_dir, config.tz, config.root)
    except ContentError as exc:
        report.errors += [str(problem) for problem in exc.problems]
        return report
    report.warnings += list(content.notes)
    report.shown_drafts = [
        f"{a.path}: a draft, not published" + (f": needs {', '.join(a.needs)}" if a.needs else "")
        for a in content.drafts[:DRAFTS_SHOWN]
    ]
    report.drafts = len(content.drafts)
    # A need is said as "date: guessed from the page's text, check it": counted by its name.
    for draft in content.drafts:
        report.needs.update({need.split(":")[0] for need in draft.needs})
    now = now or datetime.now(UTC)
    for article in content.articles:
        if article.date > now:
            report.warnings.append(
                f"{article.path}: dated {article.date.date().isoformat()}, in the future: "
                "held back until then (`serve --future` previews it)"
            )
    if not content.articles:
        report.warnings.append("no published articles: the site would be empty")
    if links and content.articles:
        report.warnings += broken_links(config, content)
    return report


def broken_links(config: Config, content: Content) -> list[str]:
    """The site's internal links that lead nowhere (an article's or a note's link to a page
    the site does not have), each named with the file that holds it."""
    with tempfile.TemporaryDirectory(prefix="briefings-check-") as scratch:
        paths = replace(config.settings.paths, output=str(Path(scratch) / "site"))
        settings = replace(config.settings, paths=paths, search=False)
        trial = replace(config, settings=settings)
        result = SiteBuilder(config.root, config=trial).rebuild()
        if result.error is not None:
            return [f"the site does not build: {result.error}"]
        found = find_broken_links(trial.output_dir, settings.base_url)
    by_page = {urls.output_file(urls.article(a.slug)): a.path for a in content.articles}
    return [
        f"{by_page.get(link.page, link.page)}: links to {link.target!r}, which the site does not"
        f" have (on {link.page})"
        for link in found
    ]
