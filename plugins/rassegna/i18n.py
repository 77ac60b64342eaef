"""The theme's words in the site's language: Jinja2's i18n extension with gettext
catalogs. Templates are written in Italian, so Italian needs no catalog; another
language reads theme/translations/<lang>/LC_MESSAGES/messages.po, compiled in
memory with babel at every build (no binary file to keep in step, and the same
.po always gives the same words)."""

import gettext
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE_LANGUAGE = "it"


def catalog_path(theme: str, language: str) -> Path:
    return Path(theme) / "translations" / language / "LC_MESSAGES" / "messages.po"


def translations_for(theme: str, language: str) -> gettext.NullTranslations:
    """The language's translations; the templates' own Italian when the theme has
    no catalog for it."""
    path = catalog_path(theme, language)
    if language == SOURCE_LANGUAGE or not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def install_translations(generator) -> None:
    """generator_init: give the generator's templates `_`, `gettext` and `ngettext`."""
    env = generator.env
    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
    language = generator.settings.get("DEFAULT_LANG", SOURCE_LANGUAGE)
    env.install_gettext_translations(
        translations_for(generator.settings["THEME"], language), newstyle=True
    )
