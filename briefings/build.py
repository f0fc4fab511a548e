"""`briefings build`: one full build with the same pipeline the watcher keeps in memory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefings.config import Config
from briefings.incremental import SiteBuilder


@dataclass(frozen=True)
class BuildResult:
    output: Path
    pages: int
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)

    def summary(self, root: Path) -> str:
        try:
            where = self.output.relative_to(root)
        except ValueError:
            where = self.output
        return f"Built {self.pages} pages in {self.seconds:.2f} s into {where}/"

    def stats(self) -> str:
        return "\n".join(
            f"  {name:8} {seconds * 1000:8.0f} ms" for name, seconds in self.phases.items()
        )


def build_site(config: Config, log: Callable[[str], None] = lambda _: None) -> BuildResult:
    """Build the whole site into config.output_dir; on any error the old site stays as it was."""
    builder = SiteBuilder(config.root, log=log, config=config)
    result = builder.rebuild()
    if result.error is not None:
        raise result.error
    return BuildResult(config.output_dir, len(builder.outputs), result.seconds, dict(result.phases))
