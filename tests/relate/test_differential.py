"""Relating on numpy/scipy gives exactly the relations of the numba kernels it replaced.

tests/fixtures/relations-eb60f92.json.gz holds what briefings at eb60f92 (the last with numba)
made of the fixture and of 3,000 generated articles (tests/relate/generated.py), built at once
and then after five edits and five additions: stories, same-story and related lists with their
scores, copies and names (the names regenerated since, for an intended change that touches
nothing else: "New York" is no longer "York", "I'm" no longer a name). Regenerate it only for an intended change to relating, whose
bench/related.py figures are no lower on any set, with `python tests/relate/test_differential.py`.

One intended change is checked here instead: a related list leaves out the articles that share
no telling term with it (it cannot say why) or only one word of the language (why.weak), and is
filled from the next ones.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from briefings.config import Related
from briefings.relate import RelateDoc, snapshot, why
from briefings.relate.engine import RelateIndex
from tests.relate import generated
from tests.relate.test_relate import load_fixture

# Lists as they were then: related items down to min_weight (today's default floor is higher),
# and story links that need no shared name (see test_relate's test of story_name_days).
NUMBA_ERA = Related(related_floor=Related().min_weight, story_name_days=float("inf"))
GOLDEN = Path(__file__).parents[1] / "fixtures" / "relations-eb60f92.json.gz"


def relations_of(index: RelateIndex, docs: list[RelateDoc]) -> dict[str, Any]:
    r = snapshot(index, {d.slug: d.title for d in docs})
    return {
        "stories": [list(s.articles) for s in r.stories],
        "same_story": {k: [[s.slug, s.score] for s in v] for k, v in sorted(r.same_story.items())},
        "related": {k: [[s.slug, s.score] for s in v] for k, v in sorted(r.related.items())},
        "duplicate_of": dict(sorted(r.duplicate_of.items())),
        "entities": {k: list(v) for k, v in sorted(r.entities.items()) if v},
        "unexplained": {d.slug: sorted(unexplained(index, d.slug)) for d in docs},
    }


def unexplained(index: RelateIndex, slug: str) -> set[str]:
    """SLUG's neighbours that share no telling term with it, or only a weak one."""
    p = index.position[slug]
    mine = why.unpack(index._node(p).terms)
    found = set()
    for q in index.best[p][0].tolist():
        other = index._node(q)
        reasons = why.shared(mine, other.terms)
        if not reasons or why.weak(reasons):
            found.add(other.slug)
    return found


def edits(docs: list[RelateDoc]) -> list[RelateDoc]:
    """Five edits at the top of a lead and five additions, in turn."""
    out = []
    for k in range(5):
        v = docs[(k * 613) % len(docs)]
        lead = f"Update {k}: officials confirmed the figures.\n\n" + v.body
        out.append(RelateDoc(v.slug, v.title, lead, v.timestamp, v.tags, v.source))
        out.append(
            RelateDoc(f"new-{k}", v.title, v.body[::-1][:3000], v.timestamp + 3600, v.tags, "Wire")
        )
    return out


def all_relations() -> dict[str, dict[str, Any]]:
    found = {}
    fixture = load_fixture()[0]
    index = RelateIndex(NUMBA_ERA)
    index.update(fixture)
    found["fixture"] = relations_of(index, fixture)
    docs = generated.generate(3000)
    index = RelateIndex(NUMBA_ERA)
    index.update(docs)
    found["built"] = relations_of(index, docs)
    live = {d.slug: d for d in docs}
    for doc in edits(docs):
        index.update([doc])
        live[doc.slug] = doc
    found["edited"] = relations_of(index, list(live.values()))
    return found


@pytest.fixture(scope="module")
def now() -> dict[str, dict[str, Any]]:
    return all_relations()


@pytest.fixture(scope="module")
def before() -> dict[str, dict[str, Any]]:
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as golden:
        return json.load(golden)


@pytest.mark.parametrize("case", ["fixture", "built", "edited"])
@pytest.mark.parametrize("part", ["stories", "same_story", "related", "duplicate_of", "entities"])
def test_relations_equal_those_of_the_numba_kernels(
    now: dict[str, Any], before: dict[str, Any], case: str, part: str
) -> None:
    got, expected = now[case][part], before[case][part]
    if part == "related":
        expected = {k: said(v, set(now[case]["unexplained"][k])) for k, v in expected.items()}
        got = {k: v[: len(expected.get(k, []))] for k, v in got.items()}
    if isinstance(expected, dict):
        differing = sorted(k for k in set(got) | set(expected) if got.get(k) != expected.get(k))
        assert not differing, [(k, expected.get(k), got.get(k)) for k in differing[:3]]
    assert got == expected
    assert expected or (case, part) == ("fixture", "duplicate_of")  # (the fixture has no copies)


def said(listed: list[list[Any]], unexplained: set[str]) -> list[list[Any]]:
    return [item for item in listed if item[0] not in unexplained]


@pytest.mark.parametrize("case", ["fixture", "built", "edited"])
def test_related_lists_leave_out_only_what_cannot_say_why(
    now: dict[str, Any], before: dict[str, Any], case: str
) -> None:
    """The lists left out links (the numba era listed them), each filled from below them."""
    left_out = filled = 0
    for slug, listed in before[case]["related"].items():
        unexplained = set(now[case]["unexplained"][slug])
        left_out += len(listed) - len(said(listed, unexplained))
        got = now[case]["related"][slug]
        extra = got[len(said(listed, unexplained)) :]
        filled += len(extra)
        assert all(s not in unexplained for s, _ in got)
        assert all(score <= listed[-1][1] for _, score in extra)  # from below the old list
        assert len(got) <= NUMBA_ERA.related_count
    # (The fixture's real articles all say why; among the generated some do not.)
    assert (left_out > 0 and filled > 0) or case == "fixture"


if __name__ == "__main__":  # regenerate (see the docstring)
    with gzip.open(GOLDEN, "wt", encoding="utf-8") as out:
        json.dump(all_relations(), out, sort_keys=True, separators=(",", ":"))
    sys.exit(0)
