"""Builds kept in memory between rebuilds: only what changed is parsed, related, rendered, written.

`SiteBuilder.rebuild(changed_paths)` is the entry point for watch and serve. A page is rendered
again only when its fingerprint changes (briefings.build.fingerprint: the site's settings and templates,
plus a signature of everything its context holds), and after an edit only when it read something
of the edited article that changed (briefings.build.planning, briefings.render.renderer). Files in site/ are
rewritten only when their bytes change. A failed rebuild changes nothing: the last good site
stays, in memory and on disk.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from briefings import __version__
from briefings.build import fingerprint, output, planning, search, writing
from briefings.build.notices import Notices
from briefings.build.relate_stage import Relating
from briefings.build.texts import Texts
from briefings.config import Config, load_config
from briefings.content.files import content_files
from briefings.content.load import load_content
from briefings.content.visible import visible
from briefings.errors import BriefingsError, ContentError, Problem, TemplateError
from briefings.markup.markdown import RenderedText
from briefings.model import Content
from briefings.relate import Relations
from briefings.render.renderer import Reads, Renderer, reads_from_json, render_all
from briefings.render.themes import template_dirs
from briefings.runtime import progress
from briefings.site.pages import PageSpec


@dataclass(frozen=True)
class RebuildResult:
    generation: int  # counts good builds; unchanged after a failure
    written: tuple[str, ...]  # site-relative files rewritten
    removed: tuple[str, ...]
    rendered: int  # pages rendered (the others were unchanged)
    seconds: float
    error: BriefingsError | None = None
    phases: tuple[tuple[str, float], ...] = ()  # (phase, seconds): load, relate, render, write

    def summary(self) -> str:
        if self.error:
            return f"Rebuild failed in {self.seconds * 1000:.0f} ms; still serving the last good site:\n{self.error}"
        changed = len(self.written) + len(self.removed)
        return f"Rebuilt: {self.rendered} pages rendered, {changed} files changed, in {self.seconds * 1000:.0f} ms"


class SiteBuilder:
    def __init__(
        self,
        root: Path,
        log: Callable[[str], None] = lambda _: None,
        config: Config | None = None,
        preview: tuple[bool, bool] = (False, False),
        bodies: Path | None = None,
    ) -> None:
        """BODIES: the folder to keep article bodies in (see briefings.build.bodies) for the
        build cache; None: an unnamed file, gone with the process."""
        self.root = root
        # (drafts, future): a preview shows drafts and articles dated later, marked; a build never.
        self.preview = preview
        self.fixed_config = config  # else briefings.toml is read again at every rebuild
        self.log = log
        self.generation = 0
        # What the site holds now, by site-relative path (or only its digest: see Staging).
        self.outputs: dict[str, output.Page] = {}
        self.last_error: BriefingsError | None = None
        self.left_out: tuple[tuple[str, str], ...] = ()  # the last load's (Content.left_out)
        self._lock = threading.Lock()
        self._settings: Any = None
        self._texts = Texts(bodies)
        self._relating: Relating | None = None
        self._signed: dict[int, Any] = {}  # id -> article or entry signed, kept alive
        self._signatures: dict[int, str] = {}  # id -> its signature
        self._plan: planning.Plan | None = (
            None  # the last good build's, see briefings.build.planning
        )
        self._site_key = ""
        self._fingerprints: dict[str, str] = {}
        # What each page read of articles; as the ledger's JSON until needed (see _reads_of).
        self._reads: dict[str, Reads | str] = {}
        self._search = search.BackgroundIndexer(log)  # while serving
        self._renderer: Renderer | None = None
        self._templates: tuple = ()
        self._sources: dict = {}  # parsed content files by path, with their (mtime, size)
        self._notices = Notices(log)
        self._stamps: dict[str, tuple[int, int] | None] = {}  # (size, mtime) as written
        # The pages whose state (output, stamp, fingerprint, reads) changed since the site's
        # ledger last recorded them (build/ledger.py), and the ledger's (token, generation)...
        self.unrecorded: set[str] = set()
        self.ledger: tuple[str, int] | None = None
        # ...where it was when the build cache this builder started from was saved...
        self.cached_at: tuple[str, int] | None = None
        # ...and the pages the ledger recorded after that, not yet looked at by this process's
        # plan: the cache's plan is older than they are (an edit undone since must undo them).
        self._unplanned: set[str] = set()
        # What a check just found of site/'s pages (size, mtime: manifest.check), taken by the
        # next rebuild instead of looking at each page again; only that one.
        self.found_on_disk: Mapping[str, tuple[int, int] | None] = {}

    @staticmethod
    def _check_saved(content: Content, config: Config, changed: list[Path]) -> None:
        """Raise for the problems of an article left out whose file is among CHANGED (a watcher
        saw it saved): while serving, a save that breaks the article being edited shows the
        problem and keeps its last good page, where a build leaves the article out."""
        saved = {str(path) for path in changed}
        broken = [text for path, text in content.left_out if str(config.root / path) in saved]
        if broken:
            raise ContentError(
                map(Problem, broken), summary=f"content has {len(broken)} problem(s)"
            )

    def snapshot(self) -> Mapping[str, output.Page]:
        return self.outputs

    def rebuild(self, changed: Iterable[Path] = ()) -> RebuildResult:
        """Bring site/ up to date. CHANGED: the paths a watcher saw change; when they are all
        content files, only those are read again (else the whole project is checked)."""
        with self._lock:
            started = time.perf_counter()
            try:
                result = self._rebuild(started, changed)
            except BriefingsError as exc:
                self.found_on_disk = {}
                self.last_error = exc
                return RebuildResult(self.generation, (), (), 0, time.perf_counter() - started, exc)
            self.last_error = None
            self.found_on_disk = {}  # site/ is this build's now
            return result

    def _rebuild(self, started: float, changed: Iterable[Path]) -> RebuildResult:
        clock = progress.Laps()
        changed = list(changed)
        config = self.fixed_config or load_config(self.root)
        output.check_output(config.output_dir)
        if config.settings != self._settings:
            self._reset(config)
        content = load_content(
            config.content_dir,
            config.tz,
            config.root,
            self._sources,
            # After a failed rebuild, some change may not have been read: look at everything.
            content_files(config.content_dir, changed)
            if self.outputs and not self.last_error
            else None,
            leave_out=True,
        )
        self._check_saved(content, config, changed)
        content = visible(content, datetime.now(UTC), *self.preview)
        self.left_out = content.left_out
        self._notices.content(content)
        texts = self._texts.render(content)
        self._notices.texts(content, texts)
        clock.lap("load")
        progress.phase_line(
            self.log, clock.laps[-1][1], f"Loaded {len(content.articles):,} articles"
        )
        relations, moved = self._relate(config, content, texts)
        self._notices.relations(relations)
        clock.lap("relate")
        stories = sum(1 for s in relations.stories if s.is_multi)
        progress.phase_line(self.log, clock.laps[-1][1], f"Related them: {stories:,} stories")
        plan = planning.plan(config, content, texts, relations, self._plan, moved)
        pages = plan.pages
        self._notices.static(config, {page.output for page in pages})
        templates = fingerprint.tree_stamp(template_dirs(config))
        site_key = fingerprint.digest((__version__, repr(config.settings), templates))
        # After an edit that leaves the site's structure alone, only the pages showing what
        # changed are signed again (see briefings.build.planning).
        only = plan.changed if site_key == self._site_key else None
        if only is not None:
            only = {i for i in only if self._may_differ(i, pages[i], plan)}
            if self._unplanned:
                only |= {i for i, page in enumerate(pages) if page.output in self._unplanned}
        if self._renderer is None or templates != self._templates:
            # Kept between rebuilds for its compiled templates; made anew when any template file
            # appears, goes or changes (an override may shadow a theme file the cache holds).
            # Reads are recorded in one-shot builds too: the cache keeps them, so that the next
            # build, in a new process, renders only the pages that read what an edit changed.
            self._renderer = Renderer(config)
            self._templates = templates
        renderer = self._renderer
        problems: list = []
        reads: dict[str, Reads] = {}
        todo: list[PageSpec] = []
        # Entries appear on many pages: sign each once per rebuild; an unchanged article (the
        # same object, see load_content) keeps its signature from the last rebuild.
        memo: dict[int, Any] = dict(self._signatures)
        if only is not None and plan.same_paths and self._all_in_memory(len(pages)):
            # The same pages as last time, all held here: start from the last outputs and look
            # only at the pages that may differ (a large site has tens of thousands).
            outputs, fingerprints = dict(self.outputs), dict(self._fingerprints)
            candidates: Iterable[int] = sorted(only)
        else:
            outputs, fingerprints, candidates = {}, {}, range(len(pages))
        # A string, joined to each page's path: a large site has tens of thousands of pages, and
        # joining Paths took longer than reading the files' stamps.
        site = str(config.output_dir)
        seen = set[str]()  # pages found on disk as written (the write phase need not look again)
        for i in candidates:
            page = pages[i]
            if only is not None and i not in only and self._reusable(site, page.output):
                fingerprints[page.output] = self._fingerprints[page.output]
                outputs[page.output] = self.outputs[page.output]
                seen.add(page.output)
                continue
            outputs[page.output] = b""  # signed, maybe rendered, below: the site keeps the order
            todo.append(page)

        def sign(page: PageSpec) -> tuple[tuple[str, tuple], bool]:
            """The page's fingerprint with the signatures learned making it (a worker's memo is
            its own: they are sent back), and whether its last rendering stands for it."""
            known = len(memo)
            key = fingerprint.digest(
                (site_key, page.template, page.path, fingerprint.signature(page.context, memo))
            )
            learned = tuple(islice(reversed(memo.items()), len(memo) - known))
            last = self._fingerprints.get(page.output)
            return (key, learned), last == key and self._reusable(site, page.output)

        # A one-shot build writes each page into the new site/ as it is rendered, on every core:
        # the pages' bytes never cross between processes nor stay in memory.
        staging = output.Staging(config.output_dir) if self.fixed_config is not None else None

        def store(page: PageSpec, data: bytes) -> bytes | output.Stored:
            if staging is None:
                return data
            staging.write(page.output, data)
            return output.Stored(output.digest_of(data))

        rendered, streamed = 0, set[str]()
        slugs = {a.slug: a.slug for a in content.articles}  # one copy of each, not one a page
        steps = progress.Progress(self.log, "Rendering pages", len(todo))
        try:
            for done, (page, ((key, learned), data, read, failed)) in enumerate(
                zip(todo, render_all(renderer, todo, sign, store), strict=True), 1
            ):
                steps.step(done)
                fingerprints[page.output] = key
                memo.update(learned)
                problems += failed
                if data is None:  # its last rendering stands, or it failed
                    outputs[page.output] = self.outputs.get(page.output, b"")
                    continue
                outputs[page.output] = data
                rendered += 1
                if staging is not None:
                    streamed.add(page.output)
                reads[page.output] = self._kept_reads(read, slugs)
            if problems:
                raise TemplateError(problems, summary="templates failed to render")
            clock.lap("render")
            # A staged write (a first build, or any one-shot build) indexes search in its staging
            # folder; only in-place writes (serve, watch) index afterwards, beside serving.
            staged = not self.outputs or staging is not None
            written, removed, self._stamps = writing.write(
                config, self.outputs, self._stamps, outputs, staging, streamed, self.log, seen
            )
        except BaseException:
            if staging is not None:
                staging.discard()
            raise
        clock.lap("write")
        self.outputs, self._fingerprints = outputs, fingerprints
        if removed:
            self._reads = {p: r for p, r in self._reads.items() if p in outputs}
        self._reads.update(reads)
        self._plan, self._site_key = plan, site_key
        self._unplanned = set()
        self.unrecorded.update(reads, written, removed)
        self._keep_signatures(content, plan, memo)
        self.generation += 1
        if not staged and config.settings.search and search.indexed_among((*written, *removed)):
            self._search.request(config.output_dir, (*written, *removed))
        return RebuildResult(
            self.generation,
            written,
            removed,
            rendered,
            time.perf_counter() - started,
            phases=tuple(clock.laps),
        )

    def _keep_signatures(self, content: Content, plan: planning.Plan, memo: dict) -> None:
        """Keep the signatures of today's articles and entries for the next rebuild (with the
        objects themselves, so that no other object can take their id)."""
        if (
            plan.changed is not None
            and not plan.anew
            and len(self._signed) < 3 * len(plan.entries) + 100
        ):
            # The fast path: only the swapped entries (and their articles) are new.
            for slug, old in plan.replaced.items():
                new = plan.entries[slug]
                for gone, fresh in ((old, new), (old.article, new.article)):
                    self._signed.pop(id(gone), None)
                    self._signatures.pop(id(gone), None)
                    if id(fresh) in memo:
                        self._signed[id(fresh)] = fresh
                        self._signatures[id(fresh)] = memo[id(fresh)]
            return
        kept = (*content.articles, *plan.entries.values())
        self._signed = {id(x): x for x in kept if id(x) in memo}
        self._signatures = {key: memo[key] for key in self._signed}

    def _kept_reads(self, read: Reads, slugs: dict[str, str]) -> Reads:
        """What a page READ, as kept until the next build: each set of reads and of slugs once
        (a worker's come as copies), each slug the article's own string."""
        intern = self._renderer.intern if self._renderer is not None else (lambda v: v)
        return tuple(
            (intern(what), intern(frozenset(slugs.get(s, s) for s in among)))
            for what, among in read
        )

    def _all_in_memory(self, pages: int) -> bool:
        """Whether the last build's outputs are all bytes held here, one per page of PAGES."""
        return len(self.outputs) == pages and not any(
            type(data) is output.Stored for data in self.outputs.values()
        )

    def _may_differ(self, i: int, page: PageSpec, plan: planning.Plan) -> bool:
        """Whether page I can differ from its last rendering: it was planned anew, or it read
        something of an article whose fresh entry was swapped into it."""
        swapped = plan.swapped.get(i)
        reads = self._reads_of(page.output)
        if swapped is None or reads is None:
            return True
        return any(
            fingerprint.reads_differ(plan.replaced[s], plan.entries[s], what)
            for s in swapped
            for what, slugs in reads
            if s in slugs or "" in slugs
        )

    def _reset(self, config: Config) -> None:
        """New settings: forget everything derived from the old ones."""
        self._settings = config.settings
        self._relating, self._fingerprints, self._renderer = None, {}, None
        self._reads = {}
        self._plan = None

    def _relate(
        self, config: Config, content: Content, texts: dict[str, RenderedText]
    ) -> tuple[Relations, set[str] | None]:
        """The relations of CONTENT, and the slugs whose relations changed since the last plan's
        (None: any may have)."""
        if not config.settings.related.enabled:
            return Relations(), None
        if self._relating is None:  # new settings, or the first build: every doc made anew
            self._relating = Relating(config.settings.related)
        base = self._relating.relations
        relations, moved = self._relating.update(content, texts)
        # What changed is known since the last snapshot; planning needs it since the last plan's.
        since_plan = base is not None and self._plan is not None and self._plan.relations is base
        return relations, moved if since_plan else None

    def _reusable(self, site: str, path: str) -> bool:
        """The last output at PATH can stand for this build's: held in memory, or (after a
        restore) still on disk in SITE as we wrote it."""
        data = self.outputs.get(path)
        if isinstance(data, output.Stored):
            recorded = self._stamps.get(path)
            if path in self.found_on_disk:
                return recorded is not None and self.found_on_disk[path] == recorded
            return output.unchanged_on_disk(f"{site}/{path}", recorded)
        return data is not None

    def state(self) -> dict:
        """What a later build may start from, besides what the ledger keeps of each page (see
        briefings.build.state and briefings.build.ledger)."""
        return {name: getattr(self, name) for name in PERSISTED}

    def restore(
        self,
        state: dict,
        pages: tuple[dict[str, output.Page], dict, dict[str, str], dict[str, Reads | str]] | None,
        newer: Iterable[str] = (),
    ) -> None:
        """Start from STATE (the build cache) and PAGES, the ledger's tables (outputs, stamps,
        fingerprints, reads; None: there is no ledger to go with the cache, every page is
        unknown); NEWER: the pages the ledger recorded after the cache's plan was made."""
        for name in PERSISTED:
            setattr(self, name, state[name])
        if pages is not None:
            self.outputs, self._stamps, self._fingerprints, self._reads = pages
        self._unplanned = set(newer) & self.outputs.keys()

    def page_stamps(self) -> dict[str, tuple[int, int] | None]:
        """Each page in site/ with its size and mtime as this build found or wrote it (None: not
        known)."""
        return {path: self._stamps.get(path) for path in self.outputs}

    def page_state(self, path: str) -> tuple[bytes, tuple[int, int] | None, str, Reads] | None:
        """What this builder knows of the page at PATH (the digest of its output, its stamp,
        fingerprint and reads), for the ledger; None when the site has no such page."""
        data = self.outputs.get(path)
        if data is None:
            return None
        return (
            output.digest_of(data),
            self._stamps.get(path),
            self._fingerprints.get(path, ""),
            self._reads_of(path) or (),
        )

    def _reads_of(self, path: str) -> Reads | None:
        """What the page at PATH read, when known. A ledger holds them as JSON, read here when
        a page's are needed (an edit needs those of a few pages; a large site has 16k)."""
        reads = self._reads.get(path)
        if isinstance(reads, str):
            try:
                reads = self._reads[path] = reads_from_json(reads)
            except ValueError:  # not as written: the page is planned anew (None)
                del self._reads[path]
                return None
        return reads

    def planned_pages(self) -> list[PageSpec]:
        """The pages of the last good build's plan."""
        return self._plan.pages if self._plan is not None else []


# What the build cache keeps (the pages' own tables are in the ledger).
PERSISTED = tuple("_settings _texts _relating _sources _plan _site_key".split())
