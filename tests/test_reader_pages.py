"""What a reader sees around an article: related articles, previous and next,
the main country first, dates in words, pagination, singular and plural, and the
English interface by one setting."""

import datetime
import tempfile

import hypothesis
import pytest
from conftest import article, build_site
from hypothesis import given
from hypothesis import strategies as st
from rassegna import related, settings
from rassegna.errors import BuildError

REGISTRY = """
Kim Jong Un:
  kind: person
  country: KP
"""


def _titles(page, selector):
    return [a.get_text().replace("\xa0", " ") for a in page.select(selector)]


def _url(site, title):
    for entry in site.json()["topics"][0]["articles"]:
        if entry["title"] == title:
            return entry["url"] + "index.html"
    raise KeyError(title)


def test_related_articles_rank_by_shared_entities_and_stay_put(make_site, tmp_path):
    articles = {
        "a.md": article("Kim a Mosca", "**Kim Jong Un** a **Mosca**.", "2025-01-01"),
        "b.md": article("Kim e Seul", "**Kim Jong Un** e **Seul**.", "2025-01-02"),
        "c.md": article(
            "Kim a Mosca di nuovo", "**Kim Jong Un**, **Mosca**.", "2025-01-03"
        ),
        "d.md": article("Solo Russia", "La **Russia**.", "2025-01-04"),
    }
    site = make_site(articles, REGISTRY)
    page = site.html(_url(site, "Kim a Mosca"))
    # A person and a place shared beat a person alone; a country alone is below
    # the threshold.
    assert _titles(page, ".related a") == ["Kim a Mosca di nuovo", "Kim e Seul"]
    assert len(page.select(".related li")) <= 5
    more = {
        **articles,
        "e.md": article("Altro", "**Emmanuel Macron** a **Parigi**.", "2025-01-05"),
    }
    again = build_site(tmp_path / "again", more, REGISTRY)
    assert _titles(again.html(_url(again, "Kim a Mosca")), ".related a") == [
        "Kim a Mosca di nuovo",
        "Kim e Seul",
    ]


def _recency_stories(days_back: int) -> dict[str, str]:
    """An article and three candidates, dated from today minus `days_back`: A
    shares a person and came out the day before; B shares the person and a
    country, 200 days before; C shares only the country, the same day."""
    day = datetime.date.today() - datetime.timedelta(days=days_back)

    def dated(days_before: int) -> str:
        return f"{day - datetime.timedelta(days=days_before)} 10:00"

    return {
        "x.md": article("Kim in visita", "**Kim Jong Un** e la **Russia**.", dated(1)),
        "a.md": article("Kim parte", "**Kim Jong Un** lascia Pyongyang.", dated(2)),
        "b.md": article("Kim e Mosca", "**Kim Jong Un** e la **Russia**.", dated(201)),
        "c.md": article("Gas russo", "La **Russia** e il gas.", dated(1)),
    }


def test_recency_weighs_in_and_a_list_does_not_change_with_the_build_day(tmp_path):
    # Recency adds up to 2 for the days between the two articles: A (person, 4,
    # one day apart: 5.93) passes B (person and country, 5, 200 days apart); C's
    # country and same day (3) stay below the threshold.
    recent = build_site(tmp_path / "recent", _recency_stories(0), REGISTRY)
    assert _titles(recent.html(_url(recent, "Kim in visita")), ".related a") == [
        "Kim parte",
        "Kim e Mosca",
    ]
    # The same stories as if built 400 days after they came out: what counts is
    # the time between the articles, not their age, so nothing moves.
    later = build_site(tmp_path / "later", _recency_stories(400), REGISTRY)
    assert _titles(later.html(_url(later, "Kim in visita")), ".related a") == [
        "Kim parte",
        "Kim e Mosca",
    ]
    # Without the recency weight, shared entities alone decide.
    plain = build_site(
        tmp_path / "plain", _recency_stories(0), REGISTRY, RELATED_RECENCY_WEIGHT=0
    )
    assert _titles(plain.html(_url(plain, "Kim in visita")), ".related a") == [
        "Kim e Mosca",
        "Kim parte",
    ]


def test_a_shared_place_relates_stories_only_close_in_time(make_site):
    # A place weighs 3: with recency it reaches the threshold of 4 only within
    # 15 days (3 + 2 × (1 − 10/30) = 4.33; 3 + 2 × (1 − 20/30) = 3.67).
    site = make_site(
        {
            "p.md": article("Mosca oggi", "A **Mosca** si vota.", "2025-03-31 10:00"),
            "q.md": article("Mosca prima", "A **Mosca** piove.", "2025-03-21 10:00"),
            "r.md": article("Mosca allora", "A **Mosca** nevica.", "2025-03-11 10:00"),
        }
    )
    assert _titles(site.html(_url(site, "Mosca oggi")), ".related a") == ["Mosca prima"]


@pytest.mark.parametrize(
    "setting, value",
    [("RELATED_RECENCY_DAYS", 0), ("RELATED_RECENCY_WEIGHT", -1)],
)
def test_a_recency_setting_that_makes_no_sense_stops_the_build(
    make_site, setting, value
):
    with pytest.raises(BuildError, match=setting):
        make_site({"a.md": article("Uno", "**Mosca**.")}, **{setting: value})


def test_previous_and_next_in_time_and_date_in_words(make_site):
    site = make_site(
        {
            "a.md": article("Primo", "**Mosca**.", "2025-12-29 09:00"),
            "b.md": article("Secondo", "**Seul**.", "2025-12-30 09:00"),
            "c.md": article("Terzo", "**Berlino**.", "2025-12-31 09:00"),
        }
    )
    page = site.html(_url(site, "Secondo"))
    assert page.select_one("a[rel=prev]").get_text() == "← Primo"
    assert page.select_one("a[rel=next]").get_text() == "Terzo →"
    assert page.select_one(".story time").get_text() == "30 dicembre 2025"
    first = site.html(_url(site, "Primo"))
    assert first.select_one("a[rel=prev]") is None


def test_the_country_named_most_comes_first(make_site):
    site = make_site(
        {
            "a.md": article(
                "Vertice",
                "**Austria** e **Germania**; a **Berlino**, poi **Amburgo**.",
            )
        }
    )
    page = site.html(_url(site, "Vertice"))
    assert _titles(page, ".story header .chip.country") == ["Germania", "Austria"]


def test_entity_pages_paginate_newest_first_with_italian_plurals(make_site):
    articles = {
        f"a{n:02}.md": article(f"Notizia {n:02}", "**Mosca**.", f"2025-01-{n:02}")
        for n in range(1, 24)
    }
    articles["solo.md"] = article("Sola", "**Seul**.", "2025-02-01")
    site = make_site(articles)
    first = site.html("entita/mosca/index.html")
    second = site.html("entita/mosca/pagina/2/index.html")
    assert _titles(first, ".articles .article-title")[0] == "Notizia 23"
    assert len(first.select(".articles li")) == 20
    assert _titles(second, ".articles .article-title") == [
        "Notizia 03",
        "Notizia 02",
        "Notizia 01",
    ]
    assert first.select_one(".kind").get_text() == "Luogo"
    assert "23 notizie" in first.select_one(".links").get_text()
    assert "1 notizia" in site.html("entita/seul/index.html").select_one(
        ".links"
    ).get_text().replace("\xa0", " ")
    assert (site.output / "paesi/russia/pagina/2/index.html").is_file()
    assert (site.output / "temi/esteri/pagina/2/index.html").is_file()
    assert _titles(site.html("paesi/russia/index.html"), ".places a") == ["Mosca"]


def test_english_interface_by_one_setting(make_site):
    site = make_site(
        {
            "a.md": article("Uno", "**Mosca**.", "2025-12-29"),
            "b.md": article("Due", "**Mosca** e **Seul**.", "2025-12-30"),
        },
        DEFAULT_LANG="en",
    )
    page = site.html(_url(site, "Uno"))
    assert page.select_one(".story time").get_text() == "December 29, 2025"
    assert page.select_one(".skip-link").get_text() == "Skip to content"
    assert site.html("entita/mosca/index.html").select_one(".kind").get_text() == (
        "Place"
    )
    counts = [s.get_text() for s in site.html("paesi/index.html").select(".count")]
    assert counts == ["1 story", "2 stories"]


class _Entity:
    def __init__(self, slug, kind):
        self.slug, self.kind = slug, kind


class _Article:
    def __init__(self, url, day, entities):
        self.url, self.entities = url, entities
        self.date = datetime.datetime(2025, 1, 1) + datetime.timedelta(days=day)


_KINDS = {
    "mosca": "place",
    "kim": "person",
    "nato": "organization",
    "missili": "concept",
    "seul": "place",
    "russia": "country",
}
_STORY = st.tuples(
    st.integers(0, 60), st.lists(st.sampled_from(list(_KINDS)), max_size=4, unique=True)
)
# A build: which articles are added, changed (None: removed), which entities
# change kind, and the settings it ranks with.
_BUILD = st.tuples(
    st.dictionaries(st.integers(0, 11), st.none() | _STORY),
    st.dictionaries(
        st.sampled_from(list(_KINDS)),
        st.sampled_from(sorted(set(_KINDS.values()))),
        max_size=1,
    ),
    st.sampled_from([{}, {"RELATED_LIMIT": 2}, {"RELATED_WEIGHTS": {"place": 5}}]),
)


@given(builds=st.lists(_BUILD, min_size=1, max_size=5))
@hypothesis.settings(max_examples=200, deadline=None)
def test_related_lists_kept_between_builds_equal_lists_ranked_anew(builds):
    """rank_remembered ranks again only the articles an edit can reach; after
    any sequence of added, changed and removed articles, entities whose kind
    changed and changed settings, its lists are those of a ranking from nothing."""
    with tempfile.TemporaryDirectory() as folder:
        stories, kinds = {}, dict(_KINDS)
        for edit, new_kinds, changed_settings in builds:
            kinds.update(new_kinds)
            for number, story in edit.items():
                if story is None:
                    stories.pop(number, None)
                else:
                    stories[number] = story
            entities = {slug: _Entity(slug, kind) for slug, kind in kinds.items()}
            articles = sorted(
                (
                    _Article(f"notizie/{n}/", day, [entities[s] for s in slugs])
                    for n, (day, slugs) in stories.items()
                ),
                key=lambda a: (a.date, a.url),  # as the digest's pages order them
            )
            conf = settings.read(changed_settings)
            anew = related.rank(articles, conf)
            kept = related.rank_remembered(articles, conf, folder)
            assert kept == [anew[index] for index in range(len(articles))]
