"""`briefings check`: everything a build would read, checked without writing anything; an exit
status for CI. Errors are what a build would refuse; warnings are what would ship unnoticed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from briefings import urls
from briefings.config import Config
from briefings.content.load import load_content
from briefings.errors import ContentError


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [f"error: {e}" for e in self.errors] + [f"warning: {w}" for w in self.warnings]
        verdict = "problems" if self.errors else "ok"
        lines.append(f"{verdict}: {len(self.errors)} errors, {len(self.warnings)} warnings")
        return lines


def check_project(config: Config, now: datetime | None = None) -> Report:
    """Check CONFIG's project (its settings were checked loading it): content and editions,
    the base_url it would publish at, articles dated in the future."""
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
    report.warnings += [
        f"{a.path}: a draft, not published" + (f": needs {', '.join(a.needs)}" if a.needs else "")
        for a in content.drafts
    ]
    now = now or datetime.now(UTC)
    for article in content.articles:
        if article.date > now:
            report.warnings.append(
                f"{article.path}: dated {article.date.date().isoformat()}, in the future: "
                "held back until then (`serve --future` previews it)"
            )
    if not content.articles:
        report.warnings.append("no published articles: the site would be empty")
    return report
