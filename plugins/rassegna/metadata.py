"""An article's metadata read the way an Italian newsroom writes it: dates day
first, and a key nobody reads named with the key that was probably meant."""

import difflib
import re

from pelican.utils import SafeDatetime, get_date

# The keys Pelican reads (its documentation's list) and the plugin's own.
PELICAN_KEYS = frozenset(
    {
        *("title", "date", "modified", "tags", "keywords", "category", "slug"),
        *("author", "authors", "summary", "lang", "translation", "status"),
        *("template", "save_as", "url"),
    }
)
PLUGIN_KEYS = frozenset({"source"})
# Italian names curators write for Pelican's keys.
ITALIAN_KEYS = {
    "titolo": "title",
    "data": "date",
    "categoria": "category",
    "tema": "category",
    "argomento": "category",
    "etichette": "tags",
    "autore": "author",
    "autori": "authors",
    "sommario": "summary",
    "riassunto": "summary",
    "sintesi": "summary",
    "stato": "status",
    "lingua": "lang",
    "traduzione": "translation",
    "modificato": "modified",
    "aggiornato": "modified",
    "fonte": "source",
    "modello": "template",
}

ACCEPTED_DATES = (
    "2026-02-01, 2026-02-01 10:30, 01/02/2026, 01/02/2026 10:30, 1 febbraio 2026"
)
_MONTHS = (
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre"
    " novembre dicembre"
).split()
_TIME = r"(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
_DAY_FIRST = re.compile(rf"(\d{{1,2}})([/.\- ])(\d{{1,2}})\2(\d+){_TIME}")
_ITALIAN = re.compile(rf"(\d{{1,2}})º? ([a-z]+),? (\d+){_TIME}", re.IGNORECASE)
_YEAR_FIRST = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b")
_LETTER = re.compile(r"[^\W\d_]")


def unknown_keys(keys, extra: frozenset[str]) -> list[str]:
    """A warning for each key that neither Pelican, the plugin nor the site
    (RASSEGNA_METADATA_KEYS) reads, with the key probably meant."""
    known = PELICAN_KEYS | PLUGIN_KEYS | extra
    warnings = []
    for key in sorted(set(keys) - known):
        meant = ITALIAN_KEYS.get(key)
        if meant is None:
            close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.7)
            meant = close[0] if close else None
        hint = f"; did you mean '{meant.capitalize()}'?" if meant else ""
        warnings.append(
            f"unknown metadata key '{key.capitalize()}' is ignored{hint}"
            " (RASSEGNA_METADATA_KEYS lists the keys a site adds)"
        )
    return warnings


def _datetime(year, month, day, hour, minute, second) -> SafeDatetime:
    if len(year) != 4:
        raise ValueError("write the year with four digits")
    numbers = (year, month, day, hour or 0, minute or 0, second or 0)
    return SafeDatetime(*(int(n) for n in numbers))


def parse_date(text: str) -> SafeDatetime:
    """A date written the Italian way, day first (01/02/2026 is 1 February), or
    year first as ISO 8601 writes it; anything else Pelican's parser reads.
    A date that cannot be read raises ValueError listing the accepted forms."""
    value = " ".join(text.replace("_", " ").split())
    try:
        day_first = _DAY_FIRST.fullmatch(value)
        if day_first:
            day, _, month, year, *time = day_first.groups()
            return _datetime(year, month, day, *time)
        italian = _ITALIAN.fullmatch(value)
        if italian and italian.group(2).lower() in _MONTHS:
            day, name, year, *time = italian.groups()
            month = _MONTHS.index(name.lower()) + 1
            return _datetime(year, month, day, *time)
        if _YEAR_FIRST.match(value) or _LETTER.search(value):
            return get_date(value)  # ISO 8601, or English words (5 March 2026)
        raise ValueError("not a form the site reads")
    except (ValueError, OverflowError) as error:
        reason = str(error).replace(f"{value!r} is not a valid date", "not a date")
        raise ValueError(
            f"Date {text!r} cannot be read ({reason}); dates are read day first:"
            f" write it as one of {ACCEPTED_DATES}"
        ) from None
