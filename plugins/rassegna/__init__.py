"""Rassegna's entity plugin: bold mentions become typed entity pages, grouped by
country and topic."""

from pelican import signals

from .receivers import add_generator, collect_entities


def register():
    signals.article_generator_finalized.connect(collect_entities)
    signals.get_generators.connect(add_generator)
