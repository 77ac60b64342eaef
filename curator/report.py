"""`invoke entities`: what the entity engine decided and what the curator may
want to settle in content/entities.yml, read from a built entities.json.

Every suggestion carries the YAML lines to paste into the registry; nothing
here edits it: the registry is the curator's."""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from rassegna.identity import fold_name
from rassegna.registry import KINDS, Registry

# How many `other` entities the report lists, busiest first.
NEEDS_KIND_SHOWN = 15
# Two spellings are "a short edit apart" when at most this many characters
# differ and they agree on this share of their characters (Zelensky/Zelenskyy).
SHORT_EDIT_MAX_CHANGES = 2
SHORT_EDIT_MIN_RATIO = 0.85
# An Italian article in front of a name: "la Farnesina", "l’Eliseo".
LEADING_ARTICLE = re.compile(r"^(?:il|lo|la|i|gli|le|un|uno|una)\s+|^(?:l|un)['’]\s*")
# A YAML scalar that can go unquoted: letters, digits, spaces and a few marks.
PLAIN_YAML = re.compile(r"^[^\W\d_](?:[\w .’()-]*[\w.’)])?$")
YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}


@dataclass
class Suggestion:
    """One finding: what it is about, why, and the registry lines that settle it."""

    names: list[str]
    why: str
    yaml: str
    details: dict = field(default_factory=dict)


@dataclass
class Report:
    kinds: dict[str, int]
    needs_kind: list[Suggestion]
    doubts: list[Suggestion]
    duplicates: list[Suggestion]
    unused: list[Suggestion]

    def as_json(self) -> dict:
        def listed(items):
            return [
                {"names": s.names, "why": s.why, "yaml": s.yaml, **s.details}
                for s in items
            ]

        return {
            "kinds": self.kinds,
            "needs_kind": listed(self.needs_kind),
            "doubts": listed(self.doubts),
            "duplicates": listed(self.duplicates),
            "unused": listed(self.unused),
        }


def quote(text: str) -> str:
    """A YAML scalar for `text`, quoted only where YAML needs it."""
    if PLAIN_YAML.match(text) and text.lower() not in YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def entry_yaml(name: str, kind: str, country=None, aliases=(), note="") -> str:
    """A registry entry as the lines to paste."""
    lines = [f"{quote(name)}:", f"  kind: {kind}{note}"]
    if country:
        lines.append(f"  country: {country}")
    if aliases:
        lines.append(f"  aliases: [{', '.join(quote(a) for a in aliases)}]")
    return "\n".join(lines)


def _count(entity: dict) -> int:
    return len(entity.get("articles") or [])


def _registry_entries(registry: Registry) -> dict[str, object]:
    return {entry.name: entry for entry in registry.by_name.values()}


def _merged_yaml(keep: dict, absorbed: list[str], registry: Registry) -> str:
    """The entry `keep` with the `absorbed` spellings added to its aliases,
    starting from its registry entry when it has one."""
    entry = registry.lookup(keep["name"])
    if entry is not None:
        name, kind, country, aliases = (
            entry.name,
            entry.kind,
            entry.country,
            list(entry.aliases),
        )
    else:
        name, kind, country = keep["name"], keep["kind"], keep.get("country")
        aliases = []
    known = {fold_name(a) for a in (name, *aliases)}
    aliases += [a for a in absorbed if fold_name(a) not in known]
    return entry_yaml(name, kind, country, aliases)


def _short_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > SHORT_EDIT_MAX_CHANGES or min(len(a), len(b)) < 5:
        return False
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SHORT_EDIT_MIN_RATIO:
        return False
    if matcher.quick_ratio() < SHORT_EDIT_MIN_RATIO:
        return False
    matched = sum(block.size for block in matcher.get_matching_blocks())
    changes = max(len(a), len(b)) - matched
    return changes <= SHORT_EDIT_MAX_CHANGES and matcher.ratio() >= (
        SHORT_EDIT_MIN_RATIO
    )


def _without_article(folded: str) -> str:
    return LEADING_ARTICLE.sub("", folded, count=1)


@dataclass(frozen=True)
class _Names:
    """An entity's folded spellings, and the same without a leading article."""

    name: str
    spellings: frozenset[str]
    bare: frozenset[str]

    @classmethod
    def of(cls, entity: dict) -> "_Names":
        all_names = (entity["name"], *(entity.get("aliases") or []))
        spellings = frozenset(fold_name(n) for n in all_names)
        return cls(
            fold_name(entity["name"]),
            spellings,
            frozenset(_without_article(n) for n in spellings),
        )


def _duplicate_reason(a: dict, b: dict, na: _Names, nb: _Names, registry) -> str | None:
    """Why `a` and `b` may be one entity, or None. Every spelling of each is
    compared: Zelenskyy may be a short edit from an alias of Volodymyr Zelensky."""
    if na.name in nb.spellings or nb.name in na.spellings:
        return "one's name is the other's alias"
    if na.spellings & nb.spellings:
        return "they share a spelling"
    if na.bare & nb.bare:
        return "the same name with and without an article"
    if a["kind"] == b["kind"] == "country":
        return None  # Austria and Australia: two countries are two entities
    if registry.lookup(a["name"]) and registry.lookup(b["name"]):
        return None  # the curator has registered both: two entities on purpose
    if any(_short_edit_apart(x, y) for x in na.spellings for y in nb.spellings):
        return "spellings a short edit apart"
    return None


def find_duplicates(entities: list[dict], registry: Registry) -> list[Suggestion]:
    names = [_Names.of(e) for e in entities]
    found = []
    for i, a in enumerate(entities):
        for j in range(i + 1, len(entities)):
            b = entities[j]
            reason = _duplicate_reason(a, b, names[i], names[j], registry)
            if reason is None:
                continue
            # The registered one, else the busier one, keeps its name.
            keep, other = sorted(
                (a, b),
                key=lambda e: (
                    registry.lookup(e["name"]) is None,
                    -_count(e),
                    e["name"],
                ),
            )
            found.append(
                Suggestion(
                    names=[keep["name"], other["name"]],
                    why=f"{reason}; {_count(keep)} and {_count(other)} articles",
                    yaml=_merged_yaml(keep, [other["name"]], registry),
                )
            )
    return found


def build_report(data: dict, registry: Registry) -> Report:
    entities = sorted(data.get("entities") or [], key=lambda e: e["name"])
    counts = Counter(e.get("kind", "other") for e in entities)
    kinds = {kind: counts[kind] for kind in KINDS if counts[kind]}
    kinds.update({k: n for k, n in sorted(counts.items()) if k not in kinds})

    others = sorted(
        (e for e in entities if e.get("kind") == "other"),
        key=lambda e: (-_count(e), e["name"]),
    )
    needs_kind = [
        Suggestion(
            names=[e["name"]],
            why=f"kind other, in {_count(e)} articles",
            yaml=entry_yaml(
                e["name"], "other", note="  # person, place, organization or concept?"
            ),
            details={"articles": _count(e)},
        )
        for e in others[:NEEDS_KIND_SHOWN]
    ]

    doubts = []
    for e in entities:
        if not e.get("doubts"):
            continue
        alternatives = "; ".join(
            f"{d.get('name')} ({d.get('kind')}, {d.get('country') or 'no country'}):"
            f" {d.get('why')}"
            for d in e["doubts"]
        )
        doubts.append(
            Suggestion(
                names=[e["name"]],
                why=f"{e.get('kind')} by {e.get('decided_by')}; set aside: "
                + alternatives,
                yaml=entry_yaml(e["name"], e.get("kind", "other"), e.get("country")),
                details={"decided_by": e.get("decided_by"), "doubts": e["doubts"]},
            )
        )

    used = set()
    for e in entities:
        if _count(e):
            used |= {fold_name(n) for n in (e["name"], *(e.get("aliases") or []))}
    unused = [
        Suggestion(
            names=[entry.name],
            why="no article uses this registry entry: remove it or fix its spelling",
            yaml=entry_yaml(entry.name, entry.kind, entry.country, entry.aliases),
        )
        for name, entry in sorted(_registry_entries(registry).items())
        if not {fold_name(n) for n in (name, *entry.aliases)} & used
    ]
    return Report(
        kinds, needs_kind, doubts, find_duplicates(entities, registry), unused
    )


def as_text(report: Report) -> str:
    """The report for a terminal: a table of kinds, then each list."""
    out = ["Entities by kind", ""]
    width = max((len(k) for k in report.kinds), default=4)
    out += [f"  {kind:<{width}}  {count:>5}" for kind, count in report.kinds.items()]
    out.append(f"  {'total':<{width}}  {sum(report.kinds.values()):>5}")
    sections = (
        ("Kind other, most articles first", report.needs_kind),
        ("Decided with doubt", report.doubts),
        ("Likely duplicates", report.duplicates),
        ("Registry entries no article uses", report.unused),
    )
    for title, items in sections:
        out += ["", f"{title} ({len(items)})"]
        if not items:
            out.append("  none")
        for item in items:
            out.append(f"- {' / '.join(item.names)}: {item.why}")
            out += [f"    {line}" for line in item.yaml.splitlines()]
    return "\n".join(out)
