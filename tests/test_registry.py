"""Rule 10: a bad registry stops with a message naming the file and the entry."""

import pytest
from rassegna.registry import RegistryError, load, parse

PATH = "content/entities.yml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NATO: [", f"{PATH}, line 1: not valid YAML"),
        ("X:\n  kind: persona\n", f"{PATH}, line 1: entry 'X': unknown kind 'persona'"),
        (
            "X:\n  kind: person\n  country: XX\n",
            f"{PATH}, line 1: entry 'X': bad country code 'XX'",
        ),
        (
            "X:\n  kind: country\n  country: EU\n",
            f"{PATH}, line 1: entry 'X': bad country code 'EU'",
        ),
        (
            "UE:\n  kind: organization\nUnione europea:\n  kind: organization\n"
            "  aliases: [Ue]\n",
            f"{PATH}, line 3: entry 'Unione europea': name 'Ue' is claimed by both"
            " 'UE' and 'Unione europea'",
        ),
        (
            "A:\n  kind: person\nA:\n  kind: place\n",
            f"{PATH}, line 3: not valid YAML: 'A' is written twice",
        ),
        ("X:\n  kind: person\n  contry: IT\n", "entry 'X': unknown field 'contry'"),
        ("X:\n  kind: person\n  aliases: Y\n", "entry 'X': 'aliases' must be a list"),
        ("- X\n", f"{PATH}: expected a mapping"),
        (
            "X:\n  kind: person\n  moved_from: old\n",
            "entry 'X': 'moved_from' must be a list",
        ),
        (
            "X:\n  kind: person\n  moved_from: [../old]\n",
            "entry 'X': 'moved_from' holds '../old', not a slug",
        ),
    ],
)
def test_bad_registry_messages(text, message):
    with pytest.raises(RegistryError) as error:
        parse(text, PATH)
    assert message in str(error.value)


def test_a_missing_registry_file_is_named(tmp_path):
    missing = tmp_path / "entities.yml"
    with pytest.raises(RegistryError, match=r"entities\.yml: registry not found"):
        load(str(missing))


def test_names_fold_and_country_codes_are_upper_case():
    registry = parse(
        "Stati Uniti:\n  kind: country\n  country: us\n  aliases: [USA]\n", PATH
    )
    assert registry.lookup("usa").country == "US"
    assert registry.lookup("stati  uniti").name == "Stati Uniti"


def test_kosovo_and_earlier_slugs_are_accepted():
    registry = parse(
        "Kosovo:\n  kind: country\n  country: xk\n"
        "Mario Draghi:\n  kind: person\n  moved_from: [draghi, super-mario]\n",
        PATH,
    )
    assert registry.lookup("kosovo").country == "XK"
    assert registry.lookup("mario draghi").moved_from == ("draghi", "super-mario")
