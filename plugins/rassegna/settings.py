"""Every setting the plugin reads, with its default, in one place."""

import os
from dataclasses import dataclass

DEFAULTS = {
    "RASSEGNA_TYPOGRIFY": False,
    # Processes for reading and writing; None: one per core this build may use.
    "RASSEGNA_PROCESSES": None,
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
    # Related articles (related.py): the weight one shared entity of each kind
    # adds, the score an article needs to be listed, and how many are listed.
    "RELATED_WEIGHTS": {
        "person": 4,
        "organization": 3,
        "place": 3,
        "country": 1,
        "concept": 2,
        "other": 1,
    },
    "RELATED_THRESHOLD": 4,
    "RELATED_LIMIT": 5,
}


@dataclass(frozen=True)
class EntitySettings:
    """The plugin's settings, read once per build."""

    typogrify: bool
    processes: int
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
    related_weights: dict
    related_threshold: int
    related_limit_articles: int


_NAMES = {
    "RASSEGNA_TYPOGRIFY": "typogrify",
    "RASSEGNA_PROCESSES": "processes",
    "ENTITY_MAX_WORDS": "max_words",
    "ENTITY_REGISTRY": "registry",
    "ENTITY_LANGUAGES": "languages",
    "ENTITY_SHORT_FORM_MAX_POPULATION": "short_form_max_population",
    "ENTITY_RELATED_LIMIT": "related_limit",
    "ENTITY_RELATED_MAX_PER_ARTICLE": "related_max_per_article",
    "ENTITIES_JSON_SAVE_AS": "json_save_as",
    "RELATED_LIMIT": "related_limit_articles",
}


def read(settings: dict) -> EntitySettings:
    """Take the plugin's settings from Pelican's, falling back to DEFAULTS."""
    values = {}
    for key, default in DEFAULTS.items():
        name = _NAMES.get(key, key.lower())
        values[name] = settings.get(key, default)
    values["languages"] = tuple(values["languages"])
    if values["processes"] is None:
        values["processes"] = len(os.sched_getaffinity(0))
    return EntitySettings(**values)
