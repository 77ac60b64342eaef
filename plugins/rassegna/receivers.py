"""Signal receivers: read Markdown with the digest's reader, find the entities once
the articles are read, link every mention, and hand the digest to the page
generator through the context."""

import os
from dataclasses import dataclass
from pathlib import Path

from pelican.readers import MarkdownReader
from pelican.urlwrappers import Category

from . import gazetteer, groups, registry, settings
from .classify import Classifier
from .errors import BuildError
from .gazetteer import Lookups
from .mentions import link_strongs, names_of, scan
from .pages import DigestPagesGenerator
from .reader import STRONGS_KEY, DigestMarkdownReader, drop_stale_cache, prepare_all
from .resolve import Entity, resolve
from .writer import DigestWriter

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


def _lookups_file(pelican_settings: dict) -> Path | None:
    if not pelican_settings.get("CACHE_CONTENT"):
        return None
    return Path(pelican_settings["CACHE_PATH"]) / "rassegna-lookups.pickle"


def _set_address(entity_or_group, url: str, save_as: str) -> None:
    entity_or_group.url = url.format(slug=entity_or_group.slug)
    entity_or_group.save_as = save_as.format(slug=entity_or_group.slug)


def _link_attributes(entity: Entity) -> dict:
    """The attributes of a mention's link; Pelican turns the `{filename}` path
    into the entity page's URL relative to each page it appears on."""
    return {
        "class": f"entity entity-{entity.kind}",
        "href": "{filename}/" + LINK_KEY.format(slug=entity.slug),
    }


def _strongs(article) -> list:
    """The bold elements the reader recorded, or a fresh scan if the HTML has
    changed since (another plugin, another reader)."""
    html = article._content or ""
    recorded = getattr(article, STRONGS_KEY, None)
    if recorded is not None and all(
        html.startswith("<strong", s.start) and html.startswith("</strong>", s.end - 9)
        for s in recorded
        if s.linkable
    ):
        return recorded
    return scan(html)


def check_settings(pelican) -> None:
    """initialized: drop cached reads made with other code or settings."""
    drop_stale_cache(pelican.settings)


def use_digest_reader(readers) -> None:
    """readers_init: read Markdown with the digest's reader, unless the site
    configured its own Markdown reader."""
    for extension in DigestMarkdownReader.file_extensions:
        if readers.reader_classes.get(extension) is MarkdownReader:
            readers.reader_classes[extension] = DigestMarkdownReader


def prepare_articles(generator) -> None:
    """article_generator_init: prepare the uncached articles on every core."""
    conf = settings.read(generator.settings)
    files = generator.get_files(
        generator.settings["ARTICLE_PATHS"],
        exclude=generator.settings["ARTICLE_EXCLUDES"],
    )
    paths = [os.path.abspath(os.path.join(generator.path, f)) for f in files]
    prepare_all(generator.readers, paths, conf.processes, gazetteer.warm_up)


def _check_unique_slugs(generator) -> None:
    """Two articles with one slug: Pelican would warn and keep going; stop instead,
    naming both files."""
    seen = {}
    everything = [*generator.articles, *generator.hidden_articles, *generator.drafts]
    for article in sorted(everything, key=lambda a: a.source_path):
        key = (article.slug, article.lang)
        if key in seen:
            raise BuildError(
                f"{seen[key].relative_source_path} and {article.relative_source_path}"
                f" have the same slug {article.slug!r}: give one of them its own"
                " 'Slug:'"
            )
        seen[key] = article


def collect_entities(generator) -> None:
    """article_generator_finalized: resolve the entities of the published articles
    and link their mentions."""
    _check_unique_slugs(generator)
    conf = settings.read(generator.settings)
    lookups = Lookups(_lookups_file(generator.settings), conf.languages)
    classifier = Classifier(
        _registry(conf, generator.path),
        conf.languages,
        lookups,
        conf.short_form_max_population,
    )
    articles = sorted(generator.articles, key=lambda a: (a.date, a.source_path))
    for article in articles:
        # Articles are listed on many pages; work their URL out once.
        article.override_url = article.url
        if getattr(article, "category", None) is None:
            # Pelican leaves it unset when category pages are off (the topics
            # replace them): such an article joins the default topic.
            article.category = Category(
                generator.settings["DEFAULT_CATEGORY"], generator.settings
            )
    strongs = {a.source_path: _strongs(a) for a in articles}
    mentions = [(a, names_of(strongs[a.source_path], conf.max_words)) for a in articles]
    entities, links = resolve(mentions, classifier, conf)
    lookups.save()
    generated = generator.context["generated_content"]
    for entity in entities:
        _set_address(entity, conf.entity_url, conf.entity_save_as)
        if conf.entity_feed_atom:
            entity.feed = conf.entity_feed_atom.format(slug=entity.slug)
        generated[LINK_KEY.format(slug=entity.slug)] = entity
    for article in articles:
        by_name = links[article.source_path]
        article._content = link_strongs(
            article._content,
            strongs[article.source_path],
            conf.max_words,
            lambda name, by_name=by_name: _link_attributes(by_name[name]),
        )
    countries, topics = groups.build(articles, entities, links, conf.languages[0])
    for country in countries:
        _set_address(country, conf.country_url, conf.country_save_as)
    for topic in topics:
        _set_address(topic, conf.topic_url, conf.topic_save_as)
    generator.context["rassegna"] = Digest(conf, entities, countries, topics)
    # Pelican saved its reader cache just before this signal; its in-memory copy
    # of every article is not read again, and it would be copied into the worker
    # processes that render the pages.
    generator.readers._cache.clear()


def add_generator(pelican):
    """get_generators: the generator that writes the digest's pages."""
    return DigestPagesGenerator


def add_writer(pelican):
    """get_writer: the writer that skips unchanged pages and renders on every core."""
    return DigestWriter
