"""Ingest on hostile input: links that lead out of the inbox or out of --out, and gzip bombs.
Nothing outside what was named is read, nothing outside --out is written, and a small file
that unpacks to gigabytes costs no more than a large page."""

import gzip
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, write
from tests.ingest.test_ingest_command import ingest
from tests.test_content import laughs

SEED = FIXTURES / "seeds" / "003_e80a322980c1467b.txt"


def test_a_link_in_a_folder_to_a_private_file_is_reported_not_read(
    project: Path, tmp_path: Path
) -> None:
    private = tmp_path / "private" / "diary.txt"
    private.parent.mkdir()
    private.write_text(SEED.read_text().replace("Iran", "Secretland"))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "page.txt").symlink_to(private)
    (inbox / "elsewhere").symlink_to(private.parent, target_is_directory=True)
    result = ingest(project, str(inbox), "--source", "Outlet", "--date", "2025-04-14")
    assert "skipped" in result.stdout and "symbolic link" in result.stdout
    written = list((project / "content/articles").glob("*.md"))
    assert not any("Secretland" in p.read_text() for p in written)


def test_a_link_named_on_the_command_line_is_followed(project: Path, tmp_path: Path) -> None:
    link = tmp_path / "page.txt"
    link.symlink_to(SEED)
    result = ingest(project, str(link))
    assert result.returncode == 0, result.stdout + result.stderr
    assert list((project / "content/articles").glob("iran-*.md"))


def test_force_never_writes_through_a_link_out_of_the_articles_folder(
    project: Path, tmp_path: Path
) -> None:
    assert ingest(project, str(SEED)).returncode == 0
    (article,) = (project / "content/articles").glob("iran-*.md")
    outside = tmp_path / "outside.md"
    outside.write_text("mine, not briefings'")
    article.unlink()
    article.symlink_to(outside)
    result = ingest(project, str(SEED), "--force")
    assert outside.read_text() == "mine, not briefings'"
    assert "symbolic link" in result.stdout + result.stderr


def test_a_gzip_bomb_fails_with_its_reason_in_bounded_memory(project: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        block = b"<p>" + b"a" * (1 << 20)
        for _ in range(400):  # 400 MB unpacked, well under 1 MB packed
            out.write(block)
    assert bomb.stat().st_size < 2 << 20
    script = (
        "import resource, sys; from briefings.cli import main; sys.argv[1:] = sys.argv[2:]; "
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try: main()\n"
        "except SystemExit: pass\n"
        "print('grew', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, "-", "ingest", "-C", str(project), str(bomb)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "unpacks to more than 20 MB" in run.stdout + run.stderr
    grew_kb = int(run.stdout.split("grew")[-1])
    assert grew_kb < 150 * 1024  # the old way held all 400 MB at once
    assert not list((project / "content/articles").glob("*.md"))


def test_a_gzip_page_of_several_members_is_read_whole(project: Path, tmp_path: Path) -> None:
    text = SEED.read_bytes()
    page = tmp_path / "page.txt.gz"
    page.write_bytes(gzip.compress(text[:2000]) + gzip.compress(text[2000:]))
    assert ingest(project, str(page)).returncode == 0
    assert list((project / "content/articles").glob("iran-*.md"))


def test_an_article_whose_aliases_unfold_into_millions_does_not_stop_ingest(
    project: Path,
) -> None:
    # Ingest reads every article in the folder into its index (its slug, outlet, address):
    # one whose outlet unfolds into 387 million strings would have taken all the memory.
    write(project / "content/articles/laughs.md", laughs(9, "source"))
    result = ingest(project, str(SEED))
    assert result.returncode == 0, result.stdout + result.stderr
    assert list((project / "content/articles").glob("iran-*.md"))


def test_force_keeps_no_copy_through_a_link(project: Path, tmp_path: Path) -> None:
    assert ingest(project, str(SEED)).returncode == 0
    (article,) = (project / "content/articles").glob("iran-*.md")
    private = tmp_path / "private.md"  # a link to a file elsewhere, its text edited there
    private.write_text(article.read_text() + "\nA private note.\n")
    article.unlink()
    article.symlink_to(private)
    result = ingest(project, str(SEED), "--force")
    assert "symbolic link" in result.stdout + result.stderr
    assert not list(article.parent.glob("*.edited-*"))  # the link's target not copied in
    assert private.read_text().endswith("A private note.\n")
