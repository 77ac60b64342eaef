"""Signal receivers: find the entities once the articles are read, link every
mention, and hand the digest to the page generator through the context."""

import os
from dataclasses import dataclass

from . import groups, registry, settings
from .classify import Classifier
from .mentions import extract_mentions, link_mentions
from .pages import DigestPagesGenerator
from .resolve import Entity, resolve

LINK_KEY = ".rassegna/entity/{slug}"


@dataclass
class Digest:
    """What the pages generator writes: plain data, sorted for byte-identical builds."""

    settings: settings.EntitySettings
    entities: list
    countries: list
    topics: list


def _registry(conf: settings.EntitySettings, content_path: str) -> registry.Registry:
    if conf.registry is None:
        return registry.EMPTY
    return registry.load(os.path.join(content_path, conf.registry))


def _place(entity_or_group, url: str, save_as: str) -> None:
    entity_or_group.url = url.format(slug=entity_or_group.slug)
    entity_or_group.save_as = save_as.format(slug=entity_or_group.slug)


def _link_attributes(entity: Entity) -> dict:
    """The attributes of a mention's link; Pelican turns the `{filename}` path
    into the entity page's URL relative to each page it appears on."""
    return {
        "class": f"entity entity-{entity.kind}",
        "href": "{filename}/" + LINK_KEY.format(slug=entity.slug),
    }


def collect_entities(generator) -> None:
    """article_generator_finalized: resolve the entities of the published articles
    and link their mentions."""
    conf = settings.read(generator.settings)
    classifier = Classifier(_registry(conf, generator.path), conf.languages)
    articles = sorted(generator.articles, key=lambda a: (a.date, a.source_path))
    mentions = [(a, extract_mentions(a._content, conf.max_words)) for a in articles]
    entities, links = resolve(
        mentions, classifier, conf.short_form_max_population, conf.related_limit
    )
    generated = generator.context["generated_content"]
    for entity in entities:
        _place(entity, conf.entity_url, conf.entity_save_as)
        if conf.entity_feed_atom:
            entity.feed = conf.entity_feed_atom.format(slug=entity.slug)
        generated[LINK_KEY.format(slug=entity.slug)] = entity
    for article in articles:
        by_name = links[article.source_path]
        article._content = link_mentions(
            article._content,
            conf.max_words,
            lambda name, by_name=by_name: _link_attributes(by_name[name]),
        )
    countries, topics = groups.build(articles, entities, links, conf.languages[0])
    for country in countries:
        _place(country, conf.country_url, conf.country_save_as)
    for topic in topics:
        _place(topic, conf.topic_url, conf.topic_save_as)
    generator.context["rassegna"] = Digest(conf, entities, countries, topics)


def add_generator(pelican):
    """get_generators: the generator that writes the digest's pages."""
    return DigestPagesGenerator
