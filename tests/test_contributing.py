"""A contributor's path: CONTRIBUTING's example figure, and the checks a pull request runs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from essay_site.dev import lint
from tests.conftest import ROOT, built, make_project
from tests.scheduling import LONGEST, unit_of

CONTRIBUTING = ROOT / "CONTRIBUTING.md"
SECTION = "## Add or change a figure"


def contributing_example(language: str) -> str:
    """The first ``language`` code block of CONTRIBUTING's "Add or change a figure" section."""
    section = CONTRIBUTING.read_text(encoding="utf-8").split(SECTION, 1)[1]
    block = re.search(rf"^( *)```{language}\n(.*?)^\1```", section, re.MULTILINE | re.DOTALL)
    assert block, f"no {language} example under {SECTION!r}"
    indent = len(block[1])
    return "".join(line[indent:] + "\n" for line in block[2].splitlines())


def run(*command: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_the_contributing_example_figure_passes_lint_and_builds(tmp_path: Path) -> None:
    figure = contributing_example("python")
    project = make_project(tmp_path, contributing_example("markdown"), {"my_figure": figure})
    shutil.copy2(ROOT / "pyproject.toml", project)
    module = project / "widgets" / "my_figure.py"
    for check in (("ruff", "check"), ("ruff", "format", "--check")):
        result = run(sys.executable, "-m", *check, module, cwd=project)
        assert result.returncode == 0, result.stdout + result.stderr
    result = run(sys.executable, "-m", "mypy", "--strict", module, cwd=project)
    assert result.returncode == 0, result.stdout
    site = built(project, tmp_path / "site")
    assert "<p>10 things</p>" in (site / "index.html").read_text(encoding="utf-8")


BROKEN = {
    # A misspelt key: valid YAML, but not a workflow.
    "schema": ("runs-on: ubuntu-latest", "run-on: ubuntu-latest"),
    # A pull request's title pasted into a shell: code injection.
    "injection": ("run: |\n", 'run: |\n          echo "${{ github.event.pull_request.title }}"\n'),
}


def test_the_workflows_pass_their_checks() -> None:
    assert lint.failures(lint.check_workflows(ROOT / lint.WORKFLOWS)) == []


@pytest.mark.parametrize("fault", sorted(BROKEN))
def test_a_broken_workflow_fails_lint(tmp_path: Path, fault: str) -> None:
    shutil.copytree(ROOT / lint.WORKFLOWS, tmp_path, dirs_exist_ok=True)
    workflow = tmp_path / "ci.yml"
    old, new = BROKEN[fault]
    text = workflow.read_text(encoding="utf-8")
    assert old in text
    workflow.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert lint.failures(lint.check_workflows(tmp_path)) != []


#: What tsc reads of the project: JavaScript, and TypeScript declarations (``lint`` makes sure
#: that every one is in a project).
TSC_INPUTS = sorted(name for name in lint.tracked(ROOT) if name.endswith(lint.JS_SUFFIXES))
#: Every JavaScript file of the project (bundles are made, not written, and not tracked).
CHECKED_JS = [name for name in TSC_INPUTS if not name.endswith(".ts")]
#: Fails tsc in any file, module or script: a string where a number is declared.
TYPE_ERROR = '\n/** @type {number} */\nconst injectedTypeErrorINDEX = "not a number";\n'


def test_a_type_error_in_any_javascript_file_fails_lint(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    for name in [*lint.JS_PROJECTS, *TSC_INPUTS]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    assert len(CHECKED_JS) > 10 and "src/essay_site/figures/browser/bridge.js" in CHECKED_JS
    assert "tests/engines/firefox.mjs" in CHECKED_JS
    injected = set()
    for index, name in enumerate(CHECKED_JS):
        with (tmp_path / name).open("a", encoding="utf-8") as file:
            file.write(TYPE_ERROR.replace("INDEX", str(index)))
        lines = (tmp_path / name).read_text(encoding="utf-8").splitlines()
        injected.add((name, 1 + lines.index(f'const injectedTypeError{index} = "not a number";')))
    capfd.readouterr()
    assert lint.failures(lint.check_js(tmp_path)) != []
    said = capfd.readouterr().out
    # tsc names each broken file at the injected line (every file is checked by some
    # project), and nothing else: the copy is whole, so the failure is the injected one.
    reported = {
        (Path(path).resolve().relative_to(tmp_path.resolve()).as_posix(), int(line))
        for path, line in re.findall(r"^(.+?)\((\d+),\d+\): error TS2322", said, re.MULTILINE)
    }
    errors = re.findall(r"error TS\d+", said)
    assert reported == injected, said
    assert all(error == "error TS2322" for error in errors), said


def test_the_suite_runs_by_file_with_each_engine_apart() -> None:
    # Tests of one file share its pages and servers: one process runs them all. The engine
    # scenarios are the exception, one unit per engine, so the engines run side by side.
    assert unit_of("tests/test_browser.py::test_search[notebooks/a/::b]") == "tests/test_browser.py"
    webkit = "tests/test_engines.py::test_engine[webkit-every_figure_goes_live]"
    assert unit_of(webkit) == "tests/test_engines.py::webkit"
    fallback = "tests/test_engines.py::test_without_service_workers_the_page_still_reads_online"
    assert unit_of(fallback) == "tests/test_engines.py"
    # The files started first are files of the suite (a renamed one would silently drop out).
    assert [name for name in LONGEST if not (ROOT / "tests" / name).is_file()] == []
