"""The curator's registry (`content/entities.yml`): load, validate, look up."""

from dataclasses import dataclass

import yaml

from .errors import BuildError
from .gazetteer import is_country_code
from .identity import SAFE_SLUG, collapse_space, fold_name

KINDS = ("country", "place", "person", "organization", "concept", "other")
# moved_from: the slugs an entity was published under before a rename; each
# keeps a redirect to the entity's page and a copy of its feed.
_FIELDS = {"kind", "country", "aliases", "description", "wikidata", "moved_from"}


class RegistryError(BuildError):
    """A registry that cannot be used; the message names the file and entry."""


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    kind: str
    country: str | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""
    wikidata: str = ""
    moved_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class Registry:
    """Registry entries by the folded form of every name they are known by."""

    by_name: dict[str, RegistryEntry]

    def lookup(self, name: str) -> RegistryEntry | None:
        return self.by_name.get(fold_name(name))


EMPTY = Registry({})


class _StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses a name written twice instead of keeping the last."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is written twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def _read_yaml(text: str, path: str) -> tuple[object, dict[str, int]]:
    """The document, and the line of each top-level name."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise RegistryError(f"{path}{line}: not valid YAML: {problem}") from None
    finally:
        loader.dispose()
    lines = {}
    if isinstance(node, yaml.MappingNode):
        lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return data, lines


def _text(value, where: str, field: str) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise RegistryError(f"{where}: '{field}' must be text, not {value!r}")
    return collapse_space(str(value))


def _entry(name, fields, where: str) -> RegistryEntry:
    if not isinstance(fields, dict):
        raise RegistryError(f"{where}: expected fields such as 'kind: person'")
    unknown = sorted(set(map(str, fields)) - _FIELDS)
    if unknown:
        raise RegistryError(
            f"{where}: unknown field {unknown[0]!r}"
            f" (known: {', '.join(sorted(_FIELDS))})"
        )
    kind = fields.get("kind")
    if kind not in KINDS:
        raise RegistryError(
            f"{where}: unknown kind {kind!r} (expected one of {', '.join(KINDS)})"
        )
    country = fields.get("country")
    if country is not None:
        country = _text(country, where, "country").upper()
        if not is_country_code(country):
            raise RegistryError(
                f"{where}: bad country code {fields['country']!r}"
                " (expected an ISO 3166-1 alpha-2 code such as IT, KP, RU)"
            )
    if kind == "country" and country is None:
        raise RegistryError(f"{where}: a country needs its code, e.g. 'country: IT'")
    aliases = fields.get("aliases") or []
    if isinstance(aliases, str) or not isinstance(aliases, list):
        raise RegistryError(f"{where}: 'aliases' must be a list, e.g. [UE, EU]")
    moved_from = fields.get("moved_from") or []
    if isinstance(moved_from, str) or not isinstance(moved_from, list):
        raise RegistryError(f"{where}: 'moved_from' must be a list, e.g. [old-slug]")
    for slug in moved_from:
        if not isinstance(slug, str) or not SAFE_SLUG.match(slug):
            raise RegistryError(
                f"{where}: 'moved_from' holds {slug!r}, not a slug such as"
                " 'mario-draghi' (lower-case letters, digits and hyphens)"
            )
    return RegistryEntry(
        name=name,
        kind=kind,
        country=country,
        aliases=tuple(_text(a, where, "aliases") for a in aliases),
        description=_text(fields.get("description") or "", where, "description"),
        wikidata=_text(fields.get("wikidata") or "", where, "wikidata"),
        moved_from=tuple(moved_from),
    )


def parse(text: str, path: str) -> Registry:
    """Build a Registry from YAML text; `path` is named in every error."""
    data, lines = _read_yaml(text, path)
    if data is None:
        return EMPTY
    if not isinstance(data, dict):
        raise RegistryError(f"{path}: expected a mapping of names to fields")
    by_name: dict[str, RegistryEntry] = {}
    for raw_name, fields in data.items():
        line = lines.get(str(raw_name))
        at = f"{path}, line {line}" if line else path
        name = _text(raw_name, f"{at}: entry {raw_name!r}", "name")
        where = f"{at}: entry {name!r}"
        entry = _entry(name, fields, where)
        for alias in (name, *entry.aliases):
            key = fold_name(alias)
            other = by_name.get(key)
            if other is not None and other.name != name:
                raise RegistryError(
                    f"{where}: name {alias!r} is claimed by both {other.name!r}"
                    f" and {name!r}"
                )
            by_name[key] = entry
    return Registry(by_name)


def load(path: str) -> Registry:
    """Read and validate the registry file at `path`."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise RegistryError(
            f"{path}: registry not found (create it, or set ENTITY_REGISTRY = None)"
        ) from None
    except UnicodeDecodeError as error:
        raise RegistryError(f"{path}: not UTF-8 text ({error.reason})") from None
    return parse(text, path)
