"""Rules 2–10 and the entities.json contract, on real sites built from small
content folders."""

import logging
import re

import pytest
from conftest import article
from rassegna.registry import RegistryError

REGISTRY = """
Kim Jong Un:
  kind: person
  country: KP
  description: Leader della Corea del Nord.
Stati Uniti:
  kind: country
  country: US
  aliases: [USA]
NATO:
  kind: organization
  aliases: [Alleanza atlantica]
"""


def kinds(site):
    return {e["name"]: (e["kind"], e["country"]) for e in site.json()["entities"]}


def test_spellings_of_one_thing_are_one_entity(make_site):
    site = make_site(
        {
            "a.md": article(
                "A",
                "**Nato**, **NATO**, **Costa d'Avorio**, **USA**, **United States**,"
                " **Moscow**, **Japan**",
                date="2025-01-01",
            ),
            "b.md": article(
                "B",
                "**Costa d’Avorio**, **Stati Uniti**, **Mosca**, **Mosca**,"
                " **Giappone**",
                date="2025-01-02",
            ),
        },
        REGISTRY,
    )
    entities = site.json()["entities"]
    names = sorted(e["name"] for e in entities)
    assert names == ["Costa d’Avorio", "Giappone", "Mosca", "NATO", "Stati Uniti"]
    us = site.entity("Stati Uniti")
    assert us["aliases"] == ["United States", "USA"]
    assert [a["title"] for a in us["articles"]] == ["B", "A"]
    assert site.entity("Mosca")["aliases"] == ["Moscow"]
    assert site.entity("NATO")["aliases"] == ["Alleanza atlantica", "Nato"]


def test_display_name_ties_go_to_the_earliest_article(make_site):
    site = make_site(
        {
            "new.md": article("Nuovo", "**Acme spa**", date="2025-03-01"),
            "old.md": article("Vecchio", "**ACME SpA**", date="2025-01-01"),
        }
    )
    assert [e["name"] for e in site.json()["entities"]] == ["ACME SpA"]


def test_short_forms(make_site):
    site = make_site(
        {
            "a.md": article(
                "A",
                "**Shigeru Ishiba** incontra **Kim Jong Un**. **Ishiba** e **Kim**"
                " parlano al **Politecnico di Milano**, a **Milano**.",
            ),
            "b.md": article(
                "B", "**Kim** da solo, e **Kim Yo Jong** con **Kim Jong Un**."
            ),
        },
        REGISTRY,
    )
    assert site.entity("Shigeru Ishiba")["aliases"] == ["Ishiba"]
    assert site.entity("Kim Jong Un")["aliases"] == ["Kim"]
    assert kinds(site)["Milano"] == ("place", "IT")
    # In b.md "Kim" matches two multi-word mentions: it stays its own name.
    assert "Kim" in kinds(site)
    assert [a["title"] for a in site.entity("Kim")["articles"]] == ["B"]


def test_kinds_and_countries(make_site):
    site = make_site(
        {
            "a.md": article(
                "A",
                "**Pechino**, **Seul**, **Mosca**, **Corea del Nord**, **Japan**,"
                " **NATO**, **missili**, **mosca**, **Acme Corp**, **2025**",
            )
        },
        REGISTRY,
    )
    assert kinds(site) == {
        "Pechino": ("place", "CN"),
        "Seul": ("place", "KR"),
        "Mosca": ("place", "RU"),
        "Corea del Nord": ("country", "KP"),
        "Giappone": ("country", "JP"),
        "NATO": ("organization", None),
        "missili": ("concept", None),
        "mosca": ("concept", None),
        "Acme Corp": ("other", None),
        "2025": ("other", None),
    }


def test_entity_page_feed_and_index(make_site):
    site = make_site(
        {
            "a.md": article("Primo", "**Kim Jong Un** e **Mosca**.", date="2025-01-01"),
            "b.md": article(
                "Secondo", "**Kim Jong Un**, **Mosca**, **Seul**.", date="2025-02-01"
            ),
            "c.md": article("Terzo", "**Kim Jong Un** e **Seul**.", date="2025-03-01"),
        },
        REGISTRY,
    )
    page = site.html("entita/kim-jong-un/index.html")
    assert page.select_one(".kind").get_text() == "Persona"
    assert page.select_one(".description").get_text() == "Leader della Corea del Nord."
    titles = [a.get_text() for a in page.select(".articles .article-title")]
    assert titles == ["Terzo", "Secondo", "Primo"]
    related = [a.get_text() for a in page.select(".chips a")]
    assert related == ["Mosca", "Seul"]
    feed = site.read("feeds/entita/kim-jong-un.atom.xml")
    assert feed.count("<entry>") == 3 and "Kim Jong Un" in feed
    index = site.html("entita/index.html")
    sections = [s["id"] for s in index.select("section")]
    assert sections == ["place", "person"]
    places = [li.get_text(" ", strip=True) for li in index.select("#place li")]
    assert places == ["Mosca 2 notizie", "Seul 2 notizie"]


def test_mentions_link_to_entity_pages_once(make_site):
    site = make_site(
        {
            "a.md": article(
                "A",
                "**Mosca** e [la **Russia**](https://example.org) e [**Seul**](https://example.org).",
            )
        }
    )
    body = site.html("2025/01/a/index.html").select_one(".body")
    links = [(a["href"], a.get_text()) for a in body.find_all("a")]
    assert links == [
        ("../../../entita/mosca/", "Mosca"),
        ("https://example.org", "la Russia"),
        ("https://example.org", "Seul"),
    ]
    assert not body.select("a a")


def test_country_groups_reach_countries_through_places(make_site):
    site = make_site(
        {
            "a.md": article("Berlino", "Vertice a **Berlino**.", category="Economia"),
            "b.md": article(
                "Mosca", "**Mosca** e **Russia**.", category="Esteri", date="2025-02-01"
            ),
            "c.md": article(
                "Russia", "Sulla **Russia**.", category="Economia", date="2025-03-01"
            ),
        }
    )
    countries = {c["name"]: c for c in site.json()["countries"]}
    assert sorted(countries) == ["Germania", "Russia"]
    assert [a["title"] for a in countries["Germania"]["articles"]] == ["Berlino"]
    assert "Germania" not in kinds(site)
    page = site.html("paesi/russia/index.html")
    groups = {
        section.h2.get_text(): [a.get_text() for a in section.select(".article-title")]
        for section in page.select("section")
    }
    assert groups == {"Economia": ["Russia"], "Esteri": ["Mosca"]}
    assert [a.get_text() for a in page.select(".places a")] == ["Mosca"]
    assert [a["title"] for a in site.entity("Russia")["articles"]] == [
        "Russia",
        "Mosca",
    ]
    index = site.html("paesi/index.html")
    assert [a.get_text() for a in index.select(".index a")] == ["Germania", "Russia"]


def test_topics_group_by_country_and_home_page_shows_both(make_site):
    site = make_site(
        {
            "a.md": article("Uno", "**Mosca**.", category="Esteri", date="2025-01-01"),
            "b.md": article(
                "Due", "**Seul** e **Mosca**.", category="Esteri", date="2025-02-01"
            ),
            "c.md": article("Tre", "Nessun paese, solo **gas**.", category="Esteri"),
        }
    )
    page = site.html("temi/esteri/index.html")
    groups = [
        (s.h2.get_text(), [a.get_text() for a in s.select(".article-title")])
        for s in page.select("section")
    ]
    assert groups == [
        ("Corea del Sud", ["Due"]),
        ("Russia", ["Due", "Uno"]),
        ("Senza paese", ["Tre"]),
    ]
    assert site.html("temi/index.html").select_one(".index a").get_text() == "Esteri"
    home = site.html("index.html")
    first = home.select_one(".digest-item")
    assert first.h2.get_text() == "Due"
    chips = [a.get_text() for a in first.select(".meta a")]
    assert chips == ["Esteri", "Corea del Sud", "Russia"]
    nav = [a["href"] for a in home.select("nav a")]
    assert nav == ["./", "./paesi/", "./temi/", "./entita/", "./cerca/"]


@pytest.mark.parametrize("status", ["draft", "hidden"])
def test_drafts_and_hidden_articles_contribute_nothing(make_site, status):
    site = make_site(
        {
            "a.md": article("Pubblicato", "**Mosca**."),
            "b.md": article("Segreto", "**Berlino** e **Mosca**.", status=status),
        }
    )
    data = site.json()
    assert [e["name"] for e in data["entities"]] == ["Mosca"]
    assert [c["name"] for c in data["countries"]] == ["Russia"]
    assert "Segreto" not in str(data)
    assert not any("berlino" in f or "germania" in f for f in site.files())
    assert "Segreto" not in site.read("feeds/entita/mosca.atom.xml")


def test_slugs_stay_inside_the_output_and_never_collide(make_site, caplog):
    caplog.set_level(logging.WARNING)
    site = make_site(
        {
            "a.md": article(
                "A",
                "**../../etc/passwd**, **a/b**, **AT&T**, **ATT**, **Esteri**, **.x.**",
                category="Esteri",
            )
        }
    )
    slugs = [e["slug"] for e in site.json()["entities"]]
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)
    assert len(set(slugs)) == len(slugs)
    assert {"att", "att-2", "etcpasswd", "ab", "esteri"} <= set(slugs)
    assert "published as 'att-2'" in caplog.text
    for file in site.files():
        assert (site.output / file).resolve().is_relative_to(site.output.resolve())
    assert "feeds/entita/esteri.atom.xml" in site.files()
    assert "feeds/temi/esteri.atom.xml" in site.files()


def test_a_bad_registry_stops_the_build_naming_file_and_entry(make_site):
    with pytest.raises(RegistryError, match=r"entities\.yml, line 2: entry 'X'"):
        make_site({"a.md": article("A", "**X**")}, "\nX:\n  kind: persona\n")


def test_entities_json_contract(make_site):
    site = make_site(
        {
            "a.md": article(
                "AT&T e la NATO",
                "**Kim Jong Un** e **Kim**, **AT&T**.",
                date="2025-01-01",
            ),
            "b.md": article("Bis", "**Kim Jong Un**.", date="2025-01-01"),
        },
        REGISTRY,
    )
    data = site.json()
    assert list(data) == ["entities", "countries", "topics"]
    kim = site.entity("Kim Jong Un")
    assert kim == {
        "name": "Kim Jong Un",
        "slug": "kim-jong-un",
        "kind": "person",
        "country": "KP",
        "aliases": ["Kim"],
        "description": "Leader della Corea del Nord.",
        "wikidata": "",
        "url": "entita/kim-jong-un/",
        "feed": "feeds/entita/kim-jong-un.atom.xml",
        "articles": [
            {
                "title": "AT&T e la NATO",
                "url": "2025/01/att-e-la-nato/",
                "date": kim["articles"][0]["date"],
            },
            {"title": "Bis", "url": "2025/01/bis/", "date": kim["articles"][1]["date"]},
        ],
        "decided_by": "registry",
        "doubts": [],
    }
    assert kim["articles"][0]["date"].startswith("2025-01-01T")
    slugs = [e["slug"] for e in data["entities"]]
    assert slugs == sorted(slugs)
    assert data["topics"] == [
        {
            "name": "Esteri",
            "slug": "esteri",
            "url": "temi/esteri/",
            "articles": kim["articles"],
        }
    ]
    for entity in data["entities"]:
        assert (
            not entity["url"].startswith("/") and (site.output / entity["url"]).is_dir()
        )
        assert (site.output / entity["feed"]).is_file()


def test_underscore_bold_and_typogrified_names_are_mentions(make_site):
    site = make_site(
        {
            "a.md": article(
                "A",
                "__Mosca__, **NATO** e **Costa d'Avorio**; `**Roma**` è codice.",
            )
        },
        REGISTRY,
    )
    assert kinds(site) == {
        "Mosca": ("place", "RU"),
        "NATO": ("organization", None),
        "Costa d’Avorio": ("country", "CI"),
    }
    body = site.html("2025/01/a/index.html").select_one(".body")
    assert body.select_one("a.organization span.caps").get_text() == "NATO"
