"""Benchmark of the edit loop (run by hand: .venv/bin/python bench/watch.py [--sizes 10,10000]).

For each size: lay out a project of generated articles (bench/corpus.py), start `briefings serve`,
then save one article several times and measure the time from the save to the new text being
served over HTTP (median). Then a bounded load run: 20 clients for 10 s against 127.0.0.1.
With --bursts N: N bursts of 200 saves, renames and deletes (each undone in the next burst),
and the serving process's memory (RSS) after each: after N bursts it should stay within 10% of
what it was after one (the watcher keeps no table of every version it saw).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402
import yaml  # noqa: E402

TARGETS_MS = {10: 100, 10_000: 300}


def lay_out(folder: Path, n: int) -> list[Path]:
    (folder / "content" / "articles").mkdir(parents=True)
    (folder / "briefings.toml").write_text('title = "Bench"\nsearch = false\n')
    paths = []
    for a in corpus.generate(n):
        path = folder / "content" / "articles" / f"{a.slug}.md"
        meta = {
            "title": a.title,
            "date": a.date.isoformat(),
            "source": a.source,
            "slug": a.slug,
            "tags": list(a.tags),
        }
        path.write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n{a.body}\n")
        paths.append(path)
    return paths


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def wait_until(check, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            if check():
                return time.perf_counter() - start
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.002)
    raise TimeoutError


def edit_latencies(url: str, paths: list[Path], edits: int) -> list[float]:
    rng = random.Random(5)
    latencies = []
    for k in range(edits):
        path = rng.choice(paths)
        page = f"{url}articles/{path.stem}/"
        marker = f"edit-marker-{k}-{rng.randrange(10**9)}"
        text = path.read_text()
        path.write_text(text.rstrip("\n") + f"\n\n{marker}\n")
        latencies.append(wait_until(lambda m=marker, p=page: m.encode() in fetch(p), 60))
        time.sleep(0.3)
    return latencies


def load(url: str, paths: list[Path], clients: int = 20, seconds: float = 10.0) -> tuple[int, int]:
    pages = (
        [url]
        + [f"{url}articles/{p.stem}/" for p in paths[:200]]
        + [f"{url}static/style.css", f"{url}nope/"]
    )
    done, errors, stop = [0], [0], time.monotonic() + seconds
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < stop:
            target = rng.choice(pages)
            try:
                fetch(target)
            except urllib.error.HTTPError as exc:
                if exc.code != 404 or not target.endswith("nope/"):
                    with lock:
                        errors[0] += 1
            except OSError:
                with lock:
                    errors[0] += 1
            with lock:
                done[0] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0], errors[0]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def burst(paths: list[Path], k: int, url: str) -> None:
    """200 changes at once: saves, renames and deletes; then wait until the last is served."""
    rng = random.Random(k)
    chosen = rng.sample(range(len(paths)), 200)
    for j, i in enumerate(chosen):
        path = paths[i]
        if j % 3 == 0:
            path.write_text(path.read_text().rstrip("\n") + f"\n\nBurst {k}.\n")
        elif j % 3 == 1:
            renamed = path.with_name(f"{path.stem.split('--')[0]}--{k}.md")
            path.rename(renamed)
            paths[i] = renamed
        else:
            text = path.read_text()
            path.unlink()
            path.write_text(text)  # deleted, then back: a delete and a create
    marker = f"burst-marker-{k}"
    last = paths[chosen[0]]
    last.write_text(last.read_text().rstrip("\n") + f"\n\n{marker}\n")
    page = f"{url}articles/{_slug_of(last)}/"
    wait_until(lambda: marker.encode() in fetch(page), 600)


def _slug_of(path: Path) -> str:
    for line in path.read_text().splitlines():
        if line.startswith("slug:"):
            return line.split(":", 1)[1].strip()
    return path.stem


@contextmanager
def serving(n: int) -> Iterator[tuple[list[Path], str, subprocess.Popen, float]]:
    """A project of N generated articles served by `briefings serve` (its first page up): its
    article files, its URL, the process and the seconds it took to serve its first page;
    stopped with Ctrl-C after."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = lay_out(folder, n)
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        proc = subprocess.Popen(
            [sys.executable, "-m", "briefings", "serve", "-C", str(folder), "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ},
        )  # fmt: skip
        try:
            up = wait_until(lambda: fetch(url), 1800)
            yield paths, url, proc, up
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def bursts(n: int, count: int) -> None:
    with serving(n) as (paths, url, proc, _):
        sizes = []
        for k in range(count):
            burst(paths, k, url)
            time.sleep(2.0)  # the rebuild after the marker's settles
            sizes.append(rss_mb(proc.pid))
        growth = sizes[-1] / sizes[0] - 1
        print(
            f"  {n:>6} articles, {count} bursts of 200 changes: RSS after each "
            + ", ".join(f"{s:.0f}" for s in sizes)
            + f" MB; last vs first {growth:+.1%}  target <= +10% "
            + ("MET" if growth <= 0.10 else "NOT MET")
        )


def run(n: int, edits: int) -> None:
    with serving(n) as (paths, url, _, first):
        time.sleep(1.0)
        latencies = edit_latencies(url, paths, edits)
        median = statistics.median(latencies) * 1000
        target = TARGETS_MS.get(n)
        verdict = "" if target is None else ("MET" if median <= target else "NOT MET")
        print(
            f"  {n:>6} articles: first build + serve {first:6.1f} s; save-to-served median {median:7.1f} ms "
            f"(min {min(latencies) * 1000:.0f}, max {max(latencies) * 1000:.0f}, {edits} edits)"
            f"{f'  target <= {target} ms {verdict}' if target else ''}"
        )
        requests, errors = load(url, paths)
        print(f"          load: 20 clients x 10 s: {requests} requests, {errors} errors")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10,10000")
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--bursts", type=int, default=0, help="measure memory over N bursts")
    args = parser.parse_args()
    if args.bursts:
        print("Watcher memory over bursts of changes (briefings serve)")
        for n in (int(s) for s in args.sizes.split(",")):
            bursts(n, args.bursts)
        return
    print("Edit loop: time from saving an article to its new text being served (briefings serve)")
    for n in (int(s) for s in args.sizes.split(",")):
        run(n, args.edits)


if __name__ == "__main__":
    main()
