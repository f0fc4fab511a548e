"""What a build says to the editor beside its result: articles left out (their files have
problems), slugs made distinct, drafts and what they need, articles held back until their date,
`story:` pins naming nothing. Each once, and again when it changes (a serving builder rebuilds
on every save)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from briefings.build.output import static_files
from briefings.config import Config
from briefings.content.load import left_out_warning
from briefings.content.visible import scheduled_note
from briefings.markup.markdown import RenderedText
from briefings.model import Content
from briefings.relate import Relations

DRAFTS_SHOWN = 20


class Notices:
    def __init__(self, log: Callable[[str], None]) -> None:
        self.log = log
        self._content: tuple = ()  # what was last said of the content...
        self._pins: tuple[str, ...] = ()  # ...and of the editor's pins
        self._texts: tuple = ()  # ...and of articles shown as plain text
        self._static: list[str] = []  # ...and of static files that replace pages

    def content(self, content: Content) -> None:
        said = (
            content.left_out,
            content.notes,
            tuple((a.path, a.needs) for a in content.drafts),
            tuple(a.path for a in content.scheduled),
        )
        if said == self._content:
            return
        self._content = said
        for line in left_out_warning(content.left_out, "build again"):
            self.log(line)
        for note in content.notes:
            self.log(f"Note: {note}")
        if content.scheduled:
            self.log(f"Note: {scheduled_note(content.scheduled)}")
        drafts = said[2]
        if drafts:
            self.log(f"{len(drafts)} draft(s), not published:")
            for path, needs in drafts[:DRAFTS_SHOWN]:
                self.log(f"  {path}" + (f" (needs {', '.join(needs)})" if needs else ""))
            if len(drafts) > DRAFTS_SHOWN:
                more = len(drafts) - DRAFTS_SHOWN
                self.log(f"  ... and {more} more: `briefings list --drafts`")

    def static(self, config: Config, pages: set[str]) -> None:
        """Each static file copied over a page the build makes (static/index.html over the home
        page): meant, maybe, but never silent."""
        clashes = [
            f"{path} ({_shown(source, config.root)})"
            for path, source in static_files(config).items()
            if path in pages
        ]
        if clashes != self._static:
            self._static = clashes
            for clash in clashes:
                self.log(f"Note: a static file replaces the page the build makes at {clash}")

    def relations(self, relations: Relations) -> None:
        if relations.notes != self._pins:
            self._pins = relations.notes
            for note in relations.notes:
                self.log(f"Note: {note}")

    def texts(self, content: Content, texts: dict[str, RenderedText]) -> None:
        """Each article whose Markdown was given up on (too slow to render), by its file."""
        said = tuple(
            (a.path, texts[a.slug].problem) for a in content.articles if texts[a.slug].problem
        )
        if said != self._texts:
            self._texts = said
            for path, problem in said:
                self.log(f"Warning: {path}: {problem}")


def _shown(path: Path, root: Path) -> str:
    """PATH as the editor knows it: inside the project, from its folder."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
