"""`briefings init`: lays out a new project without ever overwriting a file that exists."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

from briefings.render.themes import builtin_templates_dir

CONFIG_TEMPLATE = """\
# Settings for this briefing. Every key is optional; see the README for all of them.
title = "{title}"
description = "A daily briefing of the stories that matter."
# Where the site will be published; links, feeds and emails are made from it. A placeholder
# until you set it: `publish` and `digest --send` refuse it (the Pages workflow passes its own).
# For GitHub Pages under a repository: "https://USER.github.io/REPO/"
base_url = "https://briefing.example.org/"
language = "en"
timezone = "UTC"
author = ""

[paths]
content = "content"
templates = "templates"
static = "static"
output = "site"
"""

PAGES_WORKFLOW = """\
# Builds this briefing and deploys it with the official GitHub Pages actions on every push to main.
# In the repository's settings, set Pages > Source to "GitHub Actions".
name: Publish to GitHub Pages

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - id: pages
        uses: actions/configure-pages@v5
      - run: pip install briefings
      # base_url comes from Pages itself, e.g. https://user.github.io/repo/. An article whose
      # file has problems is left out and said in the log; --strict stops the deploy instead.
      - run: briefings build --base-url "${{ steps.pages.outputs.base_url }}/"
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

GITIGNORE = "/site/\n/.briefings/\n# left beside site/ by a build that was killed (the next build removes them)\n/.site.building-*/\n/.site.old-*/\n/.site.new-*/\n/.site.index-*/\n"

WELCOME = """\
---
title: Welcome to your briefing
date: {today}
source: Briefings
tags: [Meta]
note: Replace this article with your first story, or run `briefings ingest` on a saved page.
---
Articles live in `content/articles/` as Markdown with front matter: title, date, source,
url, authors, tags, summary, dateline, image and a curator's note.

Editions, the briefings themselves, live in `content/editions/`. Without any, every day
with articles becomes an edition of its own.
"""


TEMPLATES_README = """\
# Your templates

The site is drawn by briefings' own theme, so its fixes and new pages reach this project.
To change one page, put a file of the same name here: it is used instead of the theme's
(for example `article.html`, `_macros.html`, `static/style.css`, `email/digest.html`).
Copy it from the theme to start: `briefings init --templates DIR` writes the whole theme
into DIR's templates/ (files that exist are kept).
"""


WELCOME_FILE = Path("articles") / "welcome.md"  # in the content folder


def untouched_welcome(content_dir: Path) -> Path | None:
    """The sample article init wrote, when it is still there as init wrote it (any day)."""
    path = content_dir / WELCOME_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    dated = [line for line in text.splitlines() if line.startswith("date: ")]
    if len(dated) != 1:
        return None
    return path if text == WELCOME.format(today=dated[0].removeprefix("date: ")) else None


def init_project(
    target: Path, log: Callable[[str], None] = print, templates: bool = False
) -> list[Path]:
    """Create the project skeleton in TARGET; returns the files written (existing ones are
    kept). TEMPLATES: copy the theme's templates too, to edit (else the theme is used as it
    is, and a project file of the same name overrides one of its files)."""
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    files = {
        "briefings.toml": CONFIG_TEMPLATE.format(
            title=target.resolve().name.replace('"', "") or "Briefings"
        ),
        ".gitignore": GITIGNORE,
        f"content/{WELCOME_FILE.as_posix()}": WELCOME.format(today=date.today().isoformat()),
        ".github/workflows/pages.yml": PAGES_WORKFLOW,
        "templates/README.md": TEMPLATES_README,
    }
    for name, text in files.items():
        _write_new(target / name, functools.partial(_write_text, text=text), written, log)
    for folder in ("content/editions", "static"):
        (target / folder).mkdir(parents=True, exist_ok=True)
    if not templates:
        return written
    theme = builtin_templates_dir()
    for source in sorted(theme.rglob("*")):
        if source.is_file():
            dest = target / "templates" / source.relative_to(theme)
            _write_new(dest, functools.partial(_copy, source), written, log)
    return written


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _copy(source: Path, path: Path) -> None:
    shutil.copyfile(source, path)


def _write_new(
    path: Path, write: Callable[[Path], object], written: list[Path], log: Callable[[str], None]
) -> None:
    if path.exists():
        log(f"  kept     {path} (exists)")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write(path)
    written.append(path)
    log(f"  created  {path}")
