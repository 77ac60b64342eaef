"""Write a deterministic synthetic news corpus: N Italian-like articles of about
650 words with 8–15 bold entities each, drawn from a pool of 600 entities.

    python bench/corpus.py 2000 /tmp/corpus                # Rassegna: bold entities
    python bench/corpus.py 2000 /tmp/corpus --flavour tags # plus Tags: metadata
    python bench/corpus.py 2000 /tmp/corpus --flavour hugo # Hugo content

The same seed and N always give the same articles, byte for byte in each flavour.
The flavours differ only in how the metadata is written: `tags` also lists every
article's entities as Pelican tags, for plain Pelican to build an equivalent
taxonomy; `hugo` writes the metadata as YAML front matter with the entities as
`tags` and the topic as `categories`, for the Hugo site in bench/hugo/.
"""

import argparse
import datetime
import json
import random
from pathlib import Path

from babel import Locale

CATEGORIES = [
    "Esteri",
    "Politica",
    "Economia",
    "Difesa",
    "Energia",
    "Tecnologia",
    "Ambiente",
    "Salute",
]
CITIES = """Mosca Pechino Seul Pyongyang Kursk Berlino Parigi Londra Madrid Varsavia
Kiev Atene Vienna Praga Budapest Bucarest Sofia Belgrado Ankara Istanbul Teheran Baghdad
Damasco Beirut Gerusalemme Gaza Riad Dubai Doha Kabul Islamabad Karachi Mumbai Calcutta
Dacca Bangkok Hanoi Manila Giacarta Singapore Tokyo Osaka Shanghai Canton Taipei
Sydney Melbourne Washington Chicago Houston Toronto Montreal Bogotà Lima Santiago
Caracas Brasilia Nairobi Lagos Kinshasa Addis Abeba Khartoum Tunisi Algeri Rabat Dakar
Milano Roma Napoli Torino Firenze Bologna Genova Palermo Bari Venezia Ginevra Zurigo
Bruxelles Amsterdam Stoccolma Oslo Copenaghen Helsinki Dublino Lisbona Barcellona
Monaco Francoforte Amburgo Kharkiv Odessa Minsk Tbilisi Erevan Baku Tashkent""".split()
FIRST = """Marco Giulia Luca Anna Paolo Sara Giorgio Elena Matteo Chiara Andrea Laura
Pietro Marta Stefano Irene Ahmed Olga Ivan Mei Hiroshi Amina Carlos Ingrid""".split()
LAST = """Rossi Bianchi Ferrari Esposito Romano Colombo Ricci Marino Greco Bruno Gallo
Conti Petrov Ivanova Zhang Tanaka Haddad Okafor Silva Nielsen Kowalski Novak""".split()
ORGS = """NATO ONU OMS FMI BCE OPEC G7 G20 Unicef Frontex Interpol Europol""".split()
CONCEPTS = """missili armamenti inflazione sanzioni petrolio gas elezioni tassi
migranti siccità vaccini dazi export import crescita debito deficit riforma sciopero
accordo tregua negoziato alleanza rifugiati droni satelliti chip semiconduttori
idrogeno nucleare rinnovabili carbone clima emissioni pensioni salari occupazione
turismo agricoltura grano fertilizzanti logistica porti ferrovie autostrade""".split()
WORDS = """il la lo gli le un una di a da in con su per tra fra che non più anche come
governo paese ministro presidente accordo settimana mese anno giorni oggi ieri domani
secondo fonti ufficiali dichiarato annunciato confermato previsto nuovo nuova grande
prima dopo durante mentre tuttavia inoltre quindi però sempre ancora già molto poco
crisi mercato prezzi lavoro sicurezza regione confine truppe colloqui vertice incontro
delegazione parlamento legge voto maggioranza opposizione analisti osservatori
rapporto dati crescita calo aumento misure piano progetto risorse fondi investimenti
comunità internazionale cooperazione economica militare politica sociale
energetica""".split()


def entity_pool(rng: random.Random) -> list[str]:
    """600 entity names: countries, cities, people, organisations and concepts."""
    territories = Locale("it").territories
    countries = sorted(n for code, n in territories.items() if code.isalpha())
    names = [c for c in countries if len(c) < 25][:150]
    names += CITIES
    people = sorted({f"{f} {last}" for f in FIRST for last in LAST})
    rng.shuffle(people)
    names += ORGS + CONCEPTS
    names += people[: 600 - len(names)]
    return names[:600]


def sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(WORDS) for _ in range(length)]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


FLAVOURS = ("rassegna", "tags", "hugo")


def article(
    rng: random.Random, number: int, pool: list[str], flavour: str
) -> tuple[str, list[str]]:
    """One article's file text, and the entities it mentions."""
    when = datetime.datetime(2024, 1, 1, 7) + datetime.timedelta(
        days=number // 10, minutes=67 * (number % 10)
    )
    mentions = rng.sample(pool, rng.randint(8, 15))
    paragraphs, words = [], 0
    while words < 650:
        sentences = [
            sentence(rng, rng.randint(8, 22)) for _ in range(rng.randint(3, 6))
        ]
        paragraphs.append(" ".join(sentences))
        words += sum(len(s.split()) for s in sentences)
    for index, name in enumerate(mentions):
        paragraph = index % len(paragraphs)
        paragraphs[paragraph] += f" Lo conferma anche **{name}**."
    title = f"{sentence(rng, 7)[:-1]} ({number})"
    category = rng.choice(CATEGORIES)
    body = "\n\n".join(paragraphs) + "\n"
    if flavour == "hugo":
        # JSON strings and lists are valid YAML, quoted safely whatever they hold.
        lines = [
            "---",
            f"title: {json.dumps(title, ensure_ascii=False)}",
            f"date: {when:%Y-%m-%dT%H:%M:%S}",
            f"slug: notizia-{number:05d}",
            f"categories: {json.dumps([category], ensure_ascii=False)}",
            f"tags: {json.dumps(mentions, ensure_ascii=False)}",
            "---",
        ]
        return "\n".join(lines) + "\n\n" + body, mentions
    lines = [
        f"Title: {title}",
        f"Date: {when:%Y-%m-%d %H:%M}",
        f"Category: {category}",
        f"Slug: notizia-{number:05d}",
    ]
    if flavour == "tags":
        lines.append("Tags: " + ", ".join(mentions))
    return "\n".join(lines) + "\n\n" + body, mentions


def write_corpus(
    count: int, folder: Path, flavour: str = "rassegna", seed: int = 2025
) -> set[str]:
    """Write `count` articles into folder/notizie/ (and, but for Hugo, an empty
    registry); return the names of the entities they mention."""
    rng = random.Random(seed)
    pool = entity_pool(rng)
    notes = folder / "notizie"
    notes.mkdir(parents=True, exist_ok=True)
    mentioned = set()
    for number in range(count):
        text, mentions = article(rng, number, pool, flavour)
        (notes / f"{number:05d}.md").write_text(text, encoding="utf-8")
        mentioned.update(mentions)
    if flavour != "hugo":
        (folder / "entities.yml").write_text("", encoding="utf-8")
    return mentioned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--flavour", choices=FLAVOURS, default="rassegna")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    write_corpus(args.count, args.folder, args.flavour, args.seed)


if __name__ == "__main__":
    main()
