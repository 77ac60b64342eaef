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
from jinja2 import pass_eval_context
from markupsafe import Markup

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
    translations = translations_for(generator.settings["THEME"], language)
    env.install_gettext_translations(translations, newstyle=True)
    # Jinja's new-style callables take the whole context, which Jinja copies
    # for every call inside a loop or block (a third of a page's rendering);
    # these do the same with only the evaluation context they need.
    gettext_ = _new_style(translations.gettext)
    env.globals.update(_=gettext_, gettext=gettext_)
    env.globals["ngettext"] = _new_style_plural(translations.ngettext)


def _new_style(translate):
    @pass_eval_context
    def gettext_(eval_ctx, string: str, **variables) -> str:
        text = translate(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    return gettext_


def _new_style_plural(translate):
    @pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, number: int, **variables):
        variables.setdefault("num", number)
        text = translate(singular, plural, number)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    return ngettext
