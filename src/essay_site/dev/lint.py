"""The checks of ``nox -s lint`` beyond ruff and mypy: the JavaScript, the CI workflows, sizes.

``python -m essay_site.dev.lint`` type-checks the browser layer, its Node tests and the Node
helpers with the pinned TypeScript (``tsc --checkJs``; the page, the worker, the Node tests
and each Node program have their own globals, hence one ``jsconfig*.json`` each), validates
the GitHub workflows against GitHub's schema (check-jsonschema) and audits them with zizmor,
all offline, side by side. Two guards keep that true of what is committed: every JavaScript
file git tracks is in some tsc project, and no hand-written file is over ``LINE_LIMIT`` lines.
"""

from __future__ import annotations

import subprocess
import sys
from fnmatch import fnmatchcase
from pathlib import Path

from essay_site.assets import cache_dir, npm_package
from essay_site.pins import TYPESCRIPT

ROOT = Path.cwd()
JS_PROJECTS = (
    "jsconfig.json",
    "jsconfig.worker.json",
    "jsconfig.node.json",
    "jsconfig.tests.json",
    "jsconfig.engines.json",
)
#: What tsc reads: JavaScript, and TypeScript (the declarations beside it).
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")
WORKFLOWS = Path(".github/workflows")
#: The most lines a hand-written file has: past it, split the file.
LINE_LIMIT = 400
#: Tracked files that are not held to LINE_LIMIT (fnmatch patterns: ``*`` spans folders),
#: each for its reason. Binary files are known by their bytes instead.
NOT_HAND_WRITTEN = {
    "uv.lock": "written by uv",
    "*package-lock.json": "written by npm",
    "widgets/data/*": "the figures' fitted data, written by nox -s fit",
    "tests/sites/*/data/*": "a test site's figure data",
    "tests/manuscript/*.txt": "the author's manuscript, kept exactly as handed over",
    "*.ipynb": "a notebook is JSON: its line count is the format's, not the author's",
    "ARCHITECTURE.md": "long-form design prose, read whole",
    "docs/index.md": "the essay itself, as long as the author wrote it",
}


def tool(name: str) -> str:
    """A command installed beside this Python (the lint session's environment)."""
    return str(Path(sys.executable).parent / name)


def tracked(root: Path) -> list[str]:
    """The files git tracks in ``root`` (and that are there), as git names them."""
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True)
    names = listing.stdout.decode("utf-8").split("\0")
    return [name for name in names if name and (root / name).is_file()]


def tsc() -> list[str]:
    """The command of the pinned TypeScript compiler."""
    return ["node", str(npm_package(TYPESCRIPT, cache_dir()) / "bin" / "tsc")]


def check_js(root: Path) -> list[list[str]]:
    """The ``tsc`` runs that type-check every JavaScript file of ``root``."""
    return [[*tsc(), "--noEmit", "-p", str(root / name)] for name in JS_PROJECTS]


def check_workflows(folder: Path) -> list[list[str]]:
    """Schema validation and a security audit of every workflow in ``folder``.

    Each catches what the other misses: a misspelt key passes zizmor's audits, an injected
    ``${{ github.event... }}`` passes the schema.
    """
    files = sorted(str(path) for path in folder.glob("*.y*ml"))
    schema = [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files]
    audit = [tool("zizmor"), "--offline", "--strict-collection", "--no-progress", str(folder)]
    return [schema, audit]


def run_all(commands: list[list[str]]) -> list[tuple[int, bytes]]:
    """Run the commands side by side; each one's exit status and output (with its errors)."""
    running = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for command in commands
    ]
    results = []
    for process in running:
        output, _ = process.communicate()
        results.append((process.returncode, output))
    return results


def failures(commands: list[list[str]]) -> list[str]:
    """Run the commands side by side, then print each one's output in turn; the failed ones."""
    failed = []
    for command, (status, output) in zip(commands, run_all(commands), strict=True):
        print("$", " ".join(command), flush=True)
        sys.stdout.buffer.write(output)
        sys.stdout.flush()
        if status != 0:
            failed.append(" ".join(command))
    return failed


def in_projects(root: Path, projects: tuple[str, ...]) -> set[Path]:
    """Every file some tsc project of ``root`` reads: those it lists and those they import."""
    listings = run_all([[*tsc(), "--listFilesOnly", "-p", str(root / name)] for name in projects])
    lines = (line for _, output in listings for line in output.decode("utf-8").splitlines())
    return {Path(line.strip()).resolve() for line in lines if line.strip()}


def outside_projects(
    root: Path, names: list[str], projects: tuple[str, ...] = JS_PROJECTS
) -> list[str]:
    """A complaint for each JavaScript file of ``names`` (in ``root``) no tsc project reads."""
    covered = in_projects(root, projects)
    return [
        f"{name}: in no tsc project (none of {', '.join(projects)} reads it)"
        for name in names
        if name.endswith(JS_SUFFIXES) and (root / name).resolve() not in covered
    ]


def line_count(data: bytes) -> int:
    """The lines of a text, as an editor numbers them (a last line may lack its newline)."""
    return data.count(b"\n") + (not data.endswith(b"\n") and bool(data))


def hand_written(name: str, data: bytes) -> bool:
    """Whether people write ``name``: text (no NUL byte: git's test) and no NOT_HAND_WRITTEN."""
    exempt = any(fnmatchcase(name, pattern) for pattern in NOT_HAND_WRITTEN)
    return not exempt and b"\0" not in data[:8000]


def too_long(root: Path, names: list[str]) -> list[str]:
    """A complaint for each hand-written file of ``names`` (in ``root``) over LINE_LIMIT."""
    complaints = []
    for name in names:
        data = (root / name).read_bytes()
        if hand_written(name, data) and (count := line_count(data)) > LINE_LIMIT:
            complaints.append(f"{name}: {count} lines, over the limit of {LINE_LIMIT}: split it")
    return complaints


def main() -> None:
    """Run every check; exit non-zero naming the ones that failed and the files at fault."""
    failed = failures(check_js(ROOT) + check_workflows(ROOT / WORKFLOWS))
    names = tracked(ROOT)
    complaints = outside_projects(ROOT, names) + too_long(ROOT, names)
    for complaint in complaints:
        print(complaint)
    if failed or complaints:
        sys.exit("failed: " + "; ".join([*failed, *complaints]))


if __name__ == "__main__":
    main()
