"""Publishing with real git to a local bare repository."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, set_config, write

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ed Itor",
    "GIT_AUTHOR_EMAIL": "ed@example.org",
    "GIT_COMMITTER_NAME": "Ed Itor",
    "GIT_COMMITTER_EMAIL": "ed@example.org",
}


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def briefings(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefings", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
        timeout=120,
    )


@pytest.fixture
def repo(example: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The example project as a git repository with a bare 'origin' beside it."""
    set_config(example, cname="news.example.org", base_url="https://brief.test/")
    write(example / ".gitignore", "/site/\n/.briefings/\n")  # as briefings init writes it
    write(example / "notes.txt", "uncommitted work\n")
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    git(example, "init", "--quiet", "-b", "main")
    git(example, "add", "briefings.toml", "content", ".gitignore")
    git(example, "commit", "--quiet", "-m", "content")
    git(example, "remote", "add", "origin", str(bare))
    git(example, "add", "notes.txt")  # staged, not committed: must survive
    return example, bare


def state(root: Path) -> tuple[str, str, str, bytes]:
    return (
        git(root, "rev-parse", "HEAD"),
        git(root, "symbolic-ref", "HEAD"),
        git(root, "status", "--porcelain"),
        (root / ".git" / "index").read_bytes(),
    )


def test_publish_commits_the_site_and_keeps_history(repo: tuple[Path, Path]) -> None:
    root, bare = repo
    before = state(root)
    first = briefings(root, "publish")
    assert first.returncode == 0, first.stderr
    assert "Published" in first.stdout and "https://news.example.org/" in first.stdout
    files = git(bare, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert {
        ".nojekyll",
        "CNAME",
        "index.html",
        "feed.xml",
        "feed.json",
        "search/index.html",
    } <= set(files)
    assert git(bare, "show", "gh-pages:CNAME") == "news.example.org"
    assert git(root, "rev-parse", "--short", "HEAD") in git(
        bare, "log", "-1", "--format=%s", "gh-pages"
    )
    assert state(root) == before  # working tree, index and branch untouched

    write(
        root / "content/articles/new.md",
        "---\ntitle: A later story\ndate: 2025-04-15\nsource: Wire\n---\nText.\n",
    )
    second = briefings(root, "publish", "--message", "second edition")
    assert second.returncode == 0, second.stderr
    log = git(bare, "log", "--format=%s", "gh-pages").splitlines()
    assert log[0] == "second edition" and len(log) == 2
    assert "articles/a-later-story/index.html" in git(
        bare, "ls-tree", "-r", "--name-only", "gh-pages"
    )


def test_cname_is_kept_when_config_no_longer_names_it(repo: tuple[Path, Path]) -> None:
    root, bare = repo
    assert briefings(root, "publish").returncode == 0
    set_config(root, cname="")
    write(
        root / "content/articles/new.md",
        "---\ntitle: Another\ndate: 2025-04-15\nsource: Wire\n---\nText.\n",
    )
    assert briefings(root, "publish").returncode == 0
    assert git(bare, "show", "gh-pages:CNAME") == "news.example.org"


def test_failing_build_publishes_nothing(repo: tuple[Path, Path]) -> None:
    root, bare = repo
    assert briefings(root, "publish").returncode == 0
    published = git(bare, "rev-parse", "gh-pages")
    write(root / "content/editions/bad.md", "---\ntitle: Bad\ndate: 2025-02-31\n---\n")
    result = briefings(root, "publish")
    assert result.returncode == 1 and "bad.md:3: date" in result.stderr
    assert git(bare, "rev-parse", "gh-pages") == published


def test_missing_remote_is_refused(repo: tuple[Path, Path]) -> None:
    root, _ = repo
    result = briefings(root, "publish", "--remote", "upstream")
    assert result.returncode == 1
    assert "git remote 'upstream' does not exist" in result.stderr


def test_rejected_push_is_reported_and_loses_nothing(repo: tuple[Path, Path]) -> None:
    root, bare = repo
    hook = write(
        bare / "hooks" / "pre-receive", "#!/bin/sh\necho 'branch is protected' >&2\nexit 1\n"
    )
    hook.chmod(0o755)
    before = state(root)
    result = briefings(root, "publish")
    assert result.returncode == 1
    assert "push to origin/gh-pages was rejected" in result.stderr
    assert state(root) == before
    assert git(bare, "branch", "--list", "gh-pages") == ""


def test_dry_run_pushes_nothing(repo: tuple[Path, Path]) -> None:
    root, bare = repo
    result = briefings(root, "publish", "--dry-run")
    assert result.returncode == 0 and "Would publish" in result.stdout
    assert git(bare, "branch", "--list", "gh-pages") == ""


@pytest.mark.parametrize("workflow", [REPO / ".github/workflows/pages.yml", "init"])
def test_pages_workflow_is_valid_and_uses_the_official_actions(
    workflow: Path | str, tmp_path: Path
) -> None:
    if workflow == "init":
        assert briefings(tmp_path, "init", "proj").returncode == 0
        workflow = tmp_path / "proj/.github/workflows/pages.yml"
    data = yaml.safe_load(Path(workflow).read_text())
    steps = [s.get("uses", "") for job in data["jobs"].values() for s in job["steps"]]
    assert any(s.startswith("actions/upload-pages-artifact@") for s in steps)
    assert any(s.startswith("actions/deploy-pages@") for s in steps)
    build_steps = " ".join(s.get("run", "") for s in data["jobs"]["build"]["steps"])
    assert "--base-url" in build_steps or "BASE_URL" in build_steps
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def test_publishing_copies_no_site_into_the_temporary_folder(
    repo: tuple[Path, Path], tmp_path: Path
) -> None:
    """A publish killed midway left its copy of the site (tens of MB) in /tmp for good: what
    it writes there now is a throwaway index, whatever the moment it dies."""
    project, bare = repo
    scratch, bin_dir, seen = tmp_path / "scratch", tmp_path / "bin", tmp_path / "sizes"
    scratch.mkdir()
    real_git = subprocess.run(["which", "git"], capture_output=True, text=True).stdout.strip()
    write(
        bin_dir / "git",
        f'#!/bin/sh\ndu -sb "{scratch}" | cut -f1 >> "{seen}"\nexec {real_git} "$@"\n',
    )
    (bin_dir / "git").chmod(0o755)
    result = subprocess.run(
        [sys.executable, "-m", "briefings", "publish", "-C", str(project)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, **GIT_ENV, "TMPDIR": str(scratch), "PATH": f"{bin_dir}:{os.environ['PATH']}"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    site_bytes = sum(p.stat().st_size for p in (project / "site").rglob("*") if p.is_file())
    largest = max(int(line) for line in seen.read_text().split())
    assert largest < site_bytes / 4  # an index of the site, not the site
    assert "index.html" in git(bare, "ls-tree", "--name-only", "gh-pages")


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:8000/", "http://localhost:8000/", "https://briefing.example.org/"],
)
def test_a_placeholder_base_url_is_not_published(repo: tuple[Path, Path], base_url: str) -> None:
    project, bare = repo
    set_config(project, base_url=base_url)
    refused = briefings(project, "publish")
    assert refused.returncode == 1
    assert "base_url" in refused.stderr and "--base-url" in refused.stderr
    assert not git(bare, "branch", "--list", "gh-pages")  # nothing went out
    given = briefings(project, "publish", "--base-url", "https://news.briefing.test/")
    assert given.returncode == 0, given.stderr  # as the Pages workflow does


def test_init_writes_a_base_url_that_publish_refuses(tmp_path: Path) -> None:
    assert briefings(tmp_path, "init", "fresh").returncode == 0
    assert (
        'base_url = "https://briefing.example.org/"'
        in (tmp_path / "fresh/briefings.toml").read_text()
    )
