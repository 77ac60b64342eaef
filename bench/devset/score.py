"""Score the entity engine against the development set: build bench/devset/content/
with this worktree's plugin and compare the result with the editor's answers in
bench/devset/answers.yml.

    .venv/bin/python bench/devset/score.py              # build in a temporary folder
    .venv/bin/python bench/devset/score.py --output DIR # keep the build in DIR

Prints a table of figures, then every disagreement (name or article, expected, got).
It is a measurement: it exits 0 whatever the figures, and 1 only if the build fails.

Each bold mention is read from the built article: the entity page its link points to
(entities.json gives that entity's kind and country), or no entity when it has no link.
"""

import argparse
import json
import logging
import posixpath
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CONTENT = HERE / "content"
ANSWERS = HERE / "answers.yml"
PLACE_KINDS = {"country", "place"}
# Marks around a bold name that are not part of it; a trailing colon stays, since it
# is what makes "Fonte:" a label.
EDGE = ' \t\n\u00a0,;.!?«»“”"()'
# Typogrify turns a straight apostrophe into a typographic one: both spellings are
# one name here.
APOSTROPHES = str.maketrans(dict.fromkeys("'‘ʼ", "’"))

DEFINITION = """\
Judgments agree = agreements / judgments, over four kinds of judgment:
  kind      one per distinct bold name: the kind of the entity every mention of it
            links to is one the editor accepts (`none`: the bold is not linked at all)
  country   one per distinct name whose answer gives a country (countries, places, and
            persons or organizations the editor files under one): the entity's country
  identity  one per distinct name that is an entity: all its mentions link to one
            entity, which every other name of the same identity links to, and no name
            of another identity does
  groups    per article, one per country group expected or produced (optional groups
            aside): agreement when expected and produced"""


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def clean(text: str) -> str:
    """The name a bold text is judged by: spacing collapsed, edge marks dropped,
    one apostrophe."""
    return " ".join(text.split()).strip(EDGE).translate(APOSTROPHES)


@dataclass
class Answer:
    """What the editor decided for one name."""

    identity: str
    kinds: list
    countries: list | None  # None: the country is not judged


def load_answers(path: Path) -> tuple[dict[str, Answer], dict[str, dict]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw = data["names"]

    def resolve(name, seen=()):
        entry = raw[name]
        if "same" in entry:
            if name in seen:
                raise SystemExit(f"{path}: 'same' loops through {name!r}")
            return resolve(entry["same"], (*seen, name))
        return name, entry

    answers = {}
    for name in raw:
        canonical, entry = resolve(name)
        kinds = as_list(entry["kind"])
        judged = "country" in entry or bool(PLACE_KINDS & set(kinds))
        answers[clean(name)] = Answer(
            identity=entry.get("identity", canonical),
            kinds=kinds,
            countries=as_list(entry.get("country")) if judged else None,
        )
    return answers, data["articles"]


def build(output: Path) -> None:
    """Build the development set with Pelican in this process, like tasks.run_build."""
    sys.path.insert(0, str(ROOT / "plugins"))
    from pelican import Pelican
    from pelican.log import init as init_logging
    from pelican.settings import read_settings
    from rassegna.errors import BuildError

    init_logging(level=logging.WARNING, fatal="errors", name="pelican")
    overrides = {
        "PATH": str(CONTENT),
        "OUTPUT_PATH": str(output / "site"),
        "CACHE_PATH": str(output / "cache"),
    }
    try:
        Pelican(read_settings(str(ROOT / "pelicanconf.py"), override=overrides)).run()
    except (BuildError, RuntimeError) as error:
        print(f"Build failed: {error}", file=sys.stderr)
        raise SystemExit(1) from None


@dataclass
class Built:
    """What the build decided: each article's mentions and country groups."""

    entities: dict[str, dict]  # by URL
    mentions: dict[str, list] = field(default_factory=dict)  # slug → [(name, entity)]
    groups: dict[str, set] = field(default_factory=dict)  # slug → {code}


def slug_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


def read_build(site: Path) -> Built:
    data = json.loads((site / "entities.json").read_text(encoding="utf-8"))
    built = Built(entities={entity["url"]: entity for entity in data["entities"]})
    urls = {a["url"] for topic in data["topics"] for a in topic["articles"]}
    for url in sorted(urls):
        slug = slug_of(url)
        built.groups[slug] = set()
        html = (site / url / "index.html").read_text(encoding="utf-8")
        body = BeautifulSoup(html, "html.parser").select_one("div.body")
        found = []
        for strong in body.find_all("strong") if body else []:
            link = strong.find_parent("a")
            entity = None
            if link is not None and link.get("href"):
                target = posixpath.normpath(posixpath.join(url, link["href"]))
                entity = built.entities.get(target.strip("/") + "/")
            found.append((clean(strong.get_text()), entity))
        built.mentions[slug] = found
    for country in data["countries"]:
        for article in country["articles"]:
            built.groups[slug_of(article["url"])].add(country["code"])
    return built


def describe(entity) -> str:
    if entity is None:
        return "no entity"
    where = f", {entity['country']}" if entity["country"] else ""
    return f"{entity['name']} ({entity['kind']}{where}) /{entity['url']}"


@dataclass
class Tally:
    agree: int = 0
    total: int = 0
    wrong: list = field(default_factory=list)

    def add(self, ok: bool, report: str = "") -> None:
        self.total += 1
        self.agree += ok
        if not ok:
            self.wrong.append(report)

    def percent(self) -> str:
        return f"{100 * self.agree / self.total:5.1f}%" if self.total else "    -"


def score(answers: dict[str, Answer], expected_groups: dict, built: Built) -> dict:
    occurrences = defaultdict(list)  # name → [(slug, entity)]
    unjudged = defaultdict(set)
    for slug, found in built.mentions.items():
        for name, entity in found:
            if name in answers:
                occurrences[name].append((slug, entity))
            else:
                unjudged[name].add(slug)

    def key(entity):
        return entity["url"] if entity else None

    kind, country, identity = Tally(), Tally(), Tally()
    entities_of = {n: {key(e) for _, e in occ} for n, occ in occurrences.items()}
    names_of_identity = defaultdict(set)
    identities_of_entity = defaultdict(set)
    for name, occ in occurrences.items():
        answer = answers[name]
        if "none" not in answer.kinds:
            names_of_identity[answer.identity].add(name)
            for _, entity in occ:
                if entity:
                    identities_of_entity[key(entity)].add(answer.identity)

    for name, occ in sorted(occurrences.items()):
        answer = answers[name]
        where = ", ".join(sorted({slug for slug, _ in occ}))
        got = sorted({describe(e) for _, e in occ})
        kinds_got = {e["kind"] if e else "none" for _, e in occ}
        kind.add(
            kinds_got <= set(answer.kinds),
            f"{name!r}: expected {'/'.join(answer.kinds)}, got {'; '.join(got)}"
            f"  [{where}]",
        )
        if answer.countries is not None and "none" not in answer.kinds:
            countries_got = {e["country"] if e else None for _, e in occ}
            country.add(
                countries_got <= set(answer.countries),
                f"{name!r}: expected {'/'.join(map(str, answer.countries))},"
                f" got {'; '.join(got)}  [{where}]",
            )
        if "none" in answer.kinds:
            continue
        siblings = names_of_identity[answer.identity]
        together = set().union(*(entities_of[n] for n in siblings))
        own = entities_of[name]
        shared = (
            identities_of_entity[next(iter(own))] - {answer.identity}
            if len(own) == 1 and None not in own
            else set()
        )
        ok = len(own) == 1 and None not in own and together == own and not shared
        problems = []
        if None in own or len(own) > 1:
            problems.append(f"its mentions link to {'; '.join(got)}")
        if len(together) > 1 and len(own) == 1:
            apart = sorted(n for n in siblings if entities_of[n] != own)
            problems.append(f"apart from {', '.join(map(repr, apart))}")
        if shared:
            problems.append(f"shares its entity with {', '.join(sorted(shared))}")
        identity.add(
            ok,
            f"{name!r} (identity {answer.identity!r}): {'; '.join(problems)}"
            f"  [{'; '.join(got)}]",
        )

    groups = Tally()
    homonyms, extras, missing, exact = [], [], [], 0
    for slug, expected in sorted(expected_groups.items()):
        want = set(expected.get("groups") or [])
        optional = set(expected.get("optional") or [])
        got = built.groups.get(slug)
        if got is None:
            missing.append(f"{slug}: article not built")
            continue
        exact += (got - optional) == want
        for code in sorted(want | (got - optional)):
            groups.add(code in want and code in got)
        for code in sorted(want - got):
            missing.append(f"{slug}: missing {code}")
        for code in sorted(got - want - optional):
            through = sorted(
                {
                    name
                    for name, entity in built.mentions[slug]
                    if entity
                    and entity["kind"] in PLACE_KINDS
                    and entity["country"] == code
                }
            )
            wrong = [
                n
                for n in through
                if n in answers
                and (
                    not PLACE_KINDS & set(answers[n].kinds)
                    or code not in (answers[n].countries or [])
                )
            ]
            line = f"{slug}: extra {code} through {', '.join(through) or '?'}"
            (homonyms if wrong else extras).append(line)

    return {
        "kind": kind,
        "country": country,
        "identity": identity,
        "groups": groups,
        "homonyms": homonyms,
        "extras": extras,
        "missing": missing,
        "exact": exact,
        "articles": len(expected_groups),
        "unjudged": unjudged,
        "unanswered": sorted(set(built.groups) - set(expected_groups)),
    }


def report(result: dict) -> None:
    rows = [
        ("kind", result["kind"]),
        ("country", result["country"]),
        ("identity", result["identity"]),
        ("country groups", result["groups"]),
    ]
    agree = sum(t.agree for _, t in rows)
    total = sum(t.total for _, t in rows)
    print("Development set: bench/devset (answers.yml)")
    print(f"  {'judgment':<16}{'agree':>7}{'of':>6}{'share':>9}")
    for label, tally in rows:
        print(f"  {label:<16}{tally.agree:>7}{tally.total:>6}{tally.percent():>9}")
    overall = 100 * agree / total if total else 0.0
    print(f"  {'all judgments':<16}{agree:>7}{total:>6}{overall:>8.1f}%")
    print(
        f"  articles filed exactly right: {result['exact']} of {result['articles']};"
        f" wrong extra groups: {len(result['homonyms']) + len(result['extras'])}"
        f" (through a homonym: {len(result['homonyms'])});"
        f" missing groups: {len(result['missing'])}"
    )
    print()
    print(DEFINITION)
    sections = [
        ("Kind", result["kind"].wrong),
        ("Country", result["country"].wrong),
        ("Identity", result["identity"].wrong),
        ("Groups joined through a homonym (a place of the wrong country)",
         result["homonyms"]),
        ("Other wrong extra groups", result["extras"]),
        ("Missing groups", result["missing"]),
    ]  # fmt: skip
    for title, lines in sections:
        print(f"\n{title}: {len(lines)} disagreement(s)")
        for line in lines:
            print(f"  {line}")
    if result["unanswered"]:
        print("\nArticles with no answer (add them to answers.yml):")
        for slug in result["unanswered"]:
            print(f"  {slug}")
    if result["unjudged"]:
        print("\nBold names with no answer (add them to answers.yml):")
        for name, slugs in sorted(result["unjudged"].items()):
            print(f"  {name!r}  [{', '.join(sorted(slugs))}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="build here and keep it")
    args = parser.parse_args()
    answers, articles = load_answers(ANSWERS)
    with tempfile.TemporaryDirectory(prefix="rassegna-devset-") as folder:
        output = args.output.resolve() if args.output else Path(folder)
        build(output)
        built = read_build(output / "site")
    report(score(answers, articles, built))


if __name__ == "__main__":
    main()
