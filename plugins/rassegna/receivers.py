"""Signal receivers: read Markdown with the digest's reader, find the entities once
the articles are read, link every mention, and hand the digest to the page
generator through the context."""

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from pelican.contents import Article, Content, Page
from pelican.readers import MarkdownReader

from . import gazetteer, groups, registry, settings
from .categories import give_categories
from .classify import Classifier
from .errors import BuildError
from .gazetteer import Lookups
from .identity import fold
from .links import broken_links
from .mentions import link_strongs, mention_name, names_of, scan
from .pages import DigestPagesGenerator
from .reader import (
    SANITIZED_KEY,
    STRONGS_KEY,
    WARNINGS_KEY,
    DigestMarkdownReader,
    drop_stale_cache,
    prepare_all,
)
from .resolve import Entity, resolve
from .sanitize import Sanitizer
from .unpicked import unpicked_files
from .writer import DigestWriter

logger = logging.getLogger(__name__)

LINK_KEY = ".rassegna/entity/{slug}"


@dataclass
class Digest:
    """What the pages generator writes: plain data, sorted for byte-identical builds."""

    settings: settings.EntitySettings
    entities: list
    countries: list
    topics: list
    # Each published article's mention names, as resolved, and the entity each
    # name links to, by source path: what one edited article's page needs to be
    # linked again when its mentions are unchanged (curator/warm.py's preview).
    mentions: dict


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
    """The attributes of a mention's link: its entity's kind, the one class the
    theme styles it by (a dense story has a hundred mentions, so the markup is
    kept short), and the entity page, whose `{filename}` path Pelican turns into
    a URL relative to each page the mention appears on."""
    return {
        "class": entity.kind,
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


def sanitize_other_readers(content) -> None:
    """content_object_init: HTML from a reader other than the digest's (reST,
    HTML files) is sanitized here, on every build, as the digest's reader does
    once per file; what is removed is said with the file's other warnings."""
    if not isinstance(content, (Article, Page)) or getattr(content, SANITIZED_KEY, 0):
        return
    conf = settings.read(content.settings)
    if conf.raw_html:
        return
    sanitizer = Sanitizer(conf.iframe_hosts)
    if content._content:
        content._content = sanitizer.content(content._content)
    if isinstance(getattr(content, "title", None), str):
        content.title = content.metadata["title"] = sanitizer.title(content.title)
    if isinstance(content.metadata.get("summary"), str):
        summary = sanitizer.content(content.metadata["summary"], "summary")
        content.metadata["summary"] = content._summary = summary
    setattr(content, SANITIZED_KEY, True)
    warnings = getattr(content, WARNINGS_KEY, [])
    setattr(content, WARNINGS_KEY, [*warnings, *sanitizer.messages])


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
    strongs = {a.source_path: _strongs(a) for a in articles}
    mentions = [(a, names_of(strongs[a.source_path], conf.max_words)) for a in articles]
    translations = sorted(generator.translations, key=lambda a: a.source_path)
    translation_strongs = {t.source_path: _strongs(t) for t in translations}
    translation_mentions = [
        (t, names_of(translation_strongs[t.source_path], conf.max_words))
        for t in translations
    ]
    entities, links = resolve(mentions, classifier, conf, translation_mentions)
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
    _link_translations(
        translations, translation_strongs, links, conf, countries, topics
    )
    resolved = {a.source_path: (names, links[a.source_path]) for a, names in mentions}
    generator.context["rassegna"] = Digest(conf, entities, countries, topics, resolved)
    # Pelican saved its reader cache just before this signal; its in-memory copy
    # of every article is not read again, and it would be copied into the worker
    # processes that render the pages.
    generator.readers._cache.clear()


def relink(article, edited, digest: Digest) -> bool:
    """Give `article`, as a build linked it, the body of `edited`, the same
    file read again with the same metadata, linked as that build would have:
    possible when its mention names are the ones the build resolved, so every
    entity decision stays as it was (curator/warm.py's preview). Whether it
    could."""
    max_words = digest.settings.max_words
    names, by_name = digest.mentions.get(article.source_path, (None, None))
    strongs = _strongs(edited)
    if names is None or names_of(strongs, max_words) != names:
        return False
    article._content = link_strongs(
        edited._content,
        strongs,
        max_words,
        lambda name: _link_attributes(by_name[name]),
    )
    return True


def _link_translations(translations, strongs, links, conf, countries, topics):
    """A translation's mentions link to the entities its original's site knows,
    and it shows its topic, countries and entities as its original does. It is
    the same news in another language, so it is not listed again on entity,
    country or topic pages: those list the original, which links to it."""
    country_of = {country.code: country for country in countries}
    topic_of = {topic.slug: topic for topic in topics}
    for translation in translations:
        translation.override_url = translation.url
        by_name = links[translation.source_path]
        found = strongs[translation.source_path]
        known = [s for s in found if mention_name(s.text, conf.max_words) in by_name]
        translation._content = link_strongs(
            translation._content,
            known,
            conf.max_words,
            lambda name, by_name=by_name: _link_attributes(by_name[name]),
        )
        mentioned = list(dict.fromkeys(by_name.values()))
        translation.entities = sorted(mentioned, key=lambda e: (fold(e.name), e.slug))
        codes = {e.country for e in mentioned if e.kind in ("country", "place")}
        translation.countries = sorted(
            (country_of[code] for code in codes if code in country_of),
            key=lambda c: fold(c.name),
        )
        translation.topic = topic_of.get(translation.category.slug)


def categorise(generator) -> None:
    """article_generator_pretaxonomy: every article, draft and translation gets
    a category (see categories.py)."""
    give_categories(
        [
            *generator.articles,
            *generator.translations,
            *generator.hidden_articles,
            *generator.hidden_translations,
            *generator.drafts,
            *generator.drafts_translations,
        ],
        generator.settings,
    )


def check_site(generators) -> None:
    """all_generators_finalized: say, on every build, what is wrong with each
    file, whether it was read now or came from the cache: the warnings kept with
    its read, its broken links, and the source files no path setting reads."""
    context = generators[0].context
    for path, content in sorted(context["generated_content"].items()):
        if not isinstance(content, Content):
            continue
        for message in getattr(content, WARNINGS_KEY, ()):
            logger.warning("%s: %s", path, message)
        for message in broken_links(content, context):
            logger.warning("%s: %s", path, message)
    for path in unpicked_files(generators):
        logger.warning(
            "%s is not read: no ARTICLE_PATHS, PAGE_PATHS or STATIC_PATHS folder"
            " holds it; move it to notizie/ (articles) or pagine/ (pages), or add"
            " it to IGNORE_FILES if it is not meant to be published",
            path,
        )


def compact_json(generator) -> None:
    """generator_init: Jinja's `tojson` (the articles' JSON-LD) leaves out the
    spaces after commas and colons, which are 6% of a JSON-LD block naming many
    entities; keys stay sorted, so a build is still byte-identical."""
    generator.env.policies["json.dumps_kwargs"] = {
        "sort_keys": True,
        "separators": (",", ":"),
    }


def add_generator(pelican):
    """get_generators: the generator that writes the digest's pages."""
    return DigestPagesGenerator


def add_writer(pelican):
    """get_writer: the writer that skips unchanged pages and renders on every core."""
    return DigestWriter
