"""The rules that make real news come out right (issue 7), each on a real site
built from a small content folder: one identity per person, kinds without the
registry, places by context, regions, elision and labels, stable addresses, and
how each entity was decided."""

import pytest
from conftest import MENTION, article


def by_name(site):
    return {e["name"]: e for e in site.json()["entities"]}


def kinds(site):
    return {e["name"]: (e["kind"], e["country"]) for e in site.json()["entities"]}


def country_groups(site):
    return {
        c["code"]: sorted(a["title"] for a in c["articles"])
        for c in site.json()["countries"]
    }


@pytest.mark.parametrize("full_name_first", [True, False])
def test_a_surname_is_its_one_person_in_any_article_whatever_the_order(
    make_site, full_name_first
):
    dates = ["2025-01-01", "2025-02-01"]
    if not full_name_first:
        dates.reverse()
    site = make_site(
        {
            "a.md": article("Pieno", "Parla **Mario Draghi**.", date=dates[0]),
            "b.md": article("Breve", "**Draghi** insiste, con **Xi**.", date=dates[1]),
            "c.md": article("Cina", "**Xi Jinping** a Pechino.", date=dates[1]),
        }
    )
    entities = by_name(site)
    draghi = entities["Mario Draghi"]
    assert (draghi["kind"], draghi["decided_by"]) == ("person", "person name")
    assert draghi["aliases"] == ["Draghi"]
    assert sorted(a["title"] for a in draghi["articles"]) == ["Breve", "Pieno"]
    assert entities["Xi Jinping"]["aliases"] == ["Xi"]
    assert "Draghi" not in entities and "Xi" not in entities


def test_two_persons_with_one_surname_stay_apart_as_a_doubt(make_site):
    site = make_site(
        {
            "a.md": article("Uno", "**Kim Jong Un** e **Kim Yo Jong**."),
            "b.md": article("Due", "**Kim** parla.", date="2025-02-01"),
        }
    )
    kim = by_name(site)["Kim"]
    assert (kim["kind"], kim["decided_by"]) == ("person", "shared surname")
    assert [(d["name"], d["kind"]) for d in kim["doubts"]] == [
        ("Kim Jong Un", "person"),
        ("Kim Yo Jong", "person"),
    ]
    assert "Kimberley" not in str(site.json())


def test_a_known_persons_surname_is_never_a_place(make_site):
    site = make_site(
        {
            "a.md": article("Uno", "**Barack Obama** a Chicago."),
            "b.md": article("Due", "**Obama** e il **Giappone**.", date="2025-02-01"),
            "c.md": article("Tre", "**Obama** da solo.", date="2025-03-01"),
        }
    )
    assert kinds(site)["Barack Obama"] == ("person", None)
    assert "Obama" not in kinds(site)
    assert country_groups(site) == {"JP": ["Due"]}


def test_particles_stay_in_the_person(make_site):
    site = make_site(
        {
            "a.md": article(
                "Uno", "**Mohammed bin Salman** e **Ursula von der Leyen**."
            ),
            "b.md": article(
                "Due", "**bin Salman** e **von der Leyen**.", date="2025-02-01"
            ),
            "c.md": article("Tre", "Solo **bin Zayed**.", date="2025-03-01"),
        }
    )
    entities = by_name(site)
    assert entities["Mohammed bin Salman"]["aliases"] == ["bin Salman"]
    assert entities["Ursula von der Leyen"]["aliases"] == ["von der Leyen"]
    assert entities["bin Zayed"]["kind"] == "person"
    assert all(e["kind"] != "concept" for e in entities.values())


def test_persons_from_given_names_but_not_where_the_name_is_a_place(make_site):
    site = make_site(
        {
            "a.md": article(
                "A",
                "**Emmanuel Macron**, **Jannik Sinner**, **Roma**, **Italia Viva**,"
                " **Acme Corp**, **Fatah**, **Le Monde**",
            )
        }
    )
    assert kinds(site) == {
        "Emmanuel Macron": ("person", None),
        "Jannik Sinner": ("person", None),
        "Roma": ("place", "IT"),
        "Italia Viva": ("other", None),
        "Acme Corp": ("other", None),
        "Fatah": ("other", None),
        "Le Monde": ("other", None),
    }
    assert by_name(site)["Fatah"]["decided_by"] == "undecided"


def test_organizations_from_acronyms_and_institution_words(make_site):
    site = make_site(
        {
            "a.md": article(
                "A",
                "**ISTAT**, **Banca d’Italia**, **Ministero dell’Interno**,"
                " **Partito Democratico**, **Corte costituzionale**,"
                " **Università di Bologna**, **Supreme Court**",
            ),
            "b.md": article("B", "Secondo l’**Istat**.", date="2025-02-01"),
        }
    )
    entities = by_name(site)
    assert entities["ISTAT"]["decided_by"] == "acronym"
    assert entities["ISTAT"]["aliases"] == ["Istat"]
    for name in (
        "Banca d’Italia",
        "Ministero dell’Interno",
        "Partito Democratico",
        "Corte costituzionale",
        "Università di Bologna",
        "Supreme Court",
    ):
        assert entities[name]["kind"] == "organization", name
        assert entities[name]["decided_by"] == "institution word", name


def test_elided_articles_are_not_part_of_the_name_but_the_link_covers_the_bold(
    make_site,
):
    registry = "ONU:\n  kind: organization\nUnione europea:\n  kind: organization\n"
    registry += "  aliases: [Ue]\n"
    site = make_site(
        {"a.md": article("A", "Per **l’Onu** e **dell'Ue**, non **L’Aquila**.")},
        registry,
    )
    assert kinds(site) == {
        "ONU": ("organization", None),
        "Unione europea": ("organization", None),
        "L’Aquila": ("place", "IT"),
    }
    body = site.html("2025/01/a/index.html").select_one(".body")
    links = [(a.get_text(), a["href"]) for a in body.select(MENTION)]
    assert links[:2] == [
        ("l’Onu", "../../../entita/onu/"),
        ("dell’Ue", "../../../entita/unione-europea/"),
    ]


def test_bold_ending_with_a_colon_is_a_label(make_site):
    site = make_site(
        {"a.md": article("A", "**Fonte:** Ansa. **Aggiornamento:** ore 12. **Mosca**")}
    )
    assert list(kinds(site)) == ["Mosca"]
    body = site.html("2025/01/a/index.html").select_one(".body")
    assert [a.get_text() for a in body.select(MENTION)] == ["Mosca"]


@pytest.mark.parametrize("capitalised_first", [True, False])
def test_one_spelling_lower_case_makes_the_capitalised_one_the_same_concept(
    make_site, capitalised_first
):
    dates = ["2025-01-01", "2025-02-01"]
    if not capitalised_first:
        dates.reverse()
    site = make_site(
        {
            "a.md": article("A", "La **Vittoria** di tutti.", date=dates[0]),
            "b.md": article("B", "Una **vittoria** netta.", date=dates[1]),
        }
    )
    assert kinds(site) == {"vittoria": ("concept", None)}
    assert by_name(site)["vittoria"]["decided_by"] == "lower case"
    assert country_groups(site) == {}


def test_regions_uk_nations_and_disputed_regions_are_places_of_their_country(
    make_site,
):
    site = make_site(
        {
            "a.md": article(
                "A",
                "**Lombardia**, **Baviera**, **Catalogna**, **California**,"
                " **Texas**, **Scozia**, **Galles**, **Inghilterra**,"
                " **Irlanda del Nord**, **Transnistria**, **Nagorno-Karabakh**,"
                " **Crimea**, **Donbass**, **Cisgiordania**, **Kashmir**",
            )
        }
    )
    assert kinds(site) == {
        "Lombardia": ("place", "IT"),
        "Baviera": ("place", "DE"),
        "Catalogna": ("place", "ES"),
        "California": ("place", "US"),
        "Texas": ("place", "US"),
        "Scozia": ("place", "GB"),
        "Galles": ("place", "GB"),
        "Inghilterra": ("place", "GB"),
        "Irlanda del Nord": ("place", "GB"),
        "Transnistria": ("place", "MD"),
        "Nagorno-Karabakh": ("place", "AZ"),
        "Crimea": ("place", "UA"),
        "Donbass": ("place", "UA"),
        "Cisgiordania": ("place", "PS"),
        "Kashmir": ("place", None),
    }
    assert {e["decided_by"] for e in site.json()["entities"]} == {"region"}
    assert sorted(country_groups(site)) == [
        "AZ", "DE", "ES", "GB", "IT", "MD", "PS", "UA", "US",
    ]  # fmt: skip


def test_country_variants_from_iso_and_cldr(make_site):
    site = make_site(
        {"a.md": article("A", "**Myanmar**, **Birmania**, **Porto Rico**, **Kosovo**")}
    )
    assert kinds(site) == {
        "Myanmar (Birmania)": ("country", "MM"),
        "Portorico": ("country", "PR"),
        "Kosovo": ("country", "XK"),
    }
    assert by_name(site)["Portorico"]["aliases"] == ["Porto Rico"]


def test_a_name_of_places_in_several_countries_follows_the_article(make_site):
    site = make_site(
        {
            "a.md": article(
                "Piemonte", "**Alessandria** e **Torino**, in **Piemonte**."
            ),
            "b.md": article(
                "Egitto",
                "**Alessandria** e il **Cairo**, in **Egitto**.",
                date="2025-02-01",
            ),
        }
    )
    places = [e for e in site.json()["entities"] if e["name"] == "Alessandria"]
    by_country = {e["country"]: e for e in places}
    assert sorted(by_country) == ["EG", "IT"]
    italian = by_country["IT"]
    assert [a["title"] for a in italian["articles"]] == ["Piemonte"]
    assert italian["decided_by"] == "place"
    assert [(d["name"], d["country"]) for d in italian["doubts"]] == [
        ("Alexandria", "EG")
    ]
    assert "article names its country" in italian["doubts"][0]["why"]
    assert country_groups(site)["IT"] == ["Piemonte"]
    assert "Piemonte" not in country_groups(site).get("EG", [])


def test_slug_stays_when_articles_are_added(tmp_path):
    from conftest import build_site

    first = {
        "a.md": article("Uno", "**Jannik Sinner** vince.", date="2025-01-01"),
        "b.md": article("Due", "**Sinner** e **Sinner**.", date="2025-01-02"),
    }
    site = build_site(tmp_path / "one", first)
    assert [e["slug"] for e in site.json()["entities"]] == ["jannik-sinner"]
    more = {
        f"{n}.md": article(f"Altro {n}", "**Sinner** " * 3, date=f"2025-02-0{n}")
        for n in range(1, 6)
    }
    site = build_site(tmp_path / "two", {**first, **more})
    assert [e["slug"] for e in site.json()["entities"]] == ["jannik-sinner"]


def test_a_registry_rename_keeps_the_old_address_and_feed(make_site):
    registry = """
    Mario Draghi:
      kind: person
      country: IT
      moved_from: [draghi, super-mario]
    """
    site = make_site(
        {"a.md": article("Uno", "**Mario Draghi** e **Draghi**.")}, registry
    )
    assert by_name(site)["Mario Draghi"]["slug"] == "mario-draghi"
    for old in ("draghi", "super-mario"):
        page = site.html(f"entita/{old}/index.html")
        refresh = page.find("meta", attrs={"http-equiv": "refresh"})
        assert refresh["content"].endswith("entita/mario-draghi/")
        # The canonical link is absolute, as on every page.
        assert page.find("link", rel="canonical")["href"] == (
            "http://localhost:8000/entita/mario-draghi/"
        )
        assert page.find("a")["href"].endswith("entita/mario-draghi/")
        feed = site.read(f"feeds/entita/{old}.atom.xml")
        assert feed.count("<entry>") == 1 and "<title>Uno</title>" in feed


def test_a_small_town_abroad_that_nothing_places_is_a_doubt(make_site):
    site = make_site(
        {
            "a.md": article("Uno", "**Sala** ha parlato a **Milano**."),
            "b.md": article(
                "Due", "**Amsterdam** e gli **Stati Uniti**.", date="2025-02-01"
            ),
        }
    )
    sala = by_name(site)["Sala"]
    assert (sala["kind"], sala["country"], sala["decided_by"]) == (
        "other",
        None,
        "undecided",
    )
    assert [(d["country"], d["kind"]) for d in sala["doubts"]] == [("SK", "place")]
    assert kinds(site)["Amsterdam"] == ("place", "NL")
    assert country_groups(site) == {"IT": ["Uno"], "NL": ["Due"], "US": ["Due"]}


def test_title_case_acronyms_place_words_and_world_regions(make_site):
    site = make_site(
        {
            "a.md": article(
                "A",
                "**Cnn**, **Fitp**, **Rai1**, **Musk**, **Mar Nero**,"
                " **Stadio Olimpico**, **Europa**, **LUMA Energy**",
            )
        }
    )
    assert kinds(site) == {
        "Cnn": ("organization", None),
        "Fitp": ("organization", None),
        "Rai1": ("organization", None),
        "Musk": ("other", None),
        "Mar Nero": ("place", None),
        "Stadio Olimpico": ("place", None),
        "Europa": ("place", None),
        "LUMA Energy": ("other", None),
    }
    decided = {e["name"]: e["decided_by"] for e in site.json()["entities"]}
    assert decided["Mar Nero"] == "place word"
    assert decided["Europa"] == "region"


def test_homonym_places_get_their_country_in_the_slug(make_site):
    site = make_site(
        {
            "a.md": article("Uno", "**Alessandria** in **Piemonte**."),
            "b.md": article("Due", "**Alessandria** d’**Egitto**.", date="2025-02-01"),
        }
    )
    slugs = {
        e["country"]: e["slug"]
        for e in site.json()["entities"]
        if e["name"] == "Alessandria"
    }
    assert slugs == {"IT": "alessandria", "EG": "alessandria-eg"}


def test_every_decided_by_is_a_documented_rule(make_site):
    from rassegna.classify import RULES

    site = make_site(
        {
            "a.md": article(
                "A",
                "**Russia**, **Kim Jong Un**, **Kim Yo Jong**, **missili**, **NATO**,"
                " **Banca d’Italia**, **Mar Nero**, **Texas**, **Mosca**, **Fatah**,"
                " **ISTAT**",
            ),
            "b.md": article("B", "**Kim**.", date="2025-02-01"),
        },
        "NATO:\n  kind: organization\n",
    )
    decided = [e["decided_by"] for e in site.json()["entities"]]
    assert set(decided) <= set(RULES)
    assert len(set(decided)) == len(RULES)


def test_a_registry_rename_rebuilt_equals_a_clean_build(tmp_path):
    import shutil

    from conftest import run_pelican, tree, write_content

    content = tmp_path / "content"
    articles = {"a.md": article("Uno", "**Kim Jong Un** e **Kim**.")}
    write_content(content, articles, "Kim Jong Un:\n  kind: person\n")
    run_pelican(content, tmp_path / "out", tmp_path / "cache")
    renamed = "Kim Jong Eun:\n  kind: person\n  aliases: [Kim Jong Un]\n"
    for registry in (renamed + "  moved_from: [kim-jong-un]\n", renamed):
        (content / "entities.yml").write_text(registry, encoding="utf-8")
        rebuilt = run_pelican(content, tmp_path / "out", tmp_path / "cache")
        clean = tmp_path / f"clean-{len(registry)}"
        shutil.copytree(content, clean)
        expected = run_pelican(clean, clean / "out", clean / "cache")
        assert tree(rebuilt.output) == tree(expected.output)
    assert (rebuilt.output / "entita" / "kim-jong-eun" / "index.html").is_file()
    assert not (rebuilt.output / "entita" / "kim-jong-un").exists()
