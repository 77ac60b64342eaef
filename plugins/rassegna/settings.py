"""Every setting the plugin reads, with its default, in one place."""

import os
from dataclasses import dataclass

from .errors import BuildError

DEFAULTS = {
    "RASSEGNA_TYPOGRIFY": False,
    # Processes for reading and writing; None: one per core this build may use.
    "RASSEGNA_PROCESSES": None,
    # How many rendered contents (an article's HTML for one site URL) Pelican's
    # memo keeps in each process, the least recently used dropped first; None:
    # all of them, as Pelican does (rendered.py says why not).
    "RASSEGNA_RENDERED_KEPT": 1024,
    # True keeps raw HTML in content as written, scripts included: only for a site
    # whose every author is trusted (see README, "Raw HTML").
    "RASSEGNA_RAW_HTML": False,
    # Hosts whose <iframe> embeds are kept (https only); every other iframe is removed.
    "RASSEGNA_IFRAME_HOSTS": (
        "www.youtube-nocookie.com",
        "www.youtube.com",
        "player.vimeo.com",
    ),
    # Metadata keys the site's theme or other plugins read, besides Pelican's and
    # the plugin's own: no "unknown metadata" warning for them.
    "RASSEGNA_METADATA_KEYS": (),
    "ENTITY_MAX_WORDS": 6,
    "ENTITY_REGISTRY": "entities.yml",
    "ENTITY_LANGUAGES": ("it", "en"),
    "ENTITY_SHORT_FORM_MAX_POPULATION": 100_000,
    "ENTITY_RELATED_LIMIT": 8,
    # An article naming more entities than this is a list, not news: it does not
    # count towards which entities appear together.
    "ENTITY_RELATED_MAX_PER_ARTICLE": 150,
    "ENTITY_URL": "entita/{slug}/",
    "ENTITY_SAVE_AS": "entita/{slug}/index.html",
    "ENTITY_FEED_ATOM": "feeds/entita/{slug}.atom.xml",
    "ENTITY_FEED_MAX_ITEMS": 20,
    "ENTITIES_URL": "entita/",
    "ENTITIES_SAVE_AS": "entita/index.html",
    "COUNTRY_URL": "paesi/{slug}/",
    "COUNTRY_SAVE_AS": "paesi/{slug}/index.html",
    "COUNTRIES_URL": "paesi/",
    "COUNTRIES_SAVE_AS": "paesi/index.html",
    "TOPIC_URL": "temi/{slug}/",
    "TOPIC_SAVE_AS": "temi/{slug}/index.html",
    "TOPICS_URL": "temi/",
    "TOPICS_SAVE_AS": "temi/index.html",
    "ENTITIES_JSON_SAVE_AS": "entities.json",
    # The folder of the output Pagefind writes its search index and UI into;
    # None: no search index.
    "RASSEGNA_SEARCH_BUNDLE": "pagefind",
    # Pages per part of the index, or None: one index, what a reader's browser
    # loads fastest. In parts, a build re-indexes only the parts whose pages
    # changed, and the search page merges them all (search.py).
    "RASSEGNA_SEARCH_PART_PAGES": None,
    # Related articles (related.py): the weight one shared entity of each kind
    # adds; what a candidate published at the same time as the article adds,
    # falling in a straight line to nothing RELATED_RECENCY_DAYS apart (the days
    # between the two articles, not their age: a list does not change with the
    # day of the build); the score a candidate needs; how many are listed.
    "RELATED_WEIGHTS": {
        "person": 4,
        "organization": 3,
        "place": 3,
        "country": 1,
        "concept": 2,
        "other": 1,
    },
    "RELATED_RECENCY_WEIGHT": 2,
    "RELATED_RECENCY_DAYS": 30,
    "RELATED_THRESHOLD": 4,
    "RELATED_LIMIT": 5,
}


@dataclass(frozen=True)
class EntitySettings:
    """The plugin's settings, read once per build."""

    typogrify: bool
    processes: int
    rendered_kept: int | None
    raw_html: bool
    iframe_hosts: frozenset[str]
    metadata_keys: frozenset[str]
    max_words: int
    registry: str | None
    languages: tuple[str, ...]
    short_form_max_population: int
    related_limit: int
    related_max_per_article: int
    entity_url: str
    entity_save_as: str
    entity_feed_atom: str | None
    entity_feed_max_items: int
    entities_url: str
    entities_save_as: str
    country_url: str
    country_save_as: str
    countries_url: str
    countries_save_as: str
    topic_url: str
    topic_save_as: str
    topics_url: str
    topics_save_as: str
    json_save_as: str | None
    search_bundle: str | None
    search_part_pages: int | None
    related_weights: dict
    related_recency_weight: float
    related_recency_days: float
    related_threshold: int
    related_limit_articles: int


_NAMES = {
    "RASSEGNA_TYPOGRIFY": "typogrify",
    "RASSEGNA_PROCESSES": "processes",
    "RASSEGNA_RENDERED_KEPT": "rendered_kept",
    "RASSEGNA_RAW_HTML": "raw_html",
    "RASSEGNA_IFRAME_HOSTS": "iframe_hosts",
    "RASSEGNA_METADATA_KEYS": "metadata_keys",
    "ENTITY_MAX_WORDS": "max_words",
    "ENTITY_REGISTRY": "registry",
    "ENTITY_LANGUAGES": "languages",
    "ENTITY_SHORT_FORM_MAX_POPULATION": "short_form_max_population",
    "ENTITY_RELATED_LIMIT": "related_limit",
    "ENTITY_RELATED_MAX_PER_ARTICLE": "related_max_per_article",
    "ENTITIES_JSON_SAVE_AS": "json_save_as",
    "RASSEGNA_SEARCH_BUNDLE": "search_bundle",
    "RASSEGNA_SEARCH_PART_PAGES": "search_part_pages",
    "RELATED_LIMIT": "related_limit_articles",
}


def read(settings: dict) -> EntitySettings:
    """Take the plugin's settings from Pelican's, falling back to DEFAULTS."""
    values = {}
    for key, default in DEFAULTS.items():
        name = _NAMES.get(key, key.lower())
        values[name] = settings.get(key, default)
    values["languages"] = tuple(values["languages"])
    values["iframe_hosts"] = frozenset(h.lower() for h in values["iframe_hosts"])
    values["metadata_keys"] = frozenset(k.lower() for k in values["metadata_keys"])
    _check_recency(values["related_recency_weight"], values["related_recency_days"])
    _check_count(
        "RASSEGNA_SEARCH_PART_PAGES",
        values["search_part_pages"],
        1,
        unit="pages",
        none="for one index",
    )
    _check_count(
        "RASSEGNA_RENDERED_KEPT",
        values["rendered_kept"],
        0,
        unit="rendered contents",
        none="to keep them all",
    )
    if values["processes"] is None:
        values["processes"] = len(os.sched_getaffinity(0))
    return EntitySettings(**values)


def _check_count(key: str, value, least: int, unit: str, none: str) -> None:
    """A whole number of `unit`, at least `least`, or None (which does what
    `none` says); anything else (a fraction, True, a smaller count) is a typing
    mistake."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise BuildError(
            f"{key} is {value!r}: a whole number of {unit}, {least} or more,"
            f" or None {none}"
        )


def _check_recency(weight, days) -> None:
    """A window of no days would divide by zero, a negative weight would push
    recent stories down: both are mistakes worth stopping the build for."""
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0:
        raise BuildError(
            f"RELATED_RECENCY_WEIGHT is {weight!r}: a number, 0 or more "
            "(0 ranks related articles by shared entities alone)"
        )
    if isinstance(days, bool) or not isinstance(days, (int, float)) or days <= 0:
        raise BuildError(
            f"RELATED_RECENCY_DAYS is {days!r}: a number of days greater than 0"
        )
