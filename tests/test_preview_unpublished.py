"""Drafts and articles dated later: a build never publishes them (and says so); a preview with
`serve --drafts --future` shows them, marked."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from briefings.build.builder import SiteBuilder
from briefings.commands.build import build_site
from briefings.config import load_config
from tests.conftest import write

LATER = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()


def add_unpublished(example: Path) -> None:
    write(
        example / "content/articles/later.md",
        f"---\ntitle: Embargoed drone report\ndate: {LATER}\nsource: Wire\n---\nEmbargoed text.\n",
    )
    write(
        example / "content/articles/unsure.md",
        "---\ntitle: Unconfirmed drone report\ndate: 2025-04-14\nsource: Wire\ndraft: true\n---\n"
        "Not confirmed yet.\n",
    )
    edition = example / "content/editions/2025-04-14.md"
    edition.write_text(
        edition.read_text().replace(
            "    items:\n", "    items:\n      - embargoed-drone-report\n", 1
        )
    )


def test_a_build_holds_back_future_articles_and_drafts_and_says_so(example: Path) -> None:
    add_unpublished(example)
    said: list[str] = []
    build_site(load_config(example), log=said.append)
    site = example / "site"
    assert not (site / "articles/embargoed-drone-report").exists()
    assert not (site / "articles/unconfirmed-drone-report").exists()
    assert "Embargoed" not in (site / "editions/2025-04-14/index.html").read_text()
    assert "Embargoed" not in (site / "feed.xml").read_text()
    assert any("1 article(s) dated in the future, not published until then" in s for s in said)
    assert any(f"on {LATER}: content/articles/later.md" in s for s in said)


def test_a_preview_shows_them_marked(example: Path) -> None:
    add_unpublished(example)
    builder = SiteBuilder(example, preview=(True, True))
    result = builder.rebuild()
    assert result.error is None, result.error
    site = example / "site"
    later = (site / "articles/embargoed-drone-report/index.html").read_text()
    assert "Scheduled for" in later and "serve --future" in later
    draft = (site / "articles/unconfirmed-drone-report/index.html").read_text()
    assert "A draft" in draft
    edition = (site / "editions/2025-04-14/index.html").read_text()
    assert '<span class="unpublished">Scheduled</span>' in edition
    # The next build publishes what is due, and only that.
    build_site(load_config(example))
    assert not (site / "articles/embargoed-drone-report").exists()
    assert not (site / "articles/unconfirmed-drone-report").exists()
