"""Shared fixtures: throwaway projects in temporary folders, never the user's files."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from tests.browser import chromium  # noqa: F401 - a fixture, shared by the browser tests

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def signing_key_outside_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The build cache's signing key (build/keys.py) in a folder of the test run's own."""
    import os

    os.environ["BRIEFINGS_KEY_DIR"] = str(tmp_path_factory.mktemp("keys"))


@pytest.fixture(autouse=True, scope="session")
def ctrl_c_reaches_children() -> None:
    """Tests stop serve and watch with SIGINT, as Ctrl-C does. A test run started as a
    background job of a non-interactive shell (`make test &`) ignores SIGINT, every child
    inherits that, and Python then never raises KeyboardInterrupt in them: handle it here."""
    import signal

    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def article_text(
    title: str = "A title",
    date: str = "2025-04-14",
    source: str = "Outlet",
    body: str = "Body text.",
    **extra: str,
) -> str:
    lines = [f"title: {title}", f"date: {date}", f"source: {source}"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


def set_config(root: Path, **settings: str) -> None:
    """Append or replace top-level string settings in ROOT/briefings.toml."""
    path = root / "briefings.toml"
    lines = [ln for ln in path.read_text().splitlines() if ln.split("=")[0].strip() not in settings]
    top = [f"{key} = {value!r}".replace("'", '"') for key, value in settings.items()]
    # Top-level keys must come before the first [table].
    first_table = next((i for i, ln in enumerate(lines) if ln.startswith("[")), len(lines))
    path.write_text("\n".join(lines[:first_table] + top + lines[first_table:]) + "\n")


def counting_pool(used: list) -> type:
    """A ProcessPoolExecutor that notes each time one is made: proof work went to processes."""

    class Pool(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs) -> None:
            used.append(args)
            super().__init__(*args, **kwargs)

    return Pool


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project folder with a minimal config."""
    root = tmp_path / "proj"
    write(root / "briefings.toml", 'title = "Test Briefing"\nbase_url = "https://example.org/"\n')
    (root / "content" / "articles").mkdir(parents=True)
    return root


@pytest.fixture
def add_article(project: Path) -> Callable[..., Path]:
    def add(name: str, **fields: str) -> Path:
        return write(project / "content" / "articles" / name, article_text(**fields))

    return add


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the bundled example project (config, content; the theme comes from the package)."""
    root = tmp_path / "example"
    root.mkdir()
    shutil.copy(REPO / "briefings.toml", root / "briefings.toml")
    shutil.copytree(REPO / "content", root / "content")
    return root
