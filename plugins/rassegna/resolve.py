"""Mentions to entities: the rules of classify.py applied in their order, with
the ones that need more than one name: short forms within an article, surnames
across the site, places chosen by the countries around them. Then display names,
slugs, and which articles and entities go together."""

import logging
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from .classify import Classifier, Decision, Doubt, Identity
from .identity import fold_name, slug_for, words
from .namewords import is_acronym, starts_with_particle, surname_forms

logger = logging.getLogger(__name__)


@dataclass(eq=False)
class Entity:
    """An entity of the site, with everything its page shows."""

    key: str
    kind: str
    country: str | None
    name: str = ""
    slug: str = ""
    description: str = ""
    wikidata: str = ""
    aliases: list[str] = field(default_factory=list)
    articles: list = field(default_factory=list)
    related: list["Entity"] = field(default_factory=list)
    mentions: int = 0
    url: str = ""
    save_as: str = ""
    feed: str | None = None
    decided_by: str = "undecided"
    # Plain {"name", "kind", "country", "why"} records, as entities.json has them.
    doubts: list[dict] = field(default_factory=list)
    moved_from: list[str] = field(default_factory=list)


def newest_first(articles) -> list:
    """Articles newest first, ties by URL, so every build orders them alike."""
    by_url = sorted(articles, key=lambda article: article.url)
    return sorted(by_url, key=lambda article: article.date, reverse=True)


class _Site:
    """The rules' answers for one build: each distinct name decided once where
    the answer does not depend on the article around it."""

    def __init__(self, article_names, classifier: Classifier):
        self.classifier = classifier
        names = dict.fromkeys(n for _, article in article_names for n in article)
        self.lower_case = {
            fold_name(n) for n in names if n[:1].islower() and not _is_tail(n)
        }
        self.capitals = {fold_name(n) for n in names if is_acronym(n)}
        self._free: dict[str, Decision | tuple] = {}
        # Folded short form → {key: (identity, fullest spelling)}: of persons for
        # surnames, of every other multi-word entity for one-word short forms.
        self.persons: dict[str, dict] = defaultdict(dict)
        self.long_names: dict[str, dict] = defaultdict(dict)
        for name in names:
            if len(words(name)) == 1 or _is_tail(name):
                continue
            # Short forms apply to one word and to a name's tail only: this is
            # the name's decision for the whole build.
            decided = self._free[name] = self._free_uncached(name)
            if not isinstance(decided, Decision):
                continue
            identity = decided.identity
            full = identity.name or name
            if identity.kind == "person":
                first = words(full)[0]
                family_first = classifier.lookups.may_be_family_name(first)
                for form in surname_forms(full, family_first):
                    _remember(self.persons[form], identity, full)
            else:
                for word in {words(full)[0], words(full)[-1]}:
                    if word[:1].isupper():
                        _remember(self.long_names[fold_name(word)], identity, full)
        self.counts: Counter = Counter()
        for _, article in article_names:
            self.counts.update(self.certain_countries(article))

    def free(self, name: str) -> Decision | tuple:
        """The decision that needs no context (a Decision), or the place and
        region candidates to choose among (a tuple)."""
        if name not in self._free:
            self._free[name] = self._free_uncached(name)
        return self._free[name]

    def _free_uncached(self, name: str):
        rules = self.classifier
        identity = rules.fixed(name)
        if identity is None and _is_short(name):
            surname = self.surname(name)
            if surname is not None:
                return surname
        if identity is None:
            identity = rules.by_spelling(name, self.lower_case, self.capitals)
        if identity is None:
            candidates = rules.candidates(name)
            if candidates:
                return candidates
            return self.last_resort(name)
        return Decision(identity)

    def last_resort(self, name: str, doubts=()) -> Decision:
        """A person by its name's shape; else the one multi-word entity of the
        site whose first or last word a one-word name is (Olimpico, Stadio
        Olimpico); else undecided."""
        identity = self.classifier.by_shape(name)
        if identity.decided_by == "undecided" and len(words(name)) == 1:
            found = self.long_names.get(fold_name(name), {})
            if len(found) == 1:
                identity = next(iter(found.values()))[0]
        return Decision(identity, tuple(doubts))

    def surname(self, name: str) -> Decision | None:
        """A surname (or a family name written first, or the part of a name from
        a particle on) of exactly one person of the site is that person; of
        several, a person of its own with the others as doubts. A large city
        stays a city (Washington)."""
        found = self.persons.get(fold_name(name))
        if not found or self.classifier.is_large_place(name):
            return None
        if len(found) == 1:
            return Decision(next(iter(found.values()))[0])
        identity = Identity(
            key=f"person:{fold_name(name)}", kind="person", decided_by="shared surname"
        )
        doubts = tuple(
            Doubt(full, "person", person.country, "has this surname too")
            for person, full in sorted(found.values(), key=lambda p: p[1])
        )
        return Decision(identity, doubts)

    def certain_countries(self, names) -> set[str]:
        """The countries an article names without doubt: countries, registry
        places, regions, and large cities of one country."""
        found = set()
        for name in dict.fromkeys(names):
            decided = self.free(name)
            if isinstance(decided, Decision):
                identity = decided.identity
                if identity.kind in ("country", "place") and identity.country:
                    found.add(identity.country)
                continue
            countries = {c.country for c in decided}
            trusted = all(
                c.region or c.population >= self.classifier.large_place for c in decided
            )
            if len(countries) == 1 and trusted and decided[0].country:
                found.add(decided[0].country)
        return found

    def identify(self, names) -> dict[str, Decision]:
        """Name → Decision for the distinct mention names of one article."""
        distinct = list(dict.fromkeys(names))
        context = self.certain_countries(distinct)

        def settle(name):
            found = self.free(name)
            if isinstance(found, Decision):
                return found
            chosen = self.classifier.choose(name, found, context, self.counts)
            if chosen.identity is None:
                return self.last_resort(name, doubts=chosen.doubts)
            return chosen

        decided = {n: settle(n) for n in distinct if len(words(n)) > 1}
        long_names = dict(decided)
        for name in distinct:
            if name not in decided:
                short = None
                if self.classifier.fixed(name) is None:
                    short = self._short_form(name, long_names, context)
                decided[name] = short or settle(name)
        return decided

    def _short_form(self, name, long_names, context) -> Decision | None:
        """The one multi-word mention of the article whose last word is `name`
        (or first word, where that may be a family name: Kim for Kim Jong Un),
        unless `name` is a large city or a place in a country the article names,
        or, beside a long name that is not a person's, any place (Venezia next to
        Biennale di Venezia)."""
        if not name[:1].isupper():
            return None
        key = fold_name(name)
        family_first = self.classifier.lookups.may_be_family_name(name)
        matches = {}
        for long_name, decision in long_names.items():
            parts = words(long_name)
            if key == fold_name(parts[-1]) or (
                family_first and key == fold_name(parts[0])
            ):
                matches[decision.identity.key] = decision.identity
        if len(matches) != 1 or self.classifier.is_large_place(name):
            return None
        identity = next(iter(matches.values()))
        places = self.classifier.candidates(name)
        if places and (
            identity.kind != "person" or any(p.country in context for p in places)
        ):
            return None
        return Decision(identity)


def _remember(found: dict, identity: Identity, spelling: str) -> None:
    known = found.get(identity.key)
    longest = max(known[1], spelling, key=lambda s: (len(s), s)) if known else spelling
    found[identity.key] = (identity, identity.name or longest)


def _is_tail(name: str) -> bool:
    """The end of a person's name from a particle on: bin Salman, De Minaur."""
    parts = words(name)
    return len(parts) > 1 and starts_with_particle(
        parts[0].lower() + " " + " ".join(parts[1:])
    )


def _is_short(name: str) -> bool:
    return (len(words(name)) == 1 and name[:1].isupper()) or _is_tail(name)


def _doubt_order(doubt: Doubt):
    return (doubt.name, doubt.country or "", doubt.why)


def _display_name(identity: Identity, spellings: Counter) -> str:
    """The fixed name if a source gives one; else the fullest spelling, by a rule
    that does not count mentions, so new articles cannot move the page: not a
    city's GeoNames name when the site spells it otherwise (Mosca, not Moscow),
    most words (Mario Draghi over Draghi), then most capitals (fewest for a
    concept), then longest, then the first in code-point order."""
    if identity.name:
        return identity.name
    sign = 1 if identity.kind == "concept" else -1
    foreign = fold_name(identity.data_name) if identity.data_name else None

    def fullness(spelling: str):
        capitals = sum(c.isupper() for c in spelling)
        return (
            fold_name(spelling) == foreign,
            -len(words(spelling)),
            sign * capitals,
            -len(spelling),
            spelling,
        )

    return min(spellings, key=fullness)


def _assign_slugs(entities: list[Entity]) -> None:
    """Give each entity its own slug; a clash is resolved by key, with a warning:
    the later one gets its country's code, or a number."""
    used: set[str] = set()
    for entity in sorted(entities, key=lambda e: (slug_for(e.name), e.key)):
        base = slug_for(entity.name)
        slug, number = base, 1
        if slug in used and entity.country:
            # Homonyms in two countries: alessandria, alessandria-eg.
            slug = f"{base}-{entity.country.lower()}"
        while slug in used:
            number += 1
            slug = f"{base}-{number}"
        if slug != base:
            logger.warning(
                "Entity %r has the same slug %r as another entity; it is published"
                " as %r",
                entity.name,
                base,
                slug,
            )
        used.add(slug)
        entity.slug = slug


def resolve(article_names, classifier: Classifier, conf, translation_names=()):
    """Build the entities from `(article, mention names)` pairs given oldest first,
    with the plugin's settings `conf`.

    Returns the entities sorted by slug, and each article's name → Entity map
    keyed by the article's source path. Translations (`translation_names`, pairs
    like `article_names`) are decided by the same rules but make no entity: the
    map of each holds only the names that are an entity of the articles.
    """
    site = _Site(article_names, classifier)
    identities: dict[str, Identity] = {}
    doubts: dict[str, dict[tuple, Doubt]] = defaultdict(dict)
    spellings: dict[str, Counter] = defaultdict(Counter)
    articles: dict[str, list] = defaultdict(list)
    together: dict[str, Counter] = defaultdict(Counter)
    keys_by_article = []
    for article, names in article_names:
        decided = site.identify(names)
        named = {name: decision.identity for name, decision in decided.items()}
        for name in names:
            spellings[named[name].key][name] += 1
        for identity, found in decided.values():
            identities.setdefault(identity.key, identity)
            for doubt in found:
                # One doubt per other candidate; its reason by a fixed rule.
                candidate = (doubt.name, doubt.kind, doubt.country)
                known = doubts[identity.key].get(candidate)
                doubts[identity.key][candidate] = min(
                    (known, doubt) if known else (doubt,), key=_doubt_order
                )
        keys = list(dict.fromkeys(identity.key for identity in named.values()))
        counts_together = len(keys) <= conf.related_max_per_article
        for key in keys:
            articles[key].append(article)
            if counts_together:
                together[key].update(other for other in keys if other != key)
        keys_by_article.append((article, named))

    entities = {}
    for key, identity in identities.items():
        name = _display_name(identity, spellings[key])
        aliases = {*identity.aliases, *spellings[key]} - {name}
        entities[key] = Entity(
            key=key,
            kind=identity.kind,
            country=identity.country,
            name=name,
            description=identity.description,
            wikidata=identity.wikidata,
            aliases=sorted(aliases, key=lambda alias: (fold_name(alias), alias)),
            articles=newest_first(articles[key]),
            mentions=sum(spellings[key].values()),
            decided_by=identity.decided_by,
            doubts=[
                asdict(doubt)
                for doubt in sorted(doubts[key].values(), key=_doubt_order)
            ],
            moved_from=list(identity.moved_from),
        )
    _assign_slugs(list(entities.values()))
    for key, entity in entities.items():
        ranked = sorted(
            together[key].items(),
            key=lambda item: (-item[1], entities[item[0]].slug),
        )
        entity.related = [entities[other] for other, _ in ranked[: conf.related_limit]]
    links = {
        article.source_path: {
            name: entities[identity.key] for name, identity in named.items()
        }
        for article, named in keys_by_article
    }
    for translation, names in translation_names:
        decided = site.identify(names)
        links[translation.source_path] = {
            name: entities[decision.identity.key]
            for name, decision in decided.items()
            if decision.identity.key in entities
        }
    return sorted(entities.values(), key=lambda e: e.slug), links
