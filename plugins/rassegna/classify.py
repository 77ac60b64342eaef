"""What kind of thing a name is, and which one: the rules that look at one name
(and, for places, at the countries around it). resolve.py applies them in the
order of RULES, with the site-wide ones (short forms, surnames) in between.

Every decision names the rule that made it, and the candidates it set aside are
kept as doubts for the curator."""

from dataclasses import dataclass
from typing import NamedTuple

from .gazetteer import Candidate, Lookups, country_name, home_country
from .identity import fold_name, words
from .namewords import (
    has_institution_word,
    has_place_word,
    is_acronym,
    is_particle,
    is_title_case_acronym,
    person_shape,
    starts_with_particle,
)
from .registry import Registry, RegistryEntry

# How an entity can be decided, in the order the rules apply (README: "How a
# name becomes an entity"). entities.json's "decided_by" is one of these; the
# rules that join a name to another entity (short forms, surnames) leave that
# entity's own.
RULES = (
    "registry",
    "country",
    "shared surname",
    "lower case",
    "acronym",
    "institution word",
    "place word",
    "region",
    "place",
    "person name",
    "undecided",
)

# How much smaller than the largest candidate city a homonym may be and still be
# chosen because the article names its country (not Moscow, Idaho, or Amsterdam,
# New York, in an article on the United States), or because the site names its
# country most (Islamabad, Pakistan, 6.5 times smaller than Chittagong, whose old
# name it is; not Odessa, Texas, 8.8 times smaller than Odesa). A city of the
# country of the site's language always may (Alessandria, IT, 57 times smaller
# than Alexandria, EG, in an Italian site).
_NEAR_IN_ARTICLE = 10
_NEAR_IN_SITE = 8
# A given name that is also a city this large does not start a person's name
# (Roma Capitale), smaller ones may (Marica Barrera, not Maricá).
_CITY_NOT_A_GIVEN_NAME = 1_000_000


@dataclass(frozen=True)
class Doubt:
    """Another thing a name could have been, and why it was not chosen."""

    name: str
    kind: str
    country: str | None
    why: str


@dataclass(frozen=True)
class Identity:
    """One real thing a name can stand for. `name` is set when a source fixes the
    display name (registry, CLDR, a region's table); otherwise the spellings
    decide it. `decided_by` is one of RULES."""

    key: str
    kind: str
    country: str | None = None
    name: str | None = None
    description: str = ""
    wikidata: str = ""
    aliases: tuple[str, ...] = ()
    moved_from: tuple[str, ...] = ()
    decided_by: str = "undecided"
    # A city's GeoNames name, English or local: written beside another spelling
    # (Moscow, Mosca), the other one is the site's own.
    data_name: str = ""


class Decision(NamedTuple):
    """An identity and the doubts about it; no identity when a rule set a
    candidate aside and the next rules decide."""

    identity: Identity | None
    doubts: tuple[Doubt, ...] = ()


class Classifier:
    """Classifies names against one build's registry, gazetteers and languages."""

    def __init__(
        self,
        registry: Registry,
        languages: tuple[str, ...],
        lookups: Lookups,
        large_place: int,
    ):
        self.registry = registry
        self.languages = languages
        self.lookups = lookups
        self.large_place = large_place
        self.home = home_country(languages[0])
        self._fixed: dict[str, Identity | None] = {}
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
            moved_from=entry.moved_from,
            decided_by="registry",
        )

    def country(self, code: str) -> Identity:
        """The identity of a country by code; the registry's entry if it has one."""
        entry = self._registry_countries.get(code)
        if entry is not None:
            return self._from_registry(entry)
        name = country_name(code, self.languages[0])
        return Identity(
            key=f"country:{code}",
            kind="country",
            country=code,
            name=name,
            decided_by="country",
        )

    def fixed(self, name: str) -> Identity | None:
        """The identity the registry or the country names give `name`."""
        if name not in self._fixed:
            self._fixed[name] = self._fixed_uncached(name)
        return self._fixed[name]

    def _fixed_uncached(self, name: str) -> Identity | None:
        entry = self.registry.lookup(name)
        if entry is not None:
            return self._from_registry(entry)
        code = self.lookups.country(name)
        return self.country(code) if code else None

    def is_large_place(self, name: str) -> bool:
        """Whether `name` is a capitalised GeoNames city of at least
        ENTITY_SHORT_FORM_MAX_POPULATION people."""
        if not name[:1].isupper():
            return False
        places = self.lookups.places(name)
        return bool(places) and places[0].population >= self.large_place

    def by_spelling(
        self, name: str, lower_case: set[str], capitals: set[str]
    ) -> Identity | None:
        """The rules that read the name's spellings across the site and its
        words: lower case (also a capitalised word written lower-case elsewhere,
        unless a large city), acronym (also a word written in capitals elsewhere:
        Istat, ISTAT), institution word, place word (Mar Nero, Stadio Olimpico)."""
        key = fold_name(name)
        if name[:1].islower() and not starts_with_particle(name):
            return self._named(name, "concept", "lower case")
        one_word = len(words(name)) == 1
        if one_word and (is_acronym(name) or key in capitals):
            return self._named(name, "organization", "acronym")

        if key in lower_case and not self.is_large_place(name):
            return self._named(name, "concept", "lower case")
        if has_institution_word(name):
            return self._named(name, "organization", "institution word")
        if has_place_word(name):
            return self._named(name, "place", "place word")
        return None

    def candidates(self, name: str) -> tuple[Candidate, ...]:
        """The regions and cities a capitalised name may be; a region
        that shares its name with a city of its own country (Madrid, Berlino) is
        that city."""
        if not name[:1].isupper():
            return ()
        places = self.lookups.places(name)
        regions = self.lookups.regions(name)
        decided = tuple(r for r in regions if r.decided)
        if decided:
            return decided
        cities_in = {place.country for place in places}
        large = any(place.population >= self.large_place for place in places)
        if large:
            return places
        return tuple(r for r in regions if r.country not in cities_in) + places

    def choose(
        self,
        name: str,
        candidates: tuple[Candidate, ...],
        in_article: set[str],
        site_counts: dict[str, int],
    ) -> Decision:
        """The candidate whose country the article names, else the one whose
        country the site names most (among candidates of comparable size), else
        the largest; the runner-up is kept as a doubt."""
        largest = max((c.population for c in candidates if not c.region), default=0)
        home = self.home

        def near(candidate: Candidate, factor: int) -> bool:
            return (
                candidate.region
                or candidate.country == home
                or candidate.population * factor >= largest
            )

        def rank(candidate: Candidate):
            return (
                candidate.country in in_article and near(candidate, _NEAR_IN_ARTICLE),
                site_counts.get(candidate.country, 0)
                if near(candidate, _NEAR_IN_SITE)
                else -1,
                candidate.region,
                not candidate.exonym,
                candidate.population,
                candidate.key,
            )

        ranked = sorted(candidates, key=rank, reverse=True)
        chosen = ranked[0]
        if (
            not chosen.region
            and chosen.population < self.large_place
            and chosen.country not in in_article
            and not site_counts.get(chosen.country)
            and chosen.country != home
        ):
            # A small town abroad that nothing else on the site places: more
            # likely a homonym (Sala, Šaľa in Slovakia) than news from there.
            why = (
                f"also a city of {chosen.population:,} people, in a country no"
                " article names"
            )
            return Decision(None, (Doubt(chosen.name, "place", chosen.country, why),))
        identity = Identity(
            key=chosen.key,
            kind="place",
            country=chosen.country,
            name=chosen.name if chosen.region else None,
            decided_by="region" if chosen.region else "place",
            data_name=chosen.name,
        )
        if len(ranked) == 1:
            return Decision(identity)
        first, second = rank(chosen), rank(ranked[1])
        if first[0] != second[0]:
            reason = "the article names its country"
        elif first[1] != second[1]:
            reason = "the site names its country more often"
        elif first[2:4] != second[2:4]:
            reason = "a region" if chosen.region else "its own name, not another's"
        else:
            reason = "larger"
        runner = ranked[1]
        what = "region" if runner.region else f"city of {runner.population:,} people"
        why = f"also a {what}; {identity.decided_by} chosen: {reason}"
        return Decision(identity, (Doubt(runner.name, "place", runner.country, why),))

    def by_shape(self, name: str) -> Identity:
        """A person by a given name from the names gazetteer followed
        by capitalised words and particles ("Mohammed bin Salman"), or a name's
        end after a particle ("bin Salman"); an acronym written in title case
        (Cnn, Fitp); otherwise undecided."""
        if starts_with_particle(name):
            return self._named(name, "person", "person name")
        if is_title_case_acronym(name) and not self.lookups.is_given_name(name):
            return self._named(name, "organization", "acronym")
        first = words(name)[0]
        if person_shape(name) and not is_particle(first.lower()):
            # A capitalised particle first is as likely an article (Le Monde, La
            # Stampa) as a surname's start (Di Maio): the surname rule decides.
            given = self.lookups.is_given_name(first) or self.lookups.is_given_name(
                first.split("-")[0]
            )
            if given and not self._is_place_word(first):
                return self._named(name, "person", "person name")
        return self._named(name, "other", "undecided")

    def _is_place_word(self, word: str) -> bool:
        """A given name that is also a country or a city of a million people
        (Italia in Italia Viva, Roma in Roma Capitale) does not make a person."""
        places = self.lookups.places(word)
        return self.fixed(word) is not None or (
            bool(places) and places[0].population >= _CITY_NOT_A_GIVEN_NAME
        )

    @staticmethod
    def _named(name: str, kind: str, rule: str) -> Identity:
        return Identity(key=f"{kind}:{fold_name(name)}", kind=kind, decided_by=rule)
