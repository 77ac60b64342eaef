"""Rassegna's entity plugin: bold mentions become typed entity pages, grouped by
country and topic."""

from pelican import signals

from .i18n import install_translations
from .members import index_members
from .pages import add_template_filters
from .receivers import (
    add_generator,
    add_writer,
    categorise,
    check_settings,
    check_site,
    collect_entities,
    compact_json,
    prepare_articles,
    sanitize_other_readers,
    use_digest_reader,
)
from .rendered import bound_rendered_memo
from .search import index_site
from .stylesheets import minify_stylesheets
from .writer import output_settled


def register():
    signals.initialized.connect(check_settings)
    signals.initialized.connect(bound_rendered_memo)
    signals.readers_init.connect(use_digest_reader)
    signals.content_object_init.connect(sanitize_other_readers)
    signals.article_generator_init.connect(prepare_articles)
    signals.article_generator_pretaxonomy.connect(categorise)
    signals.article_generator_finalized.connect(collect_entities)
    signals.article_generator_finalized.connect(index_members)
    signals.all_generators_finalized.connect(check_site)
    signals.get_generators.connect(add_generator)
    signals.get_writer.connect(add_writer)
    signals.generator_init.connect(install_translations)
    signals.generator_init.connect(add_template_filters)
    signals.generator_init.connect(compact_json)
    signals.finalized.connect(minify_stylesheets)
    output_settled.connect(index_site)
