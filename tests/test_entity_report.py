"""`invoke entities`: the report read from a real build, and from a hand-written
entities.json through --from."""

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import article, project_copy
from rassegna.registry import load

from curator.report import as_text, build_report, entry_yaml

INVOKE = Path(sys.executable).parent / "invoke"
REGISTRY = """\
Volodymyr Zelensky:
  kind: person
  country: UA
  aliases: [Zelensky]
Banca mondiale:
  kind: organization
  aliases: [World Bank]
"""


def test_report_of_a_real_build_flags_duplicates_and_unused_entries(
    make_site, tmp_path
):
    site = make_site(
        {
            "a.md": article(
                "Kyiv",
                "**Zelensky** incontra il ministro **Merzovic** alla **Farnesina**.",
            ),
            "b.md": article(
                "Roma",
                "**Zelenskyy** è a Roma; **Merzovic** parla alla **la Farnesina**.",
                date="2025-01-02 10:00",
            ),
        },
        REGISTRY,
    )
    report = build_report(site.json(), load(str(tmp_path / "content/entities.yml")))

    pairs = {tuple(item.names): item for item in report.duplicates}
    assert set(pairs) == {
        ("Volodymyr Zelensky", "Zelenskyy"),
        ("Farnesina", "la Farnesina"),
    }, report.duplicates
    zelensky = pairs["Volodymyr Zelensky", "Zelenskyy"]
    assert "short edit" in zelensky.why
    assert yaml.safe_load(zelensky.yaml) == {
        "Volodymyr Zelensky": {
            "kind": "person",
            "country": "UA",
            "aliases": ["Zelensky", "Zelenskyy"],
        }
    }
    assert "article" in pairs["Farnesina", "la Farnesina"].why

    assert [item.names for item in report.unused] == [["Banca mondiale"]]
    assert yaml.safe_load(report.unused[0].yaml)["Banca mondiale"]["aliases"] == [
        "World Bank"
    ]
    assert sum(report.kinds.values()) == len(site.json()["entities"])
    assert report.kinds["person"] >= 1
    # Merzovic, in two articles, is the `other` entity that most needs a kind.
    assert report.needs_kind[0].names == ["Merzovic"]
    assert report.needs_kind[0].details["articles"] == 2
    assert "Likely duplicates (2)" in as_text(report)


HAND_WRITTEN = {
    "entities": [
        {
            "name": "Sala",
            "slug": "sala",
            "kind": "place",
            "country": "IT",
            "aliases": [],
            "articles": [{"title": "A", "url": "a/", "date": "2025-01-01"}],
            "decided_by": "place",
            "doubts": [
                {
                    "name": "Sala",
                    "kind": "place",
                    "country": "SK",
                    "why": "also a place in SK; place chosen: the article names IT",
                }
            ],
        },
        {
            "name": "Austria",
            "slug": "austria",
            "kind": "country",
            "country": "AT",
            "aliases": [],
            "articles": [{"title": "A", "url": "a/", "date": "2025-01-01"}],
            "decided_by": "country",
            "doubts": [],
        },
        {
            "name": "Australia",
            "slug": "australia",
            "kind": "country",
            "country": "AU",
            "aliases": [],
            "articles": [{"title": "A", "url": "a/", "date": "2025-01-01"}],
            "decided_by": "country",
            "doubts": [],
        },
    ]
}


def test_entities_task_reports_doubts_from_a_given_file_as_json(tmp_path):
    project = project_copy(tmp_path)
    given = tmp_path / "entities.json"
    given.write_text(json.dumps(HAND_WRITTEN), "utf-8")
    result = subprocess.run(
        [str(INVOKE), "entities", "--format", "json", "--from", str(given)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["kinds"] == {"country": 2, "place": 1}
    [doubt] = report["doubts"]
    assert doubt["names"] == ["Sala"] and doubt["decided_by"] == "place"
    assert doubt["doubts"][0]["country"] == "SK" and "SK" in doubt["why"]
    assert yaml.safe_load(doubt["yaml"]) == {"Sala": {"kind": "place", "country": "IT"}}
    assert report["duplicates"] == []  # two countries are never one entity
    # The sample's registry has entries no entity of this file uses.
    assert {"ONU", "Kim Jong Un"} <= {n for u in report["unused"] for n in u["names"]}

    text = subprocess.run(
        [str(INVOKE), "entities", "--from", str(given)],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert text.returncode == 0, text.stderr
    assert "Decided with doubt (1)" in text.stdout and "country: IT" in text.stdout


def test_entities_task_without_a_build_says_what_to_run(tmp_path):
    project = project_copy(tmp_path)
    result = subprocess.run(
        [str(INVOKE), "entities"], cwd=project, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "entities.json not found: run invoke build first" in result.stderr


def test_suggested_yaml_reads_back_as_the_names_written():
    names = ["AT&T", "Costa d’Avorio", "No", "O'Neill", "G7", "2025", "Kim: il leader"]
    for name in names:
        lines = entry_yaml(name, "organization", "IT", [name, "Altro nome"])
        assert yaml.safe_load(lines) == {
            name: {
                "kind": "organization",
                "country": "IT",
                "aliases": [name, "Altro nome"],
            }
        }, lines
