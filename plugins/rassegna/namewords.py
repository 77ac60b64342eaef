"""What the words of a name say about it: lower-case particles that belong to
a person's name, the generic words that make a name an institution, acronyms."""

import re

from .identity import fold, words

# Lower-case words inside personal names: "Ursula von der Leyen", "Mohammed bin
# Salman", "Luiz Inácio Lula da Silva".
PARTICLES = frozenset(
    """von van der den de del della di da dos das du des la le ter ten zu bin ibn
    bint al el abu ben y""".split()
)

# Generic words that make a name an institution, in Italian and English: a short
# closed list, not a list of institutions. Company suffixes (SpA, Corp) are left
# out: a company's name says nothing more than "a company".
INSTITUTION_WORDS = frozenset(
    fold(word)
    for word in """
    Banca Bank Ministero Ministry Partito Party Commissione Commission
    Agenzia Agency Fondazione Foundation Università University Politecnico
    Federazione Federation Corte Court Consiglio Council Istituto Institute
    Associazione Association Comitato Committee Autorità Authority Camera
    Senato Senate Parlamento Parliament Governo Government Tribunale Tribunal
    Procura Polizia Police Carabinieri Esercito Army Regione Comune Provincia
    Fondo Fund Organizzazione Organization Organisation Unione Union Lega League
    Movimento Sindacato Dipartimento Department Ufficio Office Accademia Academy
    Museo Museum Ospedale Hospital Confederazione Confederation Assemblea Assembly
    Guardia Ordine Servizio Service Consorzio Chiesa Church Cassa Brigate Brigades
    Press Times News Corriere Gazzetta
    """.split()
)

# Generic words that make a name a place: geography and the buildings and
# squares news names as places, in Italian and English.
PLACE_WORDS = frozenset(
    fold(word)
    for word in """
    Mar Mare Oceano Golfo Lago Fiume Isola Isole Stretto Baia Penisola
    Deserto Valle Piazza Stadio Palazzo Teatro Aeroporto Stazione
    Borgo Punta Sea Ocean Gulf Lake River Island Islands Strait Bay Peninsula
    Desert Valley Mount Mountains Square Stadium Palace Airport Station
    """.split()
)

_ACRONYM = re.compile(r"[A-Z0-9][A-Z0-9&.\-]*[A-Z0-9.]")


def is_acronym(name: str) -> bool:
    """One word in capitals with at least two letters: ISTAT, AT&T, G7."""
    return bool(_ACRONYM.fullmatch(name)) and sum(c.isalpha() for c in name) >= 2


# Consonant pairs that end English and German words (Musk, Bush, Ford): a short
# word ending in another pair cannot be read as a word (Afp, Itf, Fitp).
_WORD_ENDINGS = frozenset(
    """sk st sh ch th ph gh ck ng nk nt nd ns rd rt rk rn rm rs rl ll ss ff lt ld
    lk lm lf ft pt ct xt mp mb ts tz ds ks ps ms wn""".split()
)
_VOWELS = set("aeiouyàèéìòù")


def is_title_case_acronym(name: str) -> bool:
    """A capitalised word of at most four characters that cannot be read as a
    word: no vowel (Cnn, Pd), letters with digits (Rai1), or ending in two
    consonants no word ends with (Afp, Fitp). Italian newsrooms write acronyms so."""
    if not name[:1].isupper() or not name.isalnum() or not 2 <= len(name) <= 4:
        return False
    lower = name.lower()
    if any(c.isdigit() for c in lower):
        return any(c.isalpha() for c in lower)
    if not _VOWELS & set(lower):
        return True
    end = lower[-2:]
    return not _VOWELS & set(end) and end not in _WORD_ENDINGS


def has_institution_word(name: str) -> bool:
    return any(fold(word) in INSTITUTION_WORDS for word in words(name))


def has_place_word(name: str) -> bool:
    """Its first or last word makes a name of several words a place: Mar Nero,
    Stadio Olimpico, Black Sea."""
    parts = words(name)
    return len(parts) > 1 and bool({fold(parts[0]), fold(parts[-1])} & PLACE_WORDS)


def is_particle(word: str) -> bool:
    return word in PARTICLES


def starts_with_particle(name: str) -> bool:
    """ "bin Salman", "von der Leyen": the end of a person's name, not a concept."""
    parts = words(name)
    if len(parts) < 2 or not is_particle(parts[0]):
        return False
    rest = [w for w in parts if not is_particle(w)]
    return bool(rest) and all(w[:1].isupper() for w in rest)


def person_shape(name: str) -> bool:
    """Two words or more, capitalised except for particles, ending capitalised,
    none written in capitals (LUMA Energy is a company)."""
    parts = words(name)
    if len(parts) < 2 or not parts[-1][:1].isupper() or not parts[0][:1].isupper():
        return False
    if any(is_acronym(w) and len(w) > 2 for w in parts):
        return False  # a word in capitals: LUMA Energy
    return all(w[:1].isupper() or is_particle(w) for w in parts)


def surname_forms(name: str, family_first: bool) -> set[str]:
    """The short forms that stand for a person named `name`, folded: the last
    word, the part from the first particle on ("bin Salman", "De Minaur"), and,
    if `family_first`, the first word (Xi for Xi Jinping)."""
    parts = words(name)
    if len(parts) < 2:
        return set()
    forms = {fold(parts[-1]), fold(parts[0])} if family_first else {fold(parts[-1])}
    for index, word in enumerate(parts[1:-1], start=1):
        if is_particle(word.lower()):
            forms.add(fold(" ".join(parts[index:])))
            break
    return forms
