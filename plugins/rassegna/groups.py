"""The digest's two groupings: by country (a place counts for its country) and by
topic (the article's category)."""

from dataclasses import dataclass, field

from . import gazetteer
from .identity import fold, slug_for
from .resolve import Entity, newest_first


@dataclass(eq=False)
class Country:
    code: str
    name: str
    slug: str
    url: str = ""
    save_as: str = ""
    entity: Entity | None = None
    articles: list = field(default_factory=list)
    by_topic: list = field(default_factory=list)


@dataclass(eq=False)
class Topic:
    name: str
    slug: str
    url: str = ""
    save_as: str = ""
    articles: list = field(default_factory=list)
    by_country: list = field(default_factory=list)


def _grouped(articles, groups_of, order):
    """[(group, articles newest first)] for articles that may sit in several groups.
    Groups are told apart by slug, not identity: a template filter hands in
    values whose every read is recorded (reads.reads_through)."""
    members = {}
    for article in articles:
        for group in groups_of(article):
            key = None if group is None else group.slug
            members.setdefault(key, (group, []))[1].append(article)
    ordered = sorted(members.values(), key=lambda pair: order(pair[0]))
    return [(group, newest_first(listed)) for group, listed in ordered]


def _by_name(group):
    """Groups A–Z by name; the group of articles with no country last."""
    return (group is None, fold(group.name) if group else "")


def countries_of(entities: list[Entity]) -> dict[str, Entity | None]:
    """Every country code the entities reach, with the country's own entity if any."""
    reached: dict[str, Entity | None] = {}
    for entity in entities:
        if entity.kind == "country":
            reached[entity.country] = entity
        elif entity.country and entity.kind == "place":
            reached.setdefault(entity.country, None)
    return reached


def build(articles, entities: list[Entity], links: dict, language: str):
    """Countries and topics, each with its articles; sets `article.countries`,
    `article.topic` and `article.entities` for the templates."""
    countries = {}
    for code, entity in countries_of(entities).items():
        name = entity.name if entity else gazetteer.country_name(code, language)
        countries[code] = Country(
            code=code, name=name, slug=slug_for(name), entity=entity
        )
    topics = {}
    for article in articles:
        category = article.category
        topic = topics.get(category.slug)
        if topic is None:
            topic = topics[category.slug] = Topic(
                name=category.name, slug=category.slug
            )
        mentioned = list(dict.fromkeys(links.get(article.source_path, {}).values()))
        codes = {
            e.country for e in mentioned if e.kind in ("country", "place") and e.country
        }
        article.topic = topic
        article.countries = sorted(
            (countries[code] for code in codes), key=lambda c: fold(c.name)
        )
        article.entities = sorted(mentioned, key=lambda e: (fold(e.name), e.slug))
        topic.articles.append(article)
        for country in article.countries:
            country.articles.append(article)

    for topic in topics.values():
        topic.articles = newest_first(topic.articles)
        topic.by_country = _grouped(
            topic.articles, lambda a: a.countries or [None], _by_name
        )
    for country in countries.values():
        country.articles = newest_first(country.articles)
        country.by_topic = _grouped(country.articles, lambda a: [a.topic], _by_name)
        if country.entity is not None:
            country.entity.articles = country.articles
    return (
        sorted(countries.values(), key=lambda c: c.slug),
        sorted(topics.values(), key=lambda t: t.slug),
    )
