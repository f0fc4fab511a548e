"""`briefings new edition`: a draft edition from the articles no edition holds, a section per
story, never over a file the editor has."""

import json
from pathlib import Path

import frontmatter
import yaml

from tests.conftest import FIXTURES, write
from tests.test_cli import run

TRAM = "nc-74-croydon_tram_trash"


def add_tram_reports(example: Path) -> list[str]:
    """Three reports of one event, from three outlets, dated after the example's edition; and
    one article of its own. Returns the reports' slugs."""
    rows = [json.loads(line) for line in (FIXTURES / "clusters-small.jsonl").open()]
    reports = [r for r in rows if r["event"] == TRAM][:3]
    slugs = []
    for n, r in enumerate(reports):
        slug = f"tram-{n}"
        meta = {"title": r["title"], "slug": slug, "date": "2025-04-15", "source": f"Outlet {n}"}
        text = r["text"] + ("\n\nMore detail from the scene." * 40 if n == 1 else "")
        write(
            example / f"content/articles/{slug}.md",
            f"---\n{yaml.safe_dump(meta)}---\n{text}\n",
        )
        slugs.append(slug)
    write(
        example / "content/articles/cup.md",
        "---\ntitle: Arsenal win the FA Cup\ndate: 2025-04-15\nsource: Sport Daily\n---\n"
        "Arsenal beat Chelsea 2-1 at Wembley with a late header.\n",
    )
    return slugs


def test_a_draft_edition_has_a_section_per_story_led_by_the_fullest_report(
    example: Path,
) -> None:
    reports = add_tram_reports(example)
    result = run("new", "edition", "2025-04-16", "-C", str(example))
    assert result.returncode == 0, result.stderr
    assert "Wrote content/editions/2025-04-16.md: 2 section(s) holding 4 article(s)" in (
        result.stdout
    )
    assert "Next:" in result.stdout
    edition = frontmatter.load(example / "content/editions/2025-04-16.md")
    first, second = edition["sections"]
    assert first["items"] == [reports[1]]  # three outlets first; the longest report leads
    assert second["items"] == ["arsenal-win-the-fa-cup"]
    assert first["note"] == "" and "tram" in first["title"].lower()
    # The example's own edition holds its two articles: they are not drafted again.
    assert all("iran" not in s["items"][0] for s in edition["sections"])
    built = run("build", "-C", str(example))
    assert built.returncode == 0, built.stderr
    page = (example / "site/editions/2025-04-16/index.html").read_text()
    assert page.count('class="entry-title"') == 2 and "Also covered by" in page
    # Everything is held now: the other reports fold under the one listed.
    listed = run("list", "--unassigned", "-C", str(example))
    assert "0 articles, 0 in no edition" in listed.stdout


def test_a_draft_edition_never_overwrites(example: Path) -> None:
    add_tram_reports(example)
    path = write(example / "content/editions/2025-04-16.md", "---\ntitle: Mine\n---\n")
    result = run("new", "edition", "2025-04-16", "-C", str(example))
    assert result.returncode == 1
    assert "content/editions/2025-04-16.md exists already" in result.stderr
    assert path.read_text() == "---\ntitle: Mine\n---\n"


def test_nothing_to_draft_says_so(example: Path) -> None:
    result = run("new", "edition", "2025-04-16", "-C", str(example))
    assert result.returncode == 1
    assert "no published article dated 2025-04-16 or before is outside an edition" in (
        result.stderr
    )
    assert not (example / "content/editions/2025-04-16.md").exists()
