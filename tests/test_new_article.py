"""`briefings new article TITLE`: a file for the editor to write, never over one they have."""

from pathlib import Path

import frontmatter

from tests.test_cli import run


def test_a_new_article_is_filed_for_the_editor_to_write_and_then_published(
    project: Path,
) -> None:
    made = run(
        "new", "article", "  Why the  tram fares matter ", "-C", str(project),
        "--url", "https://www.riverside.example/trams", "--date", "2025-04-15",
        "--tags", "Trams, Fares",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    path = project / "content/articles/why-the-tram-fares-matter.md"
    assert f"Wrote {path.relative_to(project)}" in made.stdout and "Next:" in made.stdout
    post = frontmatter.load(path)
    assert post.metadata == {
        "title": "Why the tram fares matter",
        "slug": "why-the-tram-fares-matter",
        "date": "2025-04-15",
        "source": "riverside.example",  # the address's domain, as [sources] does not map it
        "url": "https://www.riverside.example/trams",
        "tags": ["Trams", "Fares"],
    }
    assert post.content == ""
    built = run("build", "-C", str(project))
    assert built.returncode == 0, built.stderr
    assert (project / "site/articles/why-the-tram-fares-matter/index.html").is_file()


def test_the_outlet_of_a_new_article_is_named_by_sources_or_is_the_briefing(
    project: Path,
) -> None:
    config = project / "briefings.toml"
    config.write_text(
        config.read_text() + '[sources]\n"riverside.example" = "The Riverside Post"\n'
    )
    run("new", "article", "Linked", "-C", str(project), "--url", "https://riverside.example/a")
    run("new", "article", "Our own column", "-C", str(project))
    linked = frontmatter.load(project / "content/articles/linked.md")
    own = frontmatter.load(project / "content/articles/our-own-column.md")
    assert linked["source"] == "The Riverside Post"
    assert own["source"] == "Test Briefing"  # the briefing's title: the editor's own writing
    assert "T" in own["date"]  # now, to the second


def test_a_new_article_never_replaces_a_file_and_bad_options_are_said(project: Path) -> None:
    path = project / "content/articles/floods.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\ntitle: Floods\n---\nThe editor's own words.\n")
    again = run("new", "article", "Floods", "-C", str(project))
    assert again.returncode == 1 and "exists already" in again.stderr
    assert path.read_text() == "---\ntitle: Floods\n---\nThe editor's own words.\n"
    for args, said in (
        (("--url", "riverside.example/a"), "is not a web address"),
        (("--date", "15/04/2025"), "is not a date"),
    ):
        bad = run("new", "article", "Trams", "-C", str(project), *args)
        assert bad.returncode == 1 and said in bad.stderr, bad.stderr
    assert not (project / "content/articles/trams.md").exists()
    assert run("new", "article", "!!!", "-C", str(project)).returncode == 1
