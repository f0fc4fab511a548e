"""`briefings ingest` end to end: files, outcomes, provenance, idempotence, duplicates, bad input."""

import gzip
import shutil
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest

from tests.conftest import FIXTURES, REPO

SEEDS = FIXTURES / "seeds"


def ingest(
    project: Path, *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefings", "ingest", "-C", str(project), *args],
        capture_output=True, text=stdin is None, input=stdin, timeout=120,
    )  # fmt: skip


def seed_example(project: Path) -> None:
    assert ingest(project, str(SEEDS / "003_e80a322980c1467b.txt")).returncode == 0
    rudaw = ingest(
        project,
        str(SEEDS / "000_34bffc32063d5a65.txt"),
        "--date",
        "2025-04-14",
        "--tags",
        "Iran,Russia,Ukraine,White House",
    )
    assert rudaw.returncode == 0, rudaw.stderr


def without_time(path: Path) -> str:
    return "\n".join(
        line for line in path.read_text().splitlines() if not line.startswith("ingested_at:")
    )


def test_ingesting_the_seeds_gives_the_example_content(project: Path) -> None:
    seed_example(project)
    made = sorted((project / "content/articles").glob("*.md"))
    example = sorted((REPO / "content/articles").glob("*.md"))
    assert [p.name for p in made] == [p.name for p in example]
    for ours, theirs in zip(made, example, strict=True):
        assert without_time(ours) == without_time(theirs)


def test_provenance_is_recorded(project: Path) -> None:
    seed_example(project)
    post = frontmatter.load(next((project / "content/articles").glob("iran-*.md")))
    assert post["ingested_from"] == "003_e80a322980c1467b.txt"
    assert post["extractor"] == "briefings-text"
    assert post["ingested_at"] and len(post["fingerprint"]) == 20
    rudaw = frontmatter.load(next((project / "content/articles").glob("the-white-*.md")))
    assert rudaw["guessed"] == ["title"]


def test_ingesting_twice_creates_no_second_article(project: Path) -> None:
    seed_example(project)
    again = ingest(project, str(SEEDS))
    assert again.returncode == 0 and "2 unchanged" in again.stdout
    assert "Drafts are not published" not in again.stdout  # no draft: nothing to say
    assert len(list((project / "content/articles").glob("*.md"))) == 2


def test_a_page_saved_twice_in_one_folder_is_one_article_said_as_repeated(
    project: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    page = SEEDS / "003_e80a322980c1467b.txt"
    shutil.copy(page, folder / "a.txt")
    shutil.copy(page, folder / "b.txt")
    first = ingest(project, str(folder))
    assert first.returncode == 0, first.stderr
    assert "1 repeated" in first.stdout and "unchanged" not in first.stdout
    assert "(the same page as one ingested above)" in first.stdout
    assert len(list((project / "content/articles").glob("*.md"))) == 1
    again = ingest(project, str(folder))  # a later run: both were ingested before
    assert "2 unchanged" in again.stdout and "repeated" not in again.stdout


def test_a_syndicated_copy_is_recorded_as_a_duplicate(project: Path, tmp_path: Path) -> None:
    seed_example(project)
    copy = tmp_path / "wire-copy.txt"
    copy.write_text(
        (SEEDS / "003_e80a322980c1467b.txt").read_text().replace("-MarketLink", "-Wire Daily")
    )
    result = ingest(project, str(copy), "--source", "Wire Daily")
    assert result.returncode == 0
    assert (
        "duplicate of iran-helping-russia-build-plant-to-manufacture-drones-for-likely-use-in-ukraine"
        in result.stdout
    )
    copies = [frontmatter.load(p) for p in (project / "content/articles").glob("*.md")]
    assert sum(1 for c in copies if c.get("duplicate_of")) == 1


def test_one_title_on_several_pages_of_a_site_is_its_name_not_their_headline(
    project: Path, tmp_path: Path
) -> None:
    stories = [
        "Dock workers walked out at the port of Tacoma on Tuesday, closing three terminals as"
        " talks over pay broke down for the second time this month, officials said.",
        "The city council voted on Monday to close the old library on Elm Street after a"
        " decade of repairs, moving its books to the new branch across the river.",
    ]
    for n, story in enumerate(stories):
        (tmp_path / f"page-{n}.txt").write_text(
            f"Local news and opinion - The Riverside Post\n{story}\n{story} More to come soon.\n"
        )
    result = ingest(project, str(tmp_path / "page-0.txt"), str(tmp_path / "page-1.txt"))
    assert result.returncode == 0, result.stderr
    assert "retitled" in result.stdout
    posts = {p.stem: frontmatter.load(p) for p in (project / "content/articles").glob("*.md")}
    written = [post for post in posts.values() if post.get("source") == "The Riverside Post"]
    assert len(written) == 2
    for post in written:
        assert post["title"] != "Local news and opinion" and "title" in post["guessed"]
        assert post["title"] in post.content  # the story's first sentence, marked as a guess
    assert "local-news-and-opinion" in posts  # the first keeps its file: it was listed so
    # One page with the site's line as its title is left as it is (nothing shows it is not).
    (project / "content/articles/local-news-and-opinion.md").unlink()
    (tmp_path / "page-0.txt").write_text(
        (tmp_path / "page-0.txt").read_text().replace("Tacoma", "Seattle")
    )
    alone = ingest(project, str(tmp_path / "page-0.txt"))
    assert "retitled" not in alone.stdout


def test_a_page_to_retitle_that_is_gone_or_broken_is_left_and_stops_nothing(
    tmp_path: Path,
) -> None:
    from briefings.ingest.known import Known
    from briefings.ingest.run import retitle

    known = Known(tmp_path, None)
    assert retitle(tmp_path / "gone.md", known) is False
    broken = tmp_path / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nBody.\n")
    assert retitle(broken, known) is False
    assert broken.read_text().startswith("---\ntitle: [unclosed")  # left as it was


def test_a_malformed_address_names_no_site_to_compare_titles_by(tmp_path: Path) -> None:
    from briefings.ingest.model import Extracted
    from briefings.ingest.run import RunTitles

    titles = RunTitles()
    for n in range(2):  # (an address a page states is hostile input: it must not stop a run)
        meta = {"title": "Local news and opinion", "url": "http://[::1/page"}
        assert titles.check(meta, Extracted(paragraphs=["A story."])) is None
        titles.written(meta, tmp_path / f"page-{n}.md")
        assert meta["title"] == "Local news and opinion"


def test_hand_edited_article_is_kept_unless_forced(project: Path, tmp_path: Path) -> None:
    seed_example(project)
    article = next((project / "content/articles").glob("iran-*.md"))
    article.write_text(
        article.read_text().replace(
            "The drone manufacturing plant", "The (edited) drone manufacturing plant"
        )
    )
    changed = tmp_path / "003-updated.txt"
    changed.write_text(
        (SEEDS / "003_e80a322980c1467b.txt").read_text().replace("600 miles", "about 600 miles")
    )
    refused = ingest(project, str(changed))
    assert refused.returncode == 1 and "edited by hand" in refused.stderr
    assert "(edited)" in article.read_text()
    again = ingest(project, str(SEEDS / "003_e80a322980c1467b.txt"))  # the page as ingested
    assert "already ingested, and edited since: --force replaces it" in again.stdout
    forced = ingest(project, str(changed), "--force")
    assert forced.returncode == 0 and "replaced" in forced.stdout
    assert "(edited)" not in article.read_text() and "about 600 miles" in article.read_text()
    # The editor's version is kept beside it, where no build reads it as an article.
    (kept,) = article.parent.glob(f"{article.name}.edited-*")
    assert "(edited)" in kept.read_text() and kept.name in forced.stdout
    assert "edited-" not in ingest(project, str(changed), "--force").stdout  # nothing edited
    assert len(list(article.parent.glob("*.edited-*"))) == 1


def test_dry_run_writes_nothing(project: Path) -> None:
    result = ingest(project, str(SEEDS / "003_e80a322980c1467b.txt"), "--dry-run")
    assert result.returncode == 0 and "title: Iran helping Russia" in result.stdout
    assert list((project / "content/articles").glob("*.md")) == []


def test_html_and_gzip_and_stdin(project: Path, tmp_path: Path) -> None:
    html = (
        "<html><head><title>Floods close schools - Daily Example</title></head><body><nav>Home News Sport</nav><article><h1>Floods close schools</h1>"
        + "".join(
            f"<p>Paragraph {n}: heavy rain flooded the valley overnight and the council closed every school in the district, officials said on Tuesday.</p>"
            for n in range(6)
        )
        + '<p>See <a href="https://example.org/report">the report</a> and <a href="javascript:alert(1)">this</a>.</p></article><footer>Copyright</footer></body></html>'
    )
    page = tmp_path / "floods.html.gz"
    page.write_bytes(gzip.compress(html.encode()))
    result = ingest(project, str(page), "--date", "2025-05-01", "--source", "Daily Example")
    assert result.returncode == 0, result.stderr
    post = frontmatter.load(project / "content/articles/floods-close-schools.md")
    assert post["extractor"].startswith("trafilatura") and "Paragraph 5" in post.content
    assert (
        "[the report](https://example.org/report)" in post.content
        and "javascript:" not in post.content
    )
    piped = ingest(
        project,
        "-",
        "--date",
        "2025-05-02",
        "--source",
        "Piped",
        "--dry-run",
        stdin=(SEEDS / "003_e80a322980c1467b.txt").read_bytes(),
    )
    assert piped.returncode == 0 and b"title: Iran helping Russia" in piped.stdout


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"   \n", "empty file"),
        ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("broken.html.gz", b"not gzip at all", "not a valid gzip file"),
    ],
)
def test_bad_input_is_reported_and_others_still_ingested(
    project: Path, tmp_path: Path, name: str, data: bytes, message: str
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / name).write_bytes(data)
    shutil.copy(SEEDS / "003_e80a322980c1467b.txt", folder / "good.txt")
    result = ingest(project, str(folder))
    assert result.returncode == 1
    assert f"failed    {folder / name}" in result.stderr and message in result.stderr
    assert "1 failed, 1 written" in result.stdout
    assert len(list((project / "content/articles").glob("*.md"))) == 1


def test_non_utf8_page_is_decoded(project: Path, tmp_path: Path) -> None:
    text = (SEEDS / "003_e80a322980c1467b.txt").read_text().replace("Tehran", "Téhéran")
    page = tmp_path / "latin1.txt"
    page.write_bytes(text.encode("cp1252"))
    result = ingest(project, str(page))
    assert result.returncode == 0, result.stderr
    assert "Téhéran" in next((project / "content/articles").glob("*.md")).read_text()


def test_oversized_page_is_refused(project: Path, tmp_path: Path) -> None:
    page = tmp_path / "huge.txt"
    page.write_bytes(b"word " * (5 * 1024 * 1024))
    result = ingest(project, str(page))
    assert result.returncode == 1 and "larger than 20 MB" in result.stderr


def test_a_page_that_is_not_an_article_is_refused_with_its_reason(
    project: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "menu.txt").write_bytes(b"Home\nNews\nSport\nWeather\nContact\n")
    shutil.copy(SEEDS / "003_e80a322980c1467b.txt", folder / "good.txt")
    result = ingest(project, str(folder))
    assert result.returncode == 0
    assert f"refused   {folder / 'menu.txt'} (no article found" in result.stdout
    assert "1 refused, 1 written" in result.stdout
    assert len(list((project / "content/articles").glob("*.md"))) == 1


def test_a_page_without_a_date_is_written_as_a_draft_that_says_what_it_needs(
    project: Path,
) -> None:
    result = ingest(project, str(SEEDS / "000_34bffc32063d5a65.txt"))
    assert result.returncode == 0, result.stderr
    assert "(needs date)" in result.stdout and "1 draft" in result.stdout
    assert "--date" in result.stdout and "briefings list --drafts" in result.stdout  # what next
    post = frontmatter.load(next((project / "content/articles").glob("*.md")))
    assert post["draft"] is True and post["needs"] == ["date"] and "date" not in post
    assert post["source"] == "Rudaw" and post["slug"].startswith("the-white-house")
    built = subprocess.run(
        [sys.executable, "-m", "briefings", "build", "-C", str(project)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert not list((project / "site" / "articles").glob("the-white-house*"))
