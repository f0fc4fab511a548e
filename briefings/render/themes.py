"""Where templates and theme files are found: the project's own first, then the built-in theme.

Kept apart from rendering so that light commands (the no-change check of `briefings build`)
can list a site's inputs without importing Jinja and the rest of the pipeline."""

from __future__ import annotations

from pathlib import Path

from briefings.config import Config


def builtin_templates_dir() -> Path:
    """The default theme: inside the package when installed, at the repository top in a checkout."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "templates"
    if packaged.is_dir():
        return packaged
    return package.parent / "templates"


def template_dirs(config: Config) -> list[Path]:
    """Where templates are looked up, the project's own first so they override file by file."""
    dirs = [config.templates_dir, builtin_templates_dir()]
    unique: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique


def static_trees(config: Config) -> list[tuple[Path, str]]:
    """(folder, where in site/) of static files, in copy order: later trees override earlier."""
    trees = [(templates / "static", "static") for templates in reversed(template_dirs(config))]
    return [*trees, (config.static_dir, "")]
