"""Mentions to entities: one identity per real thing, short forms, display names,
slugs, and which articles and entities go together."""

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .classify import Classifier, Identity
from .identity import fold_name, slug_for, words

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class Entity:
    """An entity of the site, with everything its page shows."""

    key: str
    kind: str
    country: str | None
    name: str = ""
    slug: str = ""
    description: str = ""
    wikidata: str = ""
    aliases: list[str] = field(default_factory=list)
    articles: list = field(default_factory=list)
    related: list["Entity"] = field(default_factory=list)
    mentions: int = 0
    url: str = ""
    save_as: str = ""
    feed: str | None = None


def newest_first(articles) -> list:
    """Articles newest first, ties by URL, so every build orders them alike."""
    by_url = sorted(articles, key=lambda article: article.url)
    return sorted(by_url, key=lambda article: article.date, reverse=True)


def _short_form(name, identities_of_long_names, classifier, max_population):
    """The one multi-word mention's identity whose first or last word is `name`."""
    key = fold_name(name)
    matches = {
        identity.key: identity
        for long_name, identity in identities_of_long_names.items()
        if key in (fold_name(words(long_name)[0]), fold_name(words(long_name)[-1]))
    }
    if len(matches) != 1 or classifier.is_large_place(name, max_population):
        return None
    return next(iter(matches.values()))


def identify_article(names, classifier: Classifier, max_population: int) -> dict:
    """Name → Identity for the distinct mention names of one article."""
    distinct = list(dict.fromkeys(names))
    long_names = {
        name: classifier.fixed(name) or classifier.fallback(name)
        for name in distinct
        if len(words(name)) > 1
    }
    identities = dict(long_names)
    for name in distinct:
        if name in identities:
            continue
        identity = classifier.fixed(name)
        if identity is None:
            identity = _short_form(name, long_names, classifier, max_population)
        identities[name] = identity or classifier.fallback(name)
    return identities


def _display_name(identity: Identity, spellings: Counter) -> str:
    """The fixed name if a source gives one, else the most frequent spelling
    (ties go to the one seen first, i.e. in the earliest article)."""
    if identity.name:
        return identity.name
    return max(spellings.items(), key=lambda item: item[1])[0]


def _assign_slugs(entities: list[Entity]) -> None:
    """Give each entity its own slug; a clash is resolved by key, with a warning."""
    used: set[str] = set()
    for entity in sorted(entities, key=lambda e: (slug_for(e.name), e.key)):
        base = slug_for(entity.name)
        slug, number = base, 1
        while slug in used:
            number += 1
            slug = f"{base}-{number}"
        if slug != base:
            logger.warning(
                "Entity %r has the same slug %r as another entity; it is published"
                " as %r",
                entity.name,
                base,
                slug,
            )
        used.add(slug)
        entity.slug = slug


def resolve(article_names, classifier: Classifier, conf):
    """Build the entities from `(article, mention names)` pairs given oldest first,
    with the plugin's settings `conf`.

    Returns the entities sorted by slug, and each article's name → Entity map
    keyed by the article's source path.
    """
    identities: dict[str, Identity] = {}
    spellings: dict[str, Counter] = defaultdict(Counter)
    articles: dict[str, list] = defaultdict(list)
    together: dict[str, Counter] = defaultdict(Counter)
    keys_by_article = []
    for article, names in article_names:
        named = identify_article(names, classifier, conf.short_form_max_population)
        for name in names:
            spellings[named[name].key][name] += 1
        keys = list(dict.fromkeys(identity.key for identity in named.values()))
        for identity in named.values():
            identities.setdefault(identity.key, identity)
        counts_together = len(keys) <= conf.related_max_per_article
        for key in keys:
            articles[key].append(article)
            if counts_together:
                together[key].update(other for other in keys if other != key)
        keys_by_article.append((article, named))

    entities = {}
    for key, identity in identities.items():
        name = _display_name(identity, spellings[key])
        aliases = {*identity.aliases, *spellings[key]} - {name}
        entities[key] = Entity(
            key=key,
            kind=identity.kind,
            country=identity.country,
            name=name,
            description=identity.description,
            wikidata=identity.wikidata,
            aliases=sorted(aliases, key=lambda alias: (fold_name(alias), alias)),
            articles=newest_first(articles[key]),
            mentions=sum(spellings[key].values()),
        )
    _assign_slugs(list(entities.values()))
    for key, entity in entities.items():
        ranked = sorted(
            together[key].items(),
            key=lambda item: (-item[1], entities[item[0]].slug),
        )
        entity.related = [entities[other] for other, _ in ranked[: conf.related_limit]]
    links = {
        article.source_path: {
            name: entities[identity.key] for name, identity in named.items()
        }
        for article, named in keys_by_article
    }
    return sorted(entities.values(), key=lambda e: e.slug), links
