"""Benchmark of ingest (run by hand: .venv/bin/python bench/extraction.py [--part tune|held|all]).

Runs every dev set through the code path of `briefings ingest` (read -> extract -> refuse or
front matter -> Markdown body) beside plain trafilatura (default settings, given the same URL) on
the same pages in the same run, and prints per set:
- aeb-dev text dumps and HTML: body F1/precision/recall (../shared/tools/extraction_score.py);
- wcxb-dev articles: body F1, title exact (lowercased, punctuation dropped), date (same day),
  author found (the truth's names in ours), pages refused, pages/s;
- wcxb-dev non-article pages: how many were written as articles;
- news-cluster-dev's texts (pages of 60 outlets as extracted, most without their headline) as
  text dumps: titles and dates read right, marked as guessed or missing, or silently wrong.
A refused or empty page scores an empty body. `--part tune` scores the pages whose number is
not a multiple of 5 (the ones rules were written on), `--part held` the others.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT.parent / "shared" / "tools"))

from extraction_score import score  # type: ignore[import-not-found]  # noqa: E402

from briefings.ingest.extract import extract, refusal  # noqa: E402
from briefings.ingest.read import read_raw  # noqa: E402
from briefings.ingest.write import Options, front_matter, now_utc  # noqa: E402
from briefings.markup.markdown import markdown_to_html, plain_text  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "extraction"
TARGETS = {"body": 0.96, "title": 0.90, "date": 0.95, "author": 0.90}


def ours(path: Path, url: str, give: dict) -> dict:
    raw = read_raw(path)
    article = extract(raw, url)
    reason = refusal(article)
    if reason:
        return {"body": "", "refused": reason}
    meta = front_matter(article, Options(**give), raw.name, now_utc())
    authors = "; ".join(meta.get("authors", []))
    return {
        "body": plain_text(markdown_to_html(article.body)),
        "title": "" if "title" in meta.get("guessed", []) else meta["title"],
        "date": str(meta.get("date", "")),
        "author": authors,
        "draft": bool(meta.get("draft")),
        "review": any(n.startswith("review") for n in meta.get("needs", [])),
    }


def peer(path: Path, url: str, give: dict) -> dict:
    import trafilatura

    raw = read_raw(path)
    document = trafilatura.bare_extraction(raw.text, url=url or None, with_metadata=True)
    if document is None or isinstance(document, dict):
        return {"body": ""}
    return {
        "body": document.text or "",
        "title": document.title or "",
        "date": document.date or "",
        "author": document.author or "",
    }


def _run(job: tuple[Callable, Path, str, dict]) -> dict:
    how, path, url, give = job
    return how(path, url, give)


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", (text or "").lower()).split())


def names_found(truth: str, found: str) -> bool:
    """Every name in the truth's byline appears in ours (credentials and case aside)."""
    parts = [p for p in re.split(r";|,|&|\band\b", truth) if len(norm(p).split()) >= 1]
    parts = [p for p in parts if not re.fullmatch(r"\s*[A-Z.]{2,6}\s*(\(.*\))?\s*", p)]
    return bool(parts) and all(norm(p) in norm(found) for p in parts)


def in_part(page_id: str, part: str) -> bool:
    number = int(re.sub(r"\D", "", page_id) or 0)
    return part == "all" or (number % 5 == 0) == (part == "held")


def run(
    rows: list[dict], suffix: str, folder: Path, how: Callable, give: Callable, pool
) -> tuple[list[dict], float]:
    jobs = [
        (how, folder / "pages" / f"{r['id']}{suffix}", r.get("url") or "", give(r)) for r in rows
    ]
    started = time.perf_counter()
    results = list(pool.map(_run, jobs, chunksize=4))
    return results, len(rows) / (time.perf_counter() - started)


def body_score(rows: list[dict], results: list[dict]) -> tuple[float, float, float]:
    return score(
        {r["id"]: r["body"] for r in rows},
        {r["id"]: x["body"] for r, x in zip(rows, results, strict=True)},
    )


def aeb(mode: str, part: str, pool) -> None:
    folder = DATA / "aeb-dev"
    rows = [r for r in map(json.loads, (folder / "truth.jsonl").open()) if in_part(r["id"], part)]
    suffix = ".txt" if mode == "text" else ".html.gz"
    # text dumps name no date or outlet: given as options, as an editor would
    give = (
        (lambda r: {"source": "Outlet", "date": "2019-01-01", "url": r["url"]})
        if mode == "text"
        else (lambda r: {})
    )
    line = f"aeb-dev {mode:4} ({len(rows)} pages)"
    for name, how in (("briefings", ours), ("trafilatura", peer)):
        if mode == "text" and how is peer:
            continue
        results, rate = run(rows, suffix, folder, how, give, pool)
        f1, p, r = body_score(rows, results)
        refused = sum(1 for x in results if x.get("refused"))
        print(
            f"  {line} {name:11} body F1 {f1:.3f} (P {p:.3f} R {r:.3f})  refused {refused}  {rate:.1f} pages/s"
        )
        if mode == "text":
            dump_titles(rows, results, folder, pool)


def dump_titles(rows: list[dict], results: list[dict], folder: Path, pool) -> None:
    """aeb-dev has no title truth: a dump's title is set beside the one ingest finds in the same
    page's HTML (wcxb-dev: 0.86-0.89 exact), and a guessed title (a first sentence, marked so
    for the editor) apart from one taken silently from a wrong line."""
    pages, _ = run(rows, ".html.gz", folder, ours, lambda r: {}, pool)
    pairs = [(x, h) for x, h in zip(results, pages, strict=True) if h.get("title")]
    same = sum(norm(x.get("title", "")) == norm(h["title"]) for x, h in pairs)
    guessed = sum(1 for x, _ in pairs if not x.get("title"))
    silent = len(pairs) - same - guessed
    print(
        f"  {'':36} title as its HTML page's {same / len(pairs):.3f}  guessed (marked)"
        f" {guessed}  another line, not marked {silent}  (of {len(pairs)})"
    )


def wcxb(part: str, pool) -> None:
    folder = DATA / "wcxb-dev"
    rows = [r for r in map(json.loads, (folder / "truth.jsonl").open()) if in_part(r["id"], part)]
    articles = [r for r in rows if r["page_type"] == "article"]
    others = [r for r in rows if r["page_type"] != "article"]
    for name, how in (("briefings", ours), ("trafilatura", peer)):
        results, rate = run(articles, ".html.gz", folder, how, lambda r: {}, pool)
        f1, p, r = body_score(articles, results)
        title = sum(
            norm(x.get("title", "")) == norm(t["title"])
            for t, x in zip(articles, results, strict=True)
        ) / len(articles)
        dated = [(t, x) for t, x in zip(articles, results, strict=True) if t["date"]]
        date = sum(str(x.get("date", ""))[:10] == t["date"][:10] for t, x in dated) / len(dated)
        bylined = [(t, x) for t, x in zip(articles, results, strict=True) if t["author"]]
        author = sum(names_found(t["author"], x.get("author", "")) for t, x in bylined) / len(
            bylined
        )
        refused = sum(1 for x in results if x.get("refused"))
        drafts = sum(1 for x in results if x.get("draft"))
        review = sum(1 for x in results if x.get("review"))
        print(
            f"  wcxb-dev articles ({len(articles)}) {name:11} body F1 {f1:.3f} (P {p:.3f} R {r:.3f})  "
            f"title {title:.3f}  date {date:.3f}  author {author:.3f}  refused {refused}  drafts {drafts}"
            f" (to review as maybe not articles: {review})  {rate:.1f} pages/s"
        )
    results, _ = run(others, ".html.gz", folder, ours, lambda r: {}, pool)
    written = [t["page_type"] for t, x in zip(others, results, strict=True) if not x.get("refused")]
    kinds = {k: written.count(k) for k in sorted(set(written))}
    review = sum(1 for x in results if x.get("review"))
    drafts = sum(1 for x in results if x.get("draft") and not x.get("refused"))
    published = len(written) - drafts
    print(
        f"  wcxb-dev non-articles ({len(others)}) written: {len(written)} ({len(written) / len(others):.0%}) {kinds}"
        f"; of them drafts: {drafts} (to review as maybe not articles: {review}), published as"
        f" articles: {published} ({published / len(others):.0%})"
    )


CLUSTERS = ROOT.parent / "shared" / "data" / "clusters" / "news-cluster-dev.jsonl"


def _dump_facts(row: dict) -> dict:
    from briefings.ingest.read import RawPage

    article = extract(RawPage("x.txt", row["text"], "text", "utf-8"))
    if refusal(article):
        return {"refused": True}
    title = "" if "title" in article.guessed else article.title
    return {"title": title, "date": article.date[:10]}


def news_texts(part: str, pool) -> None:
    """news-cluster-dev's texts as dumps: what a dump's reader gets right, leaves to the editor
    (a guessed title is marked, a missing date makes a draft) and gets silently wrong."""
    rows = [r for r in map(json.loads, CLUSTERS.open()) if in_part(r["id"], part)]
    found = list(pool.map(_dump_facts, rows, chunksize=8))
    kept = [(r, x) for r, x in zip(rows, found, strict=True) if not x.get("refused")]
    titles = [norm(x["title"]) == norm(r["title"]) if x["title"] else None for r, x in kept]
    dates = [x["date"] == r["date"][:10] if x["date"] else None for r, x in kept]
    print(
        f"  news-cluster-dev texts ({len(rows)}) as dumps: refused {len(rows) - len(kept)};"
        f" title right {titles.count(True)}, marked guessed {titles.count(None)}, silently other"
        f" {titles.count(False)}; date right {dates.count(True)}, none {dates.count(None)},"
        f" wrong {dates.count(False)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", default="all", choices=["tune", "held", "all"])
    parser.add_argument("--sets", default="aeb-text,aeb-html,wcxb,news-text")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"Ingest on the dev sets, part {args.part}; targets: {TARGETS}")
    with ProcessPoolExecutor(args.workers) as pool:
        for name in args.sets.split(","):
            if name == "wcxb":
                wcxb(args.part, pool)
            elif name == "news-text":
                news_texts(args.part, pool)
            else:
                aeb(name.split("-")[1], args.part, pool)


if __name__ == "__main__":
    main()
