"""The GitHub Pages workflow: valid against GitHub's workflow schema (the copy
check-jsonschema bundles, no download) and doing what the README says."""

import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT

WORKFLOW = ROOT / ".github/workflows/pages.yml"
CHECK = Path(sys.executable).parent / "check-jsonschema"


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHECK), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_pages_workflow_matches_githubs_schema(tmp_path):
    result = validate(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    # The schema does catch a broken workflow: a job without runs-on.
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "runs_on:"), "utf-8")
    assert validate(broken).returncode != 0


def test_the_pages_workflow_tests_builds_and_deploys():
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {
        "contents": "read",
        "pages": "write",
        "id-token": "write",
    }
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    runs = [step.get("run", "") for step in steps]
    assert steps[uses.index("actions/setup-python")]["with"]["python-version"] == "3.11"
    assert "python -m pip install -e '.[test]'" in runs
    assert runs.index("pytest") < runs.index("invoke publish")
    build = steps[runs.index("invoke publish")]
    assert "steps.pages.outputs.base_url" in build["env"]["RASSEGNA_SITEURL"]
    assert uses.index("actions/configure-pages") < runs.index("invoke publish")
    assert steps[uses.index("actions/configure-pages")]["id"] == "pages"
    assert steps[uses.index("actions/cache")]["with"]["path"] == "cache/"
    upload = steps[uses.index("actions/upload-pages-artifact")]
    assert upload["with"]["path"] == "output"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
