"""Builds the static search index of a built site with Pagefind (its Python package ships the binary)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from briefings.errors import BriefingsError


def index_site(site: Path) -> None:
    """Write SITE/pagefind/: the index of every page marked data-pagefind-body (the articles)."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BriefingsError(
            f"search indexing failed: {exc}", hint="set search = false in briefings.toml"
        ) from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BriefingsError(
            f"search indexing failed: {detail[0]}",
            hint="reinstall with pip install 'pagefind[bin]', or set search = false in briefings.toml",
        )
