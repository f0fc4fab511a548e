import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefings.build.notices import DRAFTS_SHOWN
from briefings.cli import cli
from tests.conftest import article_text, write


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real console entry point, in a subprocess, as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "briefings", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_init_then_build(tmp_path: Path) -> None:
    target = tmp_path / "morning"
    result = run("init", str(target))
    assert result.returncode == 0, result.stderr
    for name in ("briefings.toml", ".gitignore", "content/articles/welcome.md"):
        assert (target / name).is_file(), name
    # No copy of the theme: its fixes reach the project; templates/ says how to override.
    assert [p.name for p in (target / "templates").iterdir()] == ["README.md"]
    built = run("build", "-C", str(target))
    assert built.returncode == 0, built.stderr
    page = target / "site/articles/welcome-to-your-briefing/index.html"
    assert "Built " in built.stdout and page.is_file()
    assert (target / "site/static/style.css").is_file()  # the theme's


def test_init_says_the_next_step_as_it_can_be_typed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    elsewhere = runner.invoke(cli, ["init", str(tmp_path / "my briefing")])
    assert f"Next: cd '{tmp_path / 'my briefing'}' && briefings build" in elsewhere.output
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    here = runner.invoke(cli, ["init", "."])
    assert here.output.rstrip().endswith("Next: briefings build")


def test_init_templates_copies_the_theme_to_edit_and_one_file_overrides_it(
    tmp_path: Path,
) -> None:
    ejected = tmp_path / "ejected"
    assert run("init", "--templates", str(ejected)).returncode == 0
    assert (ejected / "templates/base.html").is_file()
    assert (ejected / "templates/static/style.css").is_file()
    plain = tmp_path / "plain"
    assert run("init", str(plain)).returncode == 0
    write(plain / "templates/404.html", "<p>Lost at sea</p>\n")  # one page, the editor's own
    assert run("build", "-C", str(plain)).returncode == 0
    assert (plain / "site/404.html").read_text() == "<p>Lost at sea</p>\n"
    assert (plain / "site/articles/welcome-to-your-briefing/index.html").is_file()


def test_init_never_overwrites(tmp_path: Path) -> None:
    write(tmp_path / "briefings.toml", 'title = "Mine"\n')
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 0
    assert (
        "kept" in result.output and (tmp_path / "briefings.toml").read_text() == 'title = "Mine"\n'
    )


def test_user_mistake_is_one_clear_line_and_exit_1(project: Path) -> None:
    write(project / "content/editions/e.md", "---\ntitle: T\ndate: 2025-02-31\n---\n")
    result = run("build", "-C", str(project))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "content/editions/e.md:3: date: '2025-02-31' is not a valid date" in result.stderr


def test_one_bad_article_is_left_out_and_said_until_mended(project: Path) -> None:
    write(project / "content/articles/good.md", article_text(title="Good news"))
    bad = write(
        project / "content/articles/bad.md", "---\ntitle: T\ndate: 2025-02-31\nsource: S\n---\n"
    )
    problem = "content/articles/bad.md:3: date: '2025-02-31' is not a valid date"
    result = run("build", "-C", str(project))
    assert result.returncode == 0, result.stderr
    assert "1 article(s) left out" in result.stdout and problem in result.stdout
    assert (project / "site/articles/good-news/index.html").is_file()
    assert not (project / "site/articles/t").exists()
    again = run("build", "-C", str(project))  # nothing changed: the article is still left out
    assert "Nothing changed" in again.stdout and problem in again.stdout
    strict = run("build", "--strict", "-C", str(project))  # for CI that must not publish so
    assert strict.returncode == 1 and "left out (--strict)" in strict.stderr
    # The editor's desk sees what the build publishes, and is told why one is missing.
    listed = run("list", "--json", "-C", str(project))
    assert listed.returncode == 0 and problem in listed.stderr
    assert [row["slug"] for row in json.loads(listed.stdout)] == ["good-news"]
    assert run("stories", "-C", str(project)).returncode == 0
    write(bad, article_text(title="T", date="2025-02-28"))
    mended = run("build", "-C", str(project))
    assert "left out" not in mended.stdout
    assert "Build cache ignored" not in mended.stdout  # it held the problem: read back
    assert (project / "site/articles/t/index.html").is_file()
    assert "left out" not in run("build", "-C", str(project)).stdout
    assert run("build", "--strict", "-C", str(project)).returncode == 0


def test_a_recorded_problem_is_said_again_without_control_characters(project: Path) -> None:
    write(project / "content/articles/bad.md", "---\ntitle: T\ndate: 2025-02-31\nsource: S\n---\n")
    assert run("build", "-C", str(project)).returncode == 0
    manifest = project / ".briefings/cache/manifest.json"
    recorded = json.loads(manifest.read_text())
    recorded["left_out"] = ["content/articles/bad.md:3: \x1b[2J\x1b[31mcleared your screen"]
    manifest.write_text(json.dumps(recorded))  # as a manifest found in a project may be
    again = run("build", "-C", str(project))
    assert "Nothing changed" in again.stdout and "[31mcleared your screen" in again.stdout
    assert "\x1b" not in again.stdout


def test_debug_shows_the_traceback(project: Path) -> None:
    write(project / "briefings.toml", "nonsense = 1\n")
    result = run("--debug", "build", "-C", str(project))
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "unknown key 'nonsense'" in result.stderr


def test_missing_project_folder(tmp_path: Path) -> None:
    result = run("build", "-C", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "does not exist" in result.stderr


def test_build_stats_prints_each_phase(example: Path) -> None:
    result = run("build", "--stats", "-C", str(example))
    assert result.returncode == 0, result.stderr
    for phase in ("load", "relate", "render", "write"):
        assert re.search(rf"^\s+{phase}\s+\d+ ms$", result.stdout, re.MULTILINE), phase


def test_commands_find_the_project_from_any_folder_inside_it(example: Path) -> None:
    inside = example / "content" / "articles"
    result = subprocess.run(
        [sys.executable, "-m", "briefings", "build"], cwd=inside, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert (example / "site" / "index.html").is_file()
    assert not (inside / "site").exists()  # not an empty site where the command ran


def test_outside_a_project_a_command_says_so_and_names_init(tmp_path: Path) -> None:
    for command in (["build"], ["ingest", "page.txt"], ["stories"]):
        result = subprocess.run(
            [sys.executable, "-m", "briefings", *command],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 1
        assert "not in a briefings project" in result.stderr and "briefings init" in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing made where it ran


def test_list_with_nothing_to_list_says_so_without_a_header(example: Path) -> None:
    drafts = subprocess.run(
        [sys.executable, "-m", "briefings", "list", "--drafts"],
        cwd=example, capture_output=True, text=True,
    )  # fmt: skip
    assert drafts.returncode == 0, drafts.stderr
    assert drafts.stdout.strip() == "No drafts: every article is published."
    none_since = subprocess.run(
        [sys.executable, "-m", "briefings", "list", "--since", "2099-01-01"],
        cwd=example, capture_output=True, text=True,
    )  # fmt: skip
    assert none_since.stdout.strip() == "0 articles, 0 in no edition"


def test_list_shows_each_article_with_its_story_and_what_no_edition_lists(example: Path) -> None:
    write(
        example / "content/articles/a-late-brief.md",
        "---\ntitle: A late brief\ndate: 2025-04-20\nsource: Wire\n---\nNothing else said.\n",
    )
    table = subprocess.run(
        [sys.executable, "-m", "briefings", "list"], cwd=example, capture_output=True, text=True
    )
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["SLUG", "DATE", "OUTLET"]
    assert lines[1].startswith("a-late-brief") and "2025-04-20" in lines[1]  # newest first
    assert "(2)" in lines[2]  # the seeds: one story, two outlets
    assert lines[-1] == "3 articles, 1 in no edition"
    unassigned = subprocess.run(
        [sys.executable, "-m", "briefings", "list", "--unassigned", "--json"],
        cwd=example, capture_output=True, text=True,
    )  # fmt: skip
    rows = json.loads(unassigned.stdout)
    assert [r["slug"] for r in rows] == ["a-late-brief"] and rows[0]["editions"] == []
    since = subprocess.run(
        [sys.executable, "-m", "briefings", "list", "--since", "2025-04-15", "--json"],
        cwd=example, capture_output=True, text=True,
    )  # fmt: skip
    assert [r["slug"] for r in json.loads(since.stdout)] == ["a-late-brief"]


def check(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefings", "check", *args],
        cwd=project,
        capture_output=True,
        text=True,
    )


def test_check_reports_every_content_problem_and_writes_nothing(example: Path) -> None:
    write(
        example / "content/articles/bad.md",
        "---\ntitle: Bad\ndate: 2025-02-31\nsource: Wire\n---\nBody.\n",
    )
    result = check(example)
    assert result.returncode == 1
    assert "error: content/articles/bad.md:3" in result.stdout and "date" in result.stdout
    assert not (example / "site").exists() and not (example / ".briefings").exists()


def test_check_warns_of_what_would_ship_unnoticed_and_strict_fails_on_it(example: Path) -> None:
    write(
        example / "content/articles/tomorrow.md",
        "---\ntitle: Not yet\ndate: 2999-01-01\nsource: Wire\n---\nBody.\n",
    )
    result = check(example)
    assert result.returncode == 0, result.stdout
    assert "in the future" in result.stdout and "base_url" in result.stdout  # the example's
    assert result.stdout.splitlines()[-1] == "ok: 0 errors, 2 warnings"
    assert check(example, "--strict").returncode == 1


def test_check_finds_links_to_pages_the_site_does_not_have(example: Path) -> None:
    write(
        example / "content/articles/links.md",
        "---\ntitle: Links\ndate: 2025-04-14\nsource: Wire\n---\n"
        "See [the plan](../no-such-page/) and [the editions](../../editions/).\n",
    )
    result = check(example)
    assert result.returncode == 0, result.stdout
    assert "content/articles/links.md: links to '../no-such-page/'" in result.stdout
    assert "editions/'" not in result.stdout  # a link that leads somewhere is fine
    assert check(example, "--strict").returncode == 1
    assert "no-such-page" not in check(example, "--no-links").stdout
    assert not (example / "site").exists() and not (example / ".briefings").exists()


def test_check_names_drafts_and_slugs_it_made_distinct(example: Path) -> None:
    write(
        example / "content/articles/pending.md",
        "---\ntitle: Pending\ndraft: true\nneeds: [date]\nsource: Wire\n---\nBody.\n",
    )
    title = "Iran helping Russia build plant to manufacture drones for likely use in Ukraine, White House says"
    write(
        example / "content/articles/copy.md",
        f"---\ntitle: {title}\ndate: 2025-04-15\nsource: Wire\n---\nThe same story, told again.\n",
    )
    result = check(example)
    assert result.returncode == 0, result.stdout
    assert "content/articles/pending.md: a draft, not published: needs date" in result.stdout
    assert "published as 'iran-helping-russia-build-plant" in result.stdout


def test_check_counts_drafts_by_what_they_need(example: Path) -> None:
    needs = {"a": "[date]", "b": "[date, source]", "c": '["date: guessed, check it", review]'}
    for name, need in needs.items():
        write(
            example / f"content/articles/{name}.md",
            f"---\ntitle: Pending {name}\ndraft: true\nneeds: {need}\nsource: Wire\n---\nBody.\n",
        )
    write(example / "content/articles/d.md", "---\ntitle: D\ndraft: true\n---\nBody.\n")
    lines = check(example, "--no-links").stdout.splitlines()
    assert lines[-2] == (
        "drafts: 4, needing date 3, source 1, review 1 (`briefings list --drafts` lists them)"
    )


def test_check_names_the_first_drafts_and_counts_them_all(example: Path) -> None:
    for n in range(DRAFTS_SHOWN + 5):
        write(
            example / f"content/articles/pending-{n:02}.md",
            f"---\ntitle: Pending {n}\ndraft: true\nneeds: [date]\nsource: Wire\n---\nBody.\n",
        )
    result = check(example, "--no-links")
    lines = result.stdout.splitlines()
    named = [line for line in lines if "a draft, not published" in line]
    assert len(named) == DRAFTS_SHOWN and "pending-00.md" in named[0]
    assert "warning: ... and 5 more drafts" in lines
    warnings = int(lines[-1].split(", ")[1].split()[0])
    assert warnings >= DRAFTS_SHOWN + 5  # every draft still counts...
    assert check(example, "--no-links", "--strict").returncode == 1  # ...and fails --strict
