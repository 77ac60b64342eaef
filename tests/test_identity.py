"""Rule 2 and rule 9 at the level of single names: folding and slugs."""

import pytest
from rassegna.identity import SAFE_SLUG, fold, slug_for


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("NATO", "Nato"),
        ("Costa d'Avorio", "Costa d’Avorio"),
        ("Città del Vaticano", "citta  del vaticano"),
        ("Kim Jong\u00a0Un", "kim jong un"),
    ],
)
def test_spellings_of_one_name_fold_alike(a, b):
    assert fold(a) == fold(b)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Città del Vaticano", "citta-del-vaticano"),
        ("Costa d’Avorio", "costa-d-avorio"),
        ("../../etc/passwd", "etcpasswd"),
        ("a/b", "ab"),
        ("Путин", "putin"),
        ("习近平", "xi-jin-ping"),
    ],
)
def test_slugs_are_transliterated_single_segments(name, slug):
    assert slug_for(name) == slug


@pytest.mark.parametrize("name", [".", "..", "---", "   ", "/", "★"])
def test_names_with_nothing_to_transliterate_still_get_a_safe_slug(name):
    slug = slug_for(name)
    assert SAFE_SLUG.match(slug) and slug.startswith("n-")
