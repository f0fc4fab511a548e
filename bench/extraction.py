"""Benchmark of article extraction (run by hand: .venv/bin/python bench/extraction.py).

Runs both ingest modes over ../shared/data/extraction/aeb-dev/ through the same code path as
`briefings ingest` (read -> extract -> Markdown body), turns each body into plain text, and scores
it with ../shared/tools/extraction_score.py. Prints F1, precision and recall per mode beside the
peers' figures, and pages per second.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from briefings.ingest.extract import extract  # noqa: E402
from briefings.ingest.read import read_raw  # noqa: E402
from briefings.markup.markdown import markdown_to_html, plain_text  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "extraction" / "aeb-dev"
SCORER = ROOT.parent / "shared" / "tools" / "extraction_score.py"
PEERS = {
    "the raw text dump": 0.678,
    "trafilatura 2.0.0 (HTML)": 0.960,
    "rs-trafilatura (HTML)": 0.969,
    "AutoExtract, commercial (HTML)": 0.974,
}
TARGETS = {"text": 0.90, "html": 0.97}


def run_mode(mode: str) -> tuple[dict[str, float], float]:
    ids = [json.loads(line)["id"] for line in (DATA / "truth.jsonl").open()]
    suffix = ".txt" if mode == "text" else ".html.gz"
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        for page_id in ids:
            raw = read_raw(DATA / "pages" / f"{page_id}{suffix}")
            article = extract(raw)
            text = plain_text(markdown_to_html(article.body))
            out.write(json.dumps({"id": page_id, "body": text}) + "\n")
    elapsed = time.perf_counter() - started
    line = subprocess.run(
        [sys.executable, str(SCORER), str(DATA / "truth.jsonl"), out.name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {"f1": float(line[1]), "precision": float(line[3]), "recall": float(line[5])}, len(
        ids
    ) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--modes", default="text,html")
    args = parser.parse_args()
    print(f"Article extraction on {DATA.name} (111 pages), scored by {SCORER.name}")
    for mode in args.modes.split(","):
        score, rate = run_mode(mode)
        verdict = "MET" if score["f1"] >= TARGETS[mode] else "NOT MET"
        print(
            f"  {mode:4} mode: F1 {score['f1']:.3f}  precision {score['precision']:.3f}  recall {score['recall']:.3f}  "
            f"{rate:.1f} pages/s  target >= {TARGETS[mode]}  {verdict}"
        )
    print("  peers: " + ", ".join(f"{name} {f1:.3f}" for name, f1 in PEERS.items()))


if __name__ == "__main__":
    main()
