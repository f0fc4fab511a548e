"""Golden pages: the example site's key pages, byte for byte.

After an intended change to templates or rendering, regenerate with
`BRIEFINGS_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py`, then review the diff
of tests/golden/ like any other change before committing it.
"""

import os
import shutil
from pathlib import Path

import pytest

from briefings.commands.build import build_site
from briefings.config import load_config
from tests.conftest import REPO

GOLDEN = Path(__file__).parent / "golden"
PAGES = {
    "home.html": "index.html",
    "edition.html": "editions/2025-04-14/index.html",
    "article-marketlink.html": "articles/iran-helping-russia-build-plant-to-manufacture-drones-for-likely-use-in-ukraine/index.html",
    "article-rudaw.html": "articles/the-white-house-on-friday-said-the-military-cooperation-between-moscow-and/index.html",
    "topic-iran.html": "topics/iran/index.html",
    "feed.xml": "feed.xml",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("golden")
    (root / "briefings.toml").write_bytes((REPO / "briefings.toml").read_bytes())
    shutil.copytree(REPO / "content", root / "content")
    build_site(load_config(root))
    return root / "site"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_example_page_matches_golden(built: Path, name: str) -> None:
    actual = (built / PAGES[name]).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if os.environ.get("BRIEFINGS_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run with BRIEFINGS_UPDATE_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8")
