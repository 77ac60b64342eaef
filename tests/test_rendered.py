"""Pelican's memo of rendered content is kept to its most recently used entries
without changing a byte of the site."""

import pytest
from conftest import article, build_site, tree
from rassegna.errors import BuildError
from rassegna.rendered import MEMO, RecentlyUsed

ARTICLES = {
    f"{n}.md": article(
        f"Notizia {n}",
        f"**Kim Jong Un** a **Mosca** e **Seul**, poi **missili** ({n}).",
        date=f"2025-01-{n + 1:02d}",
        category=("Esteri", "Economia")[n % 2],
        **({"summary": f"Sommario {n}."} if n % 3 == 0 else {}),
    )
    for n in range(7)
}


@pytest.fixture(autouse=True)
def pelican_memo_restored():
    """Leave the process's memo as Pelican makes it, for the tests after."""
    yield
    MEMO.cache = {}


def test_a_memo_of_one_entry_builds_the_same_site(tmp_path):
    whole = build_site(
        tmp_path / "whole", ARTICLES, RASSEGNA_PROCESSES=1, RASSEGNA_RENDERED_KEPT=None
    )
    # Every article asked for at more than one site URL, every one kept.
    assert len(MEMO.cache) > len(ARTICLES)
    bounded = build_site(
        tmp_path / "bounded", ARTICLES, RASSEGNA_PROCESSES=1, RASSEGNA_RENDERED_KEPT=1
    )
    assert len(MEMO.cache) == 1
    assert tree(bounded.output) == tree(whole.output)


def test_recently_used_drops_the_least_recently_read():
    memo = RecentlyUsed(2, {"a": 1, "b": 2, "c": 3})
    assert list(memo) == ["b", "c"]
    assert memo["b"] == 2
    memo["d"] = 4
    assert list(memo) == ["b", "d"]


@pytest.mark.parametrize("kept", [-1, 2.5, "mille", True])
def test_a_memo_bound_that_is_not_a_count_stops_the_build(tmp_path, kept):
    with pytest.raises(BuildError, match=f"RASSEGNA_RENDERED_KEPT is {kept!r}"):
        build_site(tmp_path, ARTICLES, RASSEGNA_RENDERED_KEPT=kept)
