"""The persistent build cache in .briefings/cache/: a later `briefings build` starts from the last.

It holds what the in-memory builder knows that is costly to make again (parsed files, rendered
Markdown, the related index, the last plan), keyed by a hash of briefings' own code; what each
page in site/ is and read is in the site's ledger beside it (ledger.py), which every build
brings up to date, while this large file is saved only now and then (keep()). Anything unreadable, cut
short, from another version or not what we wrote is ignored: the build then starts from scratch.
The cache is a pickle, and a pickle can run code when read: so the file is signed (HMAC-SHA256)
with a key that never lives in the project (keys.py: the user's cache folder), and read only
when the signature holds. A cache that came with a checked-out repository, an archive or a
shared folder, or one damaged on disk, fails the check and is ignored with one line saying so.
And what a signed cache names is checked while it is read (find_class): only briefings' data
types and the library types their values are made of, so even a cache signed with a leaked key
could make nothing but data.

It is written part by part, each with a pickler of its own: one pickler remembers every object
it wrote until it is done (a large site's state is over a million objects, and that memory came
on top of the build's). The objects several parts hold (articles, their texts, the relations)
are written first, in groups, and the related index on its own; the parts refer to them by
number, so they are one object again when read.

The related index is not in it either: it is in a file of its own (related-*.pickle, signed
and read the same way), which the header names, and which Relating reads only when an article's
doc changed (build/relate_stage.py): an edit below the lead never reads it, and a save after
such a build names the same file again. Read and found wanting, it is made again.

Article bodies are not in the pickle: they are in a file beside it (bodies.py), which the
header names with the size the cache needs of it. A cache whose body file is gone or shorter
is ignored; a body that is not what was written raises CacheDamaged when a page reads it (the
build command then builds from scratch).
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import os
import pickle
import secrets
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from briefings.build import keys, ledger
from briefings.build.bodies import BodyStore, is_store, stale_stores
from briefings.build.builder import SiteBuilder
from briefings.build.manifest import code_key
from briefings.build.relate_stage import Relating
from briefings.build.texts import Texts
from briefings.config import Config
from briefings.markup.markdown import RenderedText
from briefings.model import Article
from briefings.relate import Relations, Story
from briefings.runtime.memory import release_free_memory

if TYPE_CHECKING:
    from briefings.relate.engine import RelateIndex

CACHE_DIR = Path(".briefings") / "cache"
CACHE_FILE = CACHE_DIR / "build.pickle"
INDEX_PREFIX, INDEX_SUFFIX = "related-", ".pickle"  # the related index, in a file of its own
INDEX_GLOB = f"{INDEX_PREFIX}*{INDEX_SUFFIX}"
# Bodies no longer used may take this much of the body store beyond those in use before the
# cache's save copies the live ones to a new file (an edit leaves its old body behind).
COMPACT_SLACK = 32 * 1024 * 1024
PROTOCOL = pickle.HIGHEST_PROTOCOL
CACHE_BUILDS = 32  # builds the ledger records before the cache is saved again
CACHE_PAGES = 400  # pages the ledger may record as newer than the cache before it is saved
SHARED_TYPES: tuple[type, ...] = (BodyStore, Article, RenderedText, Relations, Story)


def load_builder(
    config: Config,
    log: Callable[[str], None],
    serving: bool = False,
    preview: tuple[bool, bool] = (False, False),
) -> SiteBuilder:
    """A builder started from the build cache, when there is a good one. SERVING: one that
    reads briefings.toml again at each rebuild and records what pages read (serve, watch);
    PREVIEW: it shows (drafts, future articles) too."""
    fixed = None if serving else config
    # A server saves no cache: the bodies it renders go to an unnamed file (or, when it starts
    # from a cache, to that cache's body file, which it reads).
    bodies = None if serving else config.root / CACHE_DIR
    builder = SiteBuilder(config.root, log=log, config=fixed, preview=preview, bodies=bodies)
    path = config.root / CACHE_FILE
    if not path.exists():
        return builder
    try:
        with path.open("rb") as handle, _no_cycle_collection(freeze=not serving):
            keys.verify(handle, keys.cache_key())  # before a byte of it is unpickled
            header = pickle.load(handle)
            if (
                not isinstance(header, dict)
                or header.get("key") != code_key()
                or header.get("output") != str(config.output_dir)
            ):
                raise ValueError("it is from another version of briefings or another output folder")
            bodies = _check_bodies(header.get("bodies"), path.parent)
            shared: list = []
            for _ in range(header["groups"]):
                shared += _PartUnpickler(handle, shared).load()
            state = {name: _PartUnpickler(handle, shared).load() for name in header["parts"]}
        store = state["_texts"].store
        if (store.path if store is not None else None) != bodies:
            raise ValueError("it names a body store other than its own")
        relating = state["_relating"]
        if relating is not None:  # its index is read when first needed (see Relating)
            found = _index_file(header.get("index"), path.parent)
            relating.stored = StoredIndex(found, log, freeze=not serving)
        cached_at = ledger.Position(*header["ledger"]) if header.get("ledger") else None
        known = ledger.read(config, code_key(), cached_at) if cached_at else None
        if known is None:
            log("The site's ledger is missing or not this cache's: every page is written again")
            builder.restore(state, None)
        else:
            builder.restore(state, known.tables(), known.newer)
            builder.ledger, builder.cached_at = known.at, cached_at
    except Exception as exc:  # a corrupt cache must never break or falsify a build
        log(f"Build cache ignored ({type(exc).__name__}: {exc}); building from scratch")
        return SiteBuilder(config.root, log=log, config=fixed, preview=preview, bodies=bodies)
    return builder


def keep(builder: SiteBuilder, config: Config) -> None:
    """After a good build: the ledger brought up to date, and the cache saved whole when it is
    due. Saving it costs more than a small build (10,000 articles: an 89 MB file, ~1 s), so
    after one that changed few pages the ledger alone records them (the next build reads the
    cache, then the pages the ledger recorded since: see ledger.py); after CACHE_BUILDS such
    builds, or CACHE_PAGES pages, or a quarter of the site, the cache is saved too."""
    at = ledger.record(builder, config, code_key())
    since = builder.cached_at
    if since is None or since[0] != at.token or at.generation - since[1] >= CACHE_BUILDS:
        save_builder(builder, config)
        return
    newer = ledger.newer_pages(config, ledger.Position(*since))
    if newer > CACHE_PAGES or newer * 4 > len(builder.outputs):
        save_builder(builder, config)


def _check_bodies(bodies: dict | None, folder: Path) -> Path | None:
    """The body store the cache names: a file of FOLDER, there, with all the cache needs of it."""
    if bodies is None:
        return None
    path = Path(bodies["path"])
    if not is_store(path, folder):
        raise ValueError(f"it names {path} as its body store")
    if not path.is_file() or path.stat().st_size < bodies["size"]:
        raise ValueError(f"its stored article bodies ({path.name}) are missing or cut short")
    return path


@contextlib.contextmanager
def _no_cycle_collection(freeze: bool = False) -> Iterator[None]:
    """Python's cycle collector paused: reading a large site's cache makes over a million
    objects, all kept, and each full collection on the way walks all made so far (at 10k
    articles, eleven of them: the load took 1.5 s, 0.7 s without). FREEZE: what was read is
    set aside from collection before the collector is on again (a one-shot build keeps it to
    its end, see commands.build): else the first collection, right then, walks it all (0.25 s
    at 10k). Reference counts still free it."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if was_on:
            gc.enable()


def save_builder(builder: SiteBuilder, config: Config) -> None:
    """Write the cache atomically: a crash leaves the old one or none, never half of one."""
    path = config.root / CACHE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    state = builder.state()
    store = _body_store(state["_texts"], path.parent)
    relating = state["_relating"]
    index = _stored_index(relating, path.parent) if relating is not None else None
    groups = _shared_groups(state)
    header = {
        "key": code_key(),
        "output": str(config.output_dir),
        "groups": len(groups),
        "parts": list(state),
        "bodies": None if store is None else {"path": str(store.path), "size": store.size},
        "index": index.name if index is not None else None,
        "ledger": list(builder.ledger) if builder.ledger else None,  # see keep()
    }
    _signed_file(path, lambda signed: _write_cache(signed, header, groups, state))
    builder.cached_at = builder.ledger
    (path.parent / "journal.json").unlink(missing_ok=True)  # the ledger's forerunner, if left
    for stale in stale_stores(path.parent, store.path if store is not None else None):
        stale.unlink(missing_ok=True)
    for stale in path.parent.glob(INDEX_GLOB):
        if stale != index:
            stale.unlink(missing_ok=True)


def _write_cache(signed: keys.Signing, header: dict, groups: list[list], state: dict) -> None:
    pickle.dump(header, signed, protocol=PROTOCOL)
    _dump_parts(signed, [*groups, *state.values()], len(groups))


def _signed_file(path: Path, write: Callable[[keys.Signing], None]) -> None:
    """PATH written whole by WRITE, signed, atomically: a crash leaves the old file or none."""
    fd, temporary = tempfile.mkstemp(prefix=".build-", dir=path.parent)
    try:
        with os.fdopen(fd, "w+b") as handle, keys.Signing(handle, keys.cache_key()) as signed:
            write(signed)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _stored_index(relating: Relating, folder: Path) -> Path:
    """The file holding RELATING's index: the one it was read from, when it was never read
    (nothing changed it), else a new one."""
    stored = relating.stored
    if not relating.index_read() and isinstance(stored, StoredIndex) and stored.path.is_file():
        return stored.path
    path = folder / f"{INDEX_PREFIX}{secrets.token_hex(8)}{INDEX_SUFFIX}"
    try:
        index = relating.index
    except Exception as exc:  # its file went meanwhile (another build's save removed it)
        # No cache is saved: the last one, naming a file that is gone, is then ignored.
        raise OSError(f"the related index to keep could not be read ({exc})") from exc

    def write(signed: keys.Signing) -> None:
        pickle.dump({"key": code_key()}, signed, protocol=PROTOCOL)
        # The vectors apart from the rest: each part's pickler remembers every object it
        # wrote until the part is done, and the two together made the build's peak.
        _dump_parts(signed, [[index.space], [index]], 2, (type(index), type(index.space)))

    _signed_file(path, write)
    return path


def _index_file(name: object, folder: Path) -> Path:
    """The index file a cache's header names: a file of FOLDER, there."""
    path = folder / str(name)
    if not (isinstance(name, str) and path.parent == folder and path.match(INDEX_GLOB)):
        raise ValueError(f"it names {name!r} as its related index")
    if not path.is_file():
        raise ValueError(f"its related index ({name}) is missing")
    return path


class StoredIndex:
    """Reads a related index from its file when Relating first needs it: signed as the cache
    is, from this version of briefings, naming nothing but data (see _PartUnpickler). What
    goes wrong is said, then raised: Relating then relates every article again."""

    def __init__(self, path: Path, log: Callable[[str], None], freeze: bool) -> None:
        self.path, self.log, self.freeze = path, log, freeze

    def __call__(self) -> RelateIndex:
        from briefings.relate.engine import RelateIndex  # (numpy: only where an index is read)

        try:
            with self.path.open("rb") as handle, _no_cycle_collection(self.freeze):
                keys.verify(handle, keys.cache_key())
                header = pickle.load(handle)
                if not isinstance(header, dict) or header.get("key") != code_key():
                    raise ValueError("it is from another version of briefings")
                shared: list = []
                for _ in range(2):
                    shared += _PartUnpickler(handle, shared).load()
            index = shared[-1]
            if not isinstance(index, RelateIndex):
                raise ValueError("it holds no related index")
            return index
        except Exception as exc:
            self.log(
                f"Related index in the build cache ignored ({type(exc).__name__}: {exc}); "
                "relating every article again"
            )
            raise


def _body_store(texts: Texts, folder: Path) -> BodyStore | None:
    """The store holding TEXTS' bodies, as the cache may name it: a file in FOLDER, with not
    too many dead bodies in it (else they are left behind in a new one)."""
    store = texts.store
    if store is None:
        return None
    if store.path is None or store.size > 2 * texts.live_bytes() + COMPACT_SLACK:
        texts.move_to(BodyStore.create(folder))
    if texts.store is None or texts.store.path is None:
        raise OSError(f"no file for article bodies can be made in {folder}")
    return texts.store


def _dump_parts(
    handle: keys.Signing, parts: list, shared_groups: int, types: tuple[type, ...] = SHARED_TYPES
) -> None:
    """Each of PARTS with a pickler of its own; the first SHARED_GROUPS are lists of objects
    (of TYPES) that later parts refer to by number (in the order written)."""
    number: dict[int, int] = {}

    def reduce(obj: object) -> tuple:
        i = number.get(id(obj))
        if i is not None:
            return (_shared, (i,))
        reduced = obj.__reduce_ex__(PROTOCOL)
        assert isinstance(reduced, tuple), f"{type(obj).__name__} is pickled by name"
        return reduced

    table = copyreg.dispatch_table | dict.fromkeys(types, reduce)
    for i, part in enumerate(parts):
        pickler = pickle.Pickler(handle, protocol=PROTOCOL)
        pickler.dispatch_table = table
        pickler.dump(part)
        del pickler  # and all it remembered: before the next part, not after all of them
        release_free_memory()
        if i < shared_groups:  # numbered as the reader lists them: one after the other
            for obj in part:  # (each object is in one group, once)
                number[id(obj)] = len(number)


def _shared_groups(state: dict[str, Any]) -> list[list]:
    """The objects of SHARED_TYPES that several parts of STATE hold, in groups written apart
    (any other is written with the part holding it: still right, but read back as a copy)."""
    relating, plan = state["_relating"], state["_plan"]
    relations = [r.relations for r in (relating, plan) if r is not None and r.relations]
    articles = plan.content.articles if plan is not None and plan.content else ()
    texts = state["_texts"]
    groups = [
        # The body store first: the texts' Stored bodies and the texts themselves name it.
        [*([texts.store] if texts.store is not None else []), *articles, *texts.by_key.values()],
        [*relations, *(story for r in relations for story in r.stories)],
    ]
    return [list({id(obj): obj for obj in group}.values()) for group in groups]


def _shared(number: int) -> object:
    """Stands in the pickle for shared object NUMBER: _PartUnpickler gives that object."""
    raise pickle.UnpicklingError("a shared object outside of a build cache")


# What a build cache may name: briefings' own data types (any class of these modules; none
# does anything but hold values when made), a few pure functions of its own, and the library
# types its values are made of. Anything else (a function that runs a command, a class that
# opens a server) is refused before it is even looked up: the cache is signed, and even a
# forged one could only ever make data.
_DATA_MODULES = frozenset(
    """briefings.model briefings.config.settings briefings.content.source briefings.markup.markdown
    briefings.relate.engine briefings.relate.index briefings.relate.model briefings.relate.relations
    briefings.relate.space briefings.relate.products briefings.relate.tokens
    briefings.relate.clustering briefings.relate.why briefings.site.pages briefings.site.views
    briefings.build.texts briefings.build.relate_stage briefings.build.planning
    briefings.build.output briefings.build.bodies""".split()
)
_FUNCTIONS = frozenset(
    [
        ("briefings.relate.why", "_packed_terms"),  # Terms from its packed fields
        ("briefings.content.load", "_load_article"),  # what a parsed file was read with
        ("briefings.content.load", "_load_edition"),
    ]
)
# A left-out article's problems, kept with its file's stamp (a problem is a few strings).
_CLASSES = frozenset([("briefings.errors", "Problem")])
_LIBRARY = frozenset(
    [
        ("array", "array"),
        ("array", "_array_reconstructor"),
        ("datetime", "date"),
        ("datetime", "datetime"),
        ("datetime", "timedelta"),
        ("datetime", "timezone"),
        ("markupsafe", "Markup"),
        ("numpy", "dtype"),
        ("numpy", "ndarray"),
        ("numpy._core.numeric", "_frombuffer"),
        ("numpy.core.numeric", "_frombuffer"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("pathlib", "PosixPath"),
        ("zoneinfo", "ZoneInfo"),
    ]
)


def _class_attribute(owner: object, name: str) -> object:
    """getattr as a cache may use it: a time zone is pickled as ZoneInfo._unpickle(key), and
    nothing else is read from a class."""
    if owner is ZoneInfo and name == "_unpickle":
        return ZoneInfo._unpickle  # type: ignore[attr-defined]
    raise pickle.UnpicklingError(f"the build cache reads {name!r} of {owner!r}, which it may not")


class _PartUnpickler(pickle.Unpickler):
    def __init__(self, handle: IO[bytes], shared: list) -> None:
        super().__init__(handle)
        self.shared = shared

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == (__name__, "_shared"):
            return self.shared.__getitem__
        if (module, name) == ("builtins", "getattr"):
            return _class_attribute
        if (module, name) in _LIBRARY or (module, name) in _FUNCTIONS or (module, name) in _CLASSES:
            return super().find_class(module, name)
        if module in _DATA_MODULES and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"the build cache names {module}.{name}, which it may not")
