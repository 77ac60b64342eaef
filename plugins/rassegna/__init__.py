"""Rassegna's entity plugin: bold mentions become typed entity pages, grouped by
country and topic."""

from pelican import signals

from .i18n import install_translations
from .pages import add_template_filters
from .receivers import (
    add_generator,
    add_writer,
    check_settings,
    collect_entities,
    prepare_articles,
    use_digest_reader,
)


def register():
    signals.initialized.connect(check_settings)
    signals.readers_init.connect(use_digest_reader)
    signals.article_generator_init.connect(prepare_articles)
    signals.article_generator_finalized.connect(collect_entities)
    signals.get_generators.connect(add_generator)
    signals.get_writer.connect(add_writer)
    signals.generator_init.connect(install_translations)
    signals.generator_init.connect(add_template_filters)
