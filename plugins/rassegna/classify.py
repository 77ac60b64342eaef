"""What kind of thing a name is, and which one: registry, then CLDR countries,
then GeoNames places, then the name's case."""

from dataclasses import dataclass

from . import gazetteer
from .identity import fold_name
from .registry import Registry, RegistryEntry


@dataclass(frozen=True)
class Identity:
    """One real thing a name can stand for. `name` is set when a source fixes the
    display name (registry, CLDR); otherwise the spellings decide it."""

    key: str
    kind: str
    country: str | None = None
    name: str | None = None
    description: str = ""
    wikidata: str = ""
    aliases: tuple[str, ...] = ()


class Classifier:
    """Classifies names against one build's registry and languages."""

    def __init__(
        self,
        registry: Registry,
        languages: tuple[str, ...],
        place=gazetteer.place,
    ):
        self.registry = registry
        self.languages = languages
        self.place = place
        self._fixed: dict[str, Identity | None] = {}
        self._fallback: dict[str, Identity] = {}
        self._registry_countries = {
            entry.country: entry
            for entry in registry.by_name.values()
            if entry.kind == "country"
        }

    def _from_registry(self, entry: RegistryEntry) -> Identity:
        key = (
            f"country:{entry.country}"
            if entry.kind == "country"
            else f"registry:{fold_name(entry.name)}"
        )
        return Identity(
            key=key,
            kind=entry.kind,
            country=entry.country,
            name=entry.name,
            description=entry.description,
            wikidata=entry.wikidata,
            aliases=entry.aliases,
        )

    def country(self, code: str) -> Identity:
        """The identity of a country by ISO code; the registry's entry if it has one."""
        entry = self._registry_countries.get(code)
        if entry is not None:
            return self._from_registry(entry)
        name = gazetteer.country_name(code, self.languages[0])
        return Identity(key=f"country:{code}", kind="country", country=code, name=name)

    def fixed(self, name: str) -> Identity | None:
        """The identity the registry or CLDR gives `name`, if either knows it."""
        if name not in self._fixed:
            self._fixed[name] = self._fixed_uncached(name)
        return self._fixed[name]

    def _fixed_uncached(self, name: str) -> Identity | None:
        entry = self.registry.lookup(name)
        if entry is not None:
            return self._from_registry(entry)
        code = gazetteer.country_code(name, self.languages)
        return self.country(code) if code else None

    def is_large_place(self, name: str, population: int) -> bool:
        """Whether `name` is a GeoNames city of at least `population` people."""
        found = self.place(name) if name[:1].isupper() else None
        return found is not None and found.population >= population

    def fallback(self, name: str) -> Identity:
        """A place for a capitalised city name, else a concept for a lower-case
        name, else other."""
        if name not in self._fallback:
            self._fallback[name] = self._fallback_uncached(name)
        return self._fallback[name]

    def _fallback_uncached(self, name: str) -> Identity:
        if name[:1].isupper():
            found = self.place(name)
            if found is not None:
                return Identity(
                    key=f"place:{found.geonameid}", kind="place", country=found.country
                )
        kind = "concept" if name[:1].islower() else "other"
        return Identity(key=f"name:{fold_name(name)}", kind=kind)
