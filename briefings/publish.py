"""`briefings publish`: commits the built site to a branch (gh-pages) and pushes it.

Git plumbing only: a throwaway index and `commit-tree`, so the user's working tree, index and
current branch are never touched. The branch's history is kept: each publish is a new commit on
top of what the remote already has, so nothing needs a force-push.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from briefings.config import Config
from briefings.errors import BriefingsError


@dataclass(frozen=True)
class PublishResult:
    commit: str
    branch: str
    remote: str
    files: int
    pushed: bool


def _git(
    repo: Path,
    *args: str,
    env: dict[str, str] | None = None,
    check: bool = True,
    cwd: Path | None = None,
) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=cwd or repo,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BriefingsError(f"git {args[0]} failed: {detail}")
    return result.stdout.strip()


def repository_root(project: Path) -> Path:
    if shutil.which("git") is None:
        raise BriefingsError("git is not installed", hint="install git to publish")
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=project, capture_output=True, text=True
    )
    if top.returncode != 0:
        raise BriefingsError(
            f"{project} is not in a git repository", hint="git init, add a remote, then publish"
        )
    return Path(top.stdout.strip())


def check_remote(repo: Path, remote: str) -> str:
    url = _git(repo, "remote", "get-url", remote, check=False)
    if not url:
        raise BriefingsError(
            f"git remote {remote!r} does not exist",
            hint=f"add it with `git remote add {remote} URL`, or pick one with --remote",
        )
    return url


def publish_site(
    config: Config,
    site: Path,
    *,
    remote: str,
    branch: str,
    message: str = "",
    dry_run: bool = False,
    log: Callable[[str], None] = lambda _: None,
) -> PublishResult:
    """Commit SITE (already built) to BRANCH on top of REMOTE's history, then push it."""
    repo = repository_root(config.root)
    check_remote(repo, remote)
    if _git(repo, "symbolic-ref", "--short", "-q", "HEAD", check=False) == branch:
        raise BriefingsError(
            f"you are on the {branch!r} branch", hint="publish from your source branch, e.g. main"
        )
    parent = _remote_head(repo, remote, branch, log)
    if parent:  # a publish killed after its push left the local branch behind: catch it up
        _git(repo, "update-ref", f"refs/heads/{branch}", parent)
    cname = config.settings.cname or (_file_on(repo, parent, "CNAME") if parent else "")
    extra = {".nojekyll": ""} | ({"CNAME": cname.strip() + "\n"} if cname else {})
    files = sum(1 for p in site.rglob("*") if p.is_file() and p.name not in extra) + len(extra)
    if dry_run:
        log(
            f"Would publish {files} files to {remote}/{branch}"
            + (f" (CNAME {cname.strip()})" if cname else "")
        )
        return PublishResult("", branch, remote, files, pushed=False)
    # Only a throwaway index is written outside the repository: never a copy of the site,
    # which a publish killed midway would leave behind.
    with tempfile.TemporaryDirectory(prefix="briefings-publish-") as scratch:
        tree = _write_tree(repo, site, Path(scratch) / "index", extra)
    commit = _commit(repo, tree, parent, message or _default_message(repo))
    if parent and _git(repo, "rev-parse", f"{parent}^{{tree}}") == tree:
        log(f"Nothing changed since the last publish ({parent[:10]}); not pushing")
        return PublishResult(parent, branch, remote, files, pushed=False)
    push = subprocess.run(
        ["git", "push", remote, f"{commit}:refs/heads/{branch}"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if push.returncode != 0:
        raise BriefingsError(
            f"push to {remote}/{branch} was rejected: {push.stderr.strip().splitlines()[-1] if push.stderr.strip() else 'no reason given'}",
            hint="nothing local was changed; fix the remote (permissions, branch protection) and publish again",
        )
    # Keep a local branch in step, as ghp-import does, so `git log gh-pages` shows what went out.
    _git(repo, "update-ref", f"refs/heads/{branch}", commit)
    return PublishResult(commit, branch, remote, files, pushed=True)


def _remote_head(repo: Path, remote: str, branch: str, log: Callable[[str], None]) -> str:
    """The commit REMOTE's BRANCH points at ('' when it has none yet)."""
    ref = f"refs/remotes/{remote}/{branch}"
    fetched = subprocess.run(
        ["git", "fetch", "--quiet", remote, f"+refs/heads/{branch}:{ref}"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if fetched.returncode != 0:
        if "couldn't find remote ref" not in fetched.stderr:
            raise BriefingsError(f"cannot fetch {remote}: {fetched.stderr.strip()}")
        log(f"{remote} has no {branch!r} branch yet; it will be created")
        return ""
    return _git(repo, "rev-parse", "--verify", "-q", ref, check=False)


def _file_on(repo: Path, commit: str, name: str) -> str:
    return _git(repo, "show", f"{commit}:{name}", check=False)


def _write_tree(repo: Path, tree_dir: Path, index: Path, extra: dict[str, str]) -> str:
    """Hash TREE_DIR, with the EXTRA files (name: text) at its top, into the repository's
    objects through a throwaway index; returns the tree id."""
    env = {
        "GIT_DIR": _git(repo, "rev-parse", "--absolute-git-dir"),
        "GIT_INDEX_FILE": str(index),
        "GIT_WORK_TREE": str(tree_dir),
    }
    _git(repo, "add", "--all", "--force", ".", env=env, cwd=tree_dir)
    for name, text in extra.items():
        blob = subprocess.run(
            ["git", "hash-object", "-w", "--stdin"],
            cwd=repo, input=text, capture_output=True, text=True, check=True,
            env={**os.environ, **env}, timeout=60,
        ).stdout.strip()  # fmt: skip
        _git(
            repo,
            "update-index",
            "--add",
            "--cacheinfo",
            f"100644,{blob},{name}",
            env=env,
            cwd=tree_dir,
        )
    return _git(repo, "write-tree", env=env, cwd=tree_dir)


def _commit(repo: Path, tree: str, parent: str, message: str) -> str:
    args = ["commit-tree", tree, "-m", message]
    if parent:
        args += ["-p", parent]
    env = {}
    # A fresh CI machine may have no git identity; the commit still needs one.
    if not _git(repo, "config", "user.email", check=False) and "GIT_AUTHOR_EMAIL" not in os.environ:
        env = {
            "GIT_AUTHOR_NAME": "briefings",
            "GIT_AUTHOR_EMAIL": "briefings@localhost",
            "GIT_COMMITTER_NAME": "briefings",
            "GIT_COMMITTER_EMAIL": "briefings@localhost",
        }
    return _git(repo, *args, env=env)


def _default_message(repo: Path) -> str:
    source = _git(repo, "rev-parse", "--short", "HEAD", check=False) or "an unborn branch"
    dirty = (
        " (with uncommitted changes)" if _git(repo, "status", "--porcelain", check=False) else ""
    )
    return f"Publish site from {source}{dirty}\n\nBuilt by briefings."
