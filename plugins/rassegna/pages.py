"""The generator that writes entity, country and topic pages, their indexes,
per-entity Atom feeds and entities.json."""

import functools
import json
import logging
from collections import defaultdict
from itertools import groupby
from pathlib import Path

from babel.dates import format_date
from bs4 import BeautifulSoup
from pelican.generators import Generator
from pelican.utils import sanitised_join

from . import maps, related, sitemap, timeline
from .groups import _by_name, _grouped
from .identity import collapse_space, fold
from .reads import reads_through
from .registry import KINDS
from .writer import DigestWriter

logger = logging.getLogger(__name__)


@functools.cache
def plain(html: str) -> str:
    """Text without the markup, entities and no-break spaces typogrify adds.
    Remembered: every build asks for every title (0.14 s at 8,000 articles),
    and a warm process's next build asks for the same ones again."""
    return collapse_space(BeautifulSoup(html, "html.parser").get_text())


def _article_records(digest) -> dict:
    """Each listed article's JSON record, made once: id(article) → record."""
    records = {}
    for topic in digest.topics:
        for article in topic.articles:
            records[id(article)] = {
                "title": plain(article.title),
                "url": article.url,
                "date": article.date.isoformat(),
            }
    return records


def entities_json(digest) -> dict:
    """The data contract of `entities.json`: plain text, root-relative URLs."""
    records = _article_records(digest)

    def listed(articles):
        return [records[id(article)] for article in articles]

    return {
        "entities": [
            {
                "name": entity.name,
                "slug": entity.slug,
                "kind": entity.kind,
                "country": entity.country,
                "aliases": entity.aliases,
                "description": entity.description,
                "wikidata": entity.wikidata,
                "url": entity.url,
                "feed": entity.feed,
                "articles": listed(entity.articles),
                "decided_by": entity.decided_by,
                "doubts": entity.doubts,
            }
            for entity in digest.entities
        ],
        "countries": [
            {
                "code": country.code,
                "name": country.name,
                "slug": country.slug,
                "url": country.url,
                "articles": listed(country.articles),
            }
            for country in digest.countries
        ],
        "topics": [
            {
                "name": topic.name,
                "slug": topic.slug,
                "url": topic.url,
                "articles": listed(topic.articles),
            }
            for topic in digest.topics
        ],
    }


def moved_from(entity, entities) -> list[str]:
    """The registry's earlier slugs of `entity` that no entity uses now; one that
    is taken again is the other entity's, with a warning."""
    taken = {e.slug for e in entities}
    for slug in entity.moved_from:
        if slug in taken and slug != entity.slug:
            logger.warning(
                "moved_from %r of %r is the address of another entity: no redirect",
                slug,
                entity.name,
            )
    return [s for s in entity.moved_from if s not in taken]


def entities_by_kind(entities) -> list:
    """[(kind, entities A–Z)] in the order of KINDS, kinds with no entity left out."""
    ordered = sorted(
        entities, key=lambda e: (KINDS.index(e.kind), fold(e.name), e.slug)
    )
    return [(kind, list(group)) for kind, group in groupby(ordered, lambda e: e.kind)]


def _cache_folder(settings: dict) -> str | None:
    """Where drawn outlines and related lists are kept between builds, when the
    build keeps a cache."""
    return settings["CACHE_PATH"] if settings.get("CACHE_CONTENT") else None


@reads_through
def by_country(articles) -> list:
    """One page of a topic split by country, as groups.py splits the whole topic:
    an article under each of its countries, those with none last."""
    return _grouped(articles, lambda a: a.countries or [None], _by_name)


@reads_through
def by_topic(articles) -> list:
    """One page of a country split by topic, as groups.py splits the whole country."""
    return _grouped(articles, lambda a: [a.topic], _by_name)


def places_by_country(entities) -> dict:
    """Country code → the digest's places in it, A–Z (an empty list for none)."""
    places = defaultdict(list)
    for entity in sorted(entities, key=lambda e: (fold(e.name), e.slug)):
        if entity.kind == "place" and entity.country:
            places[entity.country].append(entity)
    return places


def main_country_first(article) -> list:
    """The article's countries, the one it names most first (a place counts for
    its country); ties, and the rest, A–Z."""
    content = article._content or ""
    named = {}
    for entity in article.entities:
        if entity.kind in ("country", "place"):
            times = content.count(f'/entity/{entity.slug}"')
            named[entity.country] = named.get(entity.country, 0) + times
    return sorted(
        article.countries, key=lambda c: (-named.get(c.code, 0), fold(c.name))
    )


def date_in_words(date, language: str) -> str:
    """`29 dicembre 2025`: the date as a reader says it, in the site's language."""
    return format_date(date, "long", locale=language)


def add_template_filters(generator) -> None:
    """generator_init: `by_country` and `by_topic` for the paginated topic and
    country pages."""
    generator.env.filters["by_country"] = by_country
    generator.env.filters["by_topic"] = by_topic


class DigestPagesGenerator(Generator):
    """Writes the digest's pages from the context the receivers prepared."""

    def generate_context(self):
        """Before any page is written: each article's main country, related
        articles, previous and next in time, and date in words."""
        # Pages link relatively, but canonical addresses, Open Graph and JSON-LD
        # need the absolute one, which relative rendering hides behind SITEURL.
        self.context["ABSOLUTE_SITEURL"] = self.settings["SITEURL"]
        digest = self.context.get("rassegna")
        if digest is None:
            return
        conf = digest.settings
        language = self.settings.get("DEFAULT_LANG", "it")
        in_time = sorted(
            (a for topic in digest.topics for a in topic.articles),
            key=lambda a: (a.date, a.url),
        )
        ranked = related.rank_remembered(in_time, conf, _cache_folder(self.settings))
        for index, article in enumerate(in_time):
            article.countries = main_country_first(article)
            article.entities_by_kind = entities_by_kind(article.entities)
            article.related_articles = [in_time[i] for i in ranked[index]]
            article.previous_in_time = in_time[index - 1] if index else None
            article.next_in_time = (
                in_time[index + 1] if index + 1 < len(in_time) else None
            )
            article.date_words = date_in_words(article.date, language)

    def generate_output(self, writer):
        self._write_digest(writer)
        if isinstance(writer, DigestWriter):
            writer.flush()

    def _write_digest(self, writer):
        digest = self.context.get("rassegna")
        if digest is None:
            return
        conf = digest.settings
        relative = self.settings["RELATIVE_URLS"]
        language = self.settings["DEFAULT_LANG"]
        world = maps.outlines(_cache_folder(self.settings)) if digest.countries else {}
        countries_by_code = {c.code: c for c in digest.countries}
        places_of = places_by_country(digest.entities)

        def write(save_as, template, url, **values):
            writer.write_file(
                save_as,
                self.get_template(template),
                self.context,
                relative_urls=relative,
                url=url,
                template_name=template,
                **values,
            )

        for entity in digest.entities:
            country = next((c for c in digest.countries if c.entity is entity), None)
            write(
                entity.save_as,
                "entity",
                entity.url,
                entity=entity,
                country_page=country,
                timeline=timeline.mentions_by_month(entity.articles, language),
                home_country=countries_by_code.get(entity.country),
                paginated={"articles": entity.articles} if entity.articles else None,
            )
            feeds = [entity.feed] if entity.feed else []
            for old in moved_from(entity, digest.entities):
                # The old address redirects; its feed stays a feed of the entity.
                write(conf.entity_save_as.format(slug=old), "redirect", entity.url,
                      entity=entity)  # fmt: skip
                if entity.feed:
                    feeds.append(conf.entity_feed_atom.format(slug=old))
            # Articles write their links for the site URL in the shared context,
            # which the last page written left relative to itself; a feed is read
            # away from the site, so its links are absolute, as Pelican's own feeds
            # (written before any page) are.
            self.context["localsiteurl"] = self.settings["SITEURL"]
            for feed in feeds:
                writer.write_feed(
                    entity.articles[: conf.entity_feed_max_items],
                    self.context,
                    feed,
                    feed_type="atom",
                    feed_title=entity.name,
                )
        write(
            conf.entities_save_as,
            "entities",
            conf.entities_url,
            entities_by_kind=entities_by_kind(digest.entities),
        )
        for country in digest.countries:
            write(
                country.save_as,
                "country",
                country.url,
                country=country,
                place_map=maps.locator_map(country.code, world),
                timeline=timeline.mentions_by_month(country.articles, language),
                places=places_of[country.code],
                paginated={"articles": country.articles},
            )
        write(
            conf.countries_save_as,
            "countries",
            conf.countries_url,
            countries=digest.countries,
            world_map=maps.world_map(digest.countries, world) if world else None,
        )
        # Pelican writes a feed for each category it knows; a topic the plugin
        # gave to articles without a category has none.
        fed = {category.slug for category, _ in self.context.get("categories", [])}
        topic_feed = self.settings.get("CATEGORY_FEED_ATOM")
        for topic in digest.topics:
            write(
                topic.save_as,
                "topic",
                topic.url,
                topic=topic,
                topic_feed=(
                    topic_feed.format(slug=topic.slug)
                    if topic_feed and topic.slug in fed
                    else None
                ),
                paginated={"articles": topic.articles},
            )
        write(conf.topics_save_as, "topics", conf.topics_url, topics=digest.topics)
        sitemap.write(
            writer,
            self.settings["SITEURL"],
            digest,
            self.context.get("pages", []),
            self.context.get("staticfiles", []),
        )
        if conf.json_save_as:
            self._write_json(writer, conf.json_save_as, entities_json(digest))

    def _write_json(self, writer, save_as: str, data: dict) -> None:
        path = Path(sanitised_join(self.output_path, save_as))
        # dumps, not dump, and no indent: only then does the C encoder run.
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            if isinstance(writer, DigestWriter):
                writer.keep(save_as)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
