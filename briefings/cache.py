"""The persistent build cache in .briefings/cache/: a later `briefings build` starts from the last.

It holds what the in-memory builder knows (parsed files, rendered Markdown, the related index,
page fingerprints and bytes), keyed by a hash of briefings' own code. Anything unreadable, cut
short, from another version or not what we wrote is ignored: the build then starts from scratch.
The cache is a pickle: like .git, trust only your own (never copy a .briefings/ folder from elsewhere).
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path

from briefings.config import Config
from briefings.incremental import SiteBuilder
from briefings.manifest import code_key

CACHE_FILE = Path(".briefings") / "cache" / "build.pickle"


def load_builder(config: Config, log: Callable[[str], None]) -> SiteBuilder:
    builder = SiteBuilder(config.root, log=log, config=config)
    path = config.root / CACHE_FILE
    if not path.exists():
        return builder
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)
        if (
            not isinstance(data, dict)
            or data.get("key") != code_key()
            or data.get("output") != str(config.output_dir)
        ):
            raise ValueError("it is from another version of briefings or another output folder")
        builder.restore(data["state"])
    except Exception as exc:  # a corrupt cache must never break or falsify a build
        log(f"Build cache ignored ({type(exc).__name__}: {exc}); building from scratch")
        return SiteBuilder(config.root, log=log, config=config)
    return builder


def save_builder(builder: SiteBuilder, config: Config) -> None:
    """Write the cache atomically: a crash leaves the old one or none, never half of one."""
    path = config.root / CACHE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"key": code_key(), "output": str(config.output_dir), "state": builder.state()}
    fd, temporary = tempfile.mkstemp(prefix=".build-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
