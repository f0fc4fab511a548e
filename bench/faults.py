"""Fault campaign, run by hand: kill -9 at random moments of builds, edit builds, publishes and
digest sends, then count what survived.

    .venv/bin/python bench/faults.py [--articles 400] [--kills 12] [--readers 60] [--seed 1]

For each kind of run, KILLS times: start it, SIGKILL it after a random delay within its usual
length, then look:
- build / edit build: is site/ whole (exactly the site before, or exactly the finished one)?
  Does the next build give exactly what a clean build of the same content gives? Did any
  worker outlive the killed build?
- publish: is the remote's gh-pages the commit before, or a complete new one?
- send: after runs resumed to the end (never --retry-unknown), how many readers got a message
  twice (duplicates), how many got none without being reported unknown (lost)?
Expected: every site whole, every next build exact, no orphan, every remote whole, 0 and 0.
Needs aiosmtpd (pip install -e '.[test]') and git. Writes only in a temporary folder.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.digest.smtp import Recorder, smtp_server  # noqa: E402

BRIEFINGS = [sys.executable, "-m", "briefings"]
GIT_ENV = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org"}
GIT_ENV |= {"GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}


def run(
    *args: str, cwd: Path | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), cwd=cwd, capture_output=True, text=True, check=check,
        env={**os.environ, **GIT_ENV}, timeout=900,
    )  # fmt: skip


def tree_digest(site: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        digest.update(path.relative_to(site).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def make_project(folder: Path, articles: int, port: int) -> Path:
    import corpus

    project = folder / "project"
    (project / "content" / "articles").mkdir(parents=True)
    (project / "briefings.toml").write_text(
        'title = "Faults"\nbase_url = "https://briefings-faults.github.io/news/"\nsearch = false\n'
        '[digest]\nfrom_address = "desk@example.org"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        "retry_base_seconds = 0.01\ntimeout = 5.0\n"
    )
    for a in corpus.generate(articles):
        meta = {"title": a.title, "date": a.date.isoformat(), "source": a.source, "slug": a.slug}
        meta |= {"tags": list(a.tags)}
        front = yaml.safe_dump(meta, allow_unicode=True)
        (project / "content/articles" / f"{a.slug}.md").write_text(f"---\n{front}---\n{a.body}\n")
    (project / ".gitignore").write_text("/site/\n/.briefings/\n")
    run("git", "init", "-q", "-b", "main", cwd=project)
    run("git", "add", ".", cwd=project)
    run("git", "commit", "-q", "-m", "content", cwd=project)
    run("git", "init", "-q", "--bare", str(folder / "remote.git"))
    run("git", "remote", "add", "origin", str(folder / "remote.git"), cwd=project)
    return project


def clean_build(project: Path, scratch: Path) -> str:
    shutil.rmtree(scratch, ignore_errors=True)
    ignore = shutil.ignore_patterns("site", ".site.*", ".briefings", ".git")
    shutil.copytree(project, scratch, ignore=ignore)
    done = run(*BRIEFINGS, "--debug", "build", "-C", str(scratch), "--no-cache", check=False)
    if done.returncode:
        raise SystemExit(f"a clean build failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return tree_digest(scratch / "site")


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    if done.returncode:
        raise SystemExit(f"{' '.join(command[2:])} failed:\n{done.stdout}{done.stderr[-3000:]}")
    return time.perf_counter() - started


def kill_after(command: list[str], delay: float) -> tuple[bool, set[int]]:
    """Run COMMAND, SIGKILL it after DELAY; whether it was still running, and its children."""
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **GIT_ENV}
    )
    deadline = time.monotonic() + delay
    children: set[int] = set()
    while time.monotonic() < deadline and process.poll() is None:
        children |= children_of(process.pid)
        time.sleep(0.01)
    killed = process.poll() is None
    if killed:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return killed, children


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdecimal():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.add(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def builds(
    project: Path, folder: Path, kills: int, rng: random.Random, edit: bool
) -> dict[str, int]:
    counts = {"kills": 0, "whole sites": 0, "exact next builds": 0, "orphan workers": 0}
    command = [*BRIEFINGS, "build", "-C", str(project)] + ([] if edit else ["--no-cache"])
    length = timed(command)
    articles = sorted((project / "content/articles").glob("*.md"))
    for n in range(kills):
        if edit:
            victim = rng.choice(articles)
            victim.write_text(victim.read_text() + f"\nEdited {n}.\n")
        before = tree_digest(project / "site")
        after = clean_build(project, folder / "clean")
        killed, workers = kill_after(command, rng.uniform(0.05, length))
        time.sleep(1.0)
        counts["orphan workers"] += sum(alive(w) for w in workers)
        for w in workers:
            if alive(w):
                os.kill(w, signal.SIGKILL)
        counts["kills"] += killed
        counts["whole sites"] += tree_digest(project / "site") in (before, after)
        run(*BRIEFINGS, "build", "-C", str(project))
        counts["exact next builds"] += tree_digest(project / "site") == after
    return counts


def publishes(project: Path, folder: Path, kills: int, rng: random.Random) -> dict[str, int]:
    counts = {"kills": 0, "whole remotes": 0}
    remote = folder / "remote.git"
    command = [*BRIEFINGS, "publish", "-C", str(project)]
    length = timed(command)
    for n in range(kills):
        victim = rng.choice(sorted((project / "content/articles").glob("*.md")))
        victim.write_text(victim.read_text() + f"\nPublished edit {n}.\n")
        run("git", "commit", "-qam", f"edit {n}", cwd=project)
        before = run("git", "rev-parse", "gh-pages", cwd=remote, check=False).stdout.strip()
        killed, _ = kill_after(command, rng.uniform(0.05, length))
        counts["kills"] += killed
        head = run("git", "rev-parse", "gh-pages", cwd=remote, check=False).stdout.strip()
        files = run("git", "ls-tree", "-r", "--name-only", "gh-pages", cwd=remote, check=False)
        whole = head == before or "index.html" in files.stdout.split()
        counts["whole remotes"] += (
            whole and run("git", "fsck", "--no-progress", cwd=remote, check=False).returncode == 0
        )
    return counts


def sends(
    project: Path, folder: Path, kills: int, readers: int, rng: random.Random, recorder: Recorder
) -> dict[str, int]:
    addresses = [f"reader{n}@example.org" for n in range(readers)]
    listing = folder / "readers.csv"
    listing.write_text("email\n" + "".join(f"{a}\n" for a in addresses))
    command = [*BRIEFINGS, "digest", "-C", str(project), "--send", "--list", str(listing)]
    counts = {"kills": 0, "duplicates": 0, "lost": 0, "unknown": 0}
    for _ in range(kills):
        shutil.rmtree(project / ".briefings" / "digests", ignore_errors=True)
        recorder.accepted.clear()
        killed, _ = kill_after(command, rng.uniform(0.5, 6.0))
        counts["kills"] += killed
        for _ in range(5):  # resumed to the end, as an editor would
            if run(*command, check=False).returncode == 0:
                break
        delivered = [str(m["To"]).split("<")[-1].rstrip(">") for m in recorder.accepted]
        log = run(
            *BRIEFINGS, "digest", "-C", str(project), "--send", "--list", str(listing), check=False
        ).stdout
        unknown = int(log.split("unknown ")[1].split()[0]) if "unknown " in log else 0
        counts["unknown"] += unknown
        counts["duplicates"] += sum(delivered.count(a) > 1 for a in addresses)
        counts["lost"] += max(0, sum(delivered.count(a) == 0 for a in addresses) - unknown)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--readers", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.environ.setdefault("BRIEFINGS_UNSUBSCRIBE_SECRET", "faults")
    recorder = Recorder()
    with (
        tempfile.TemporaryDirectory(prefix="briefings-faults-") as scratch,
        smtp_server(recorder) as port,
    ):
        folder = Path(scratch)
        project = make_project(folder, args.articles, port)
        run(*BRIEFINGS, "build", "-C", str(project))
        pages = sum(1 for p in (project / "site").rglob("*.html"))
        print(
            f"{args.articles} articles, {pages} pages; {args.kills} kills of each kind", flush=True
        )
        campaigns = {
            "cold build": lambda: builds(project, folder, args.kills, rng, edit=False),
            "edit build": lambda: builds(project, folder, args.kills, rng, edit=True),
            "publish": lambda: publishes(project, folder, args.kills, rng),
            "send": lambda: sends(project, folder, args.kills, args.readers, rng, recorder),
        }
        for name, campaign in campaigns.items():  # each printed as it ends: a run is long
            counts = campaign()
            print(f"  {name:11} " + ", ".join(f"{k} {v}" for k, v in counts.items()), flush=True)


if __name__ == "__main__":
    main()
