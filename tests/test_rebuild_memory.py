"""What a builder kept between rebuilds (serve, watch) is bounded by the project as it is now,
not by every version of it the watcher saw."""

from pathlib import Path

from briefings.build.builder import SiteBuilder
from tests.conftest import article_text, write


def test_bursts_of_saves_and_renames_keep_the_builders_tables_bounded(example: Path) -> None:
    folder = example / "content/articles"
    current = {
        n: write(folder / f"piece-{n}.md", article_text(title=f"Piece {n}", body=f"Body {n}."))
        for n in range(30)
    }
    builder = SiteBuilder(example)
    assert builder.rebuild().error is None
    sizes = []
    for burst in range(6):
        changed: set[Path] = set()
        for n, path in list(current.items()):
            renamed = current[n] = path.with_name(f"piece-{n}-{burst}.md")
            path.rename(renamed)
            renamed.write_text(renamed.read_text() + f"\nBurst {burst}.\n")
            changed |= {path, renamed}
        assert builder.rebuild(changed).error is None
        sizes.append((len(builder._sources), len(builder._texts.by_key)))
    files = len(list((example / "content").rglob("*.md")))
    assert all(sources <= files + 10 for sources, _ in sizes), sizes  # one entry a file, + listings
    assert max(texts for _, texts in sizes) <= files + 200 + 30
    assert sizes[-1][0] == sizes[0][0]
