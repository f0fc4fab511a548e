"""Writing site/: a staging folder swapped in whole, files copied only when their bytes changed."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from briefings.config import Config
from briefings.themes import static_trees


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def link_or_copy(source: Path, target: Path) -> None:
    """TARGET as the same file as SOURCE (a hard link keeps its bytes and mtime), else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def copy_static(config: Config, staging: Path, previous: Path | None = None) -> int:
    """Copy theme static files (project's templates/static overriding the theme's), then static/."""
    count = 0
    for source, below in static_trees(config):
        count += _copy_tree(source, staging / below, previous and previous / below)
    return count


def static_unchanged(config: Config, site: Path) -> bool:
    """Whether SITE already holds every static file as copy_static would write it."""
    final: dict[Path, Path] = {}  # later trees override earlier ones, as when copying
    for source, below in static_trees(config):
        if source.is_dir():
            for path in source.rglob("*"):
                if _copied(path):
                    final[site / below / path.relative_to(source)] = path
    return all(
        target.is_file() and target.read_bytes() == path.read_bytes()
        for target, path in final.items()
    )


def _copied(path: Path) -> bool:
    return path.is_file() and not path.name.startswith(".") and not path.name.endswith("~")


def _copy_tree(source: Path, target: Path, previous: Path | None = None) -> int:
    if not source.is_dir():
        return 0
    count = 0
    for path in sorted(source.rglob("*")):
        if _copied(path):
            destination = target / path.relative_to(source)
            count += 1
            if destination.is_file() and destination.read_bytes() == path.read_bytes():
                continue  # unchanged: keep its mtime, so browsers and rsync see no change
            old = previous / path.relative_to(source) if previous else None
            if (
                old is not None
                and not destination.exists()
                and old.is_file()
                and old.read_bytes() == path.read_bytes()
            ):
                link_or_copy(old, destination)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    return count


@contextmanager
def staged_output(output: Path) -> Iterator[Path]:
    """Yield an empty folder beside OUTPUT; replace OUTPUT with it only if the block succeeds."""
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-", dir=output.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.chmod(staging, 0o755)
    retired = None
    if output.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
        os.rename(output, retired / output.name)
    os.rename(staging, output)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
