"""The bundled example (examples/desk/): what `make serve` shows a newcomer. Three editions
over three days, stories told by several outlets, each grouped right, nothing left to fix."""

import shutil
from pathlib import Path

from briefings.commands.build import build_site
from briefings.commands.check import check_project
from briefings.commands.relations import project_relations
from briefings.config import load_config
from tests.conftest import REPO


def desk(tmp_path: Path) -> Path:
    root = tmp_path / "desk"
    shutil.copytree(REPO / "examples/desk", root, ignore=shutil.ignore_patterns("site", ".*"))
    return root


def test_the_example_desk_has_editions_over_days_and_stories_across_outlets(
    tmp_path: Path,
) -> None:
    config = load_config(desk(tmp_path))
    report = check_project(config)
    assert report.errors == []
    content, relations = project_relations(config)
    assert len({e.date.date() for e in content.editions if e.path}) >= 3
    stories = {
        story.title: {content.by_slug[s].source for s in story.articles}
        for story in relations.stories
        if story.is_multi
    }
    # The bridge, the tram vote and the heat: each told by its own outlets, none merged.
    assert len(stories) == 3 and all(len(outlets) >= 2 for outlets in stories.values())
    grouped = sorted(sorted(s.articles) for s in relations.stories if s.is_multi)
    assert sorted(map(len, grouped)) == [2, 3, 3]
    assert not any("kingsmead" in s or "boatyard" in s for g in grouped for s in g)


def test_the_example_desk_says_it_is_an_example(tmp_path: Path) -> None:
    root = desk(tmp_path)
    build_site(load_config(root))
    home = (root / "site/index.html").read_text()
    assert "(example)" in home and "fictional example" in home
