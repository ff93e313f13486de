"""The checks of ``nox -s lint`` beyond ruff and mypy: the JavaScript and the CI workflows.

``python -m essay_site.dev.lint`` type-checks the browser layer and the Node helper with the
pinned TypeScript (``tsc --checkJs``; the page, the worker and Node each have their own
globals, hence one ``jsconfig*.json`` each), validates the GitHub workflows against
GitHub's schema (check-jsonschema) and audits them with zizmor, all offline, side by side.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from essay_site.assets import cache_dir, npm_package
from essay_site.pins import TYPESCRIPT

ROOT = Path.cwd()
JS_PROJECTS = ("jsconfig.json", "jsconfig.worker.json", "jsconfig.node.json")
WORKFLOWS = Path(".github/workflows")


def tool(name: str) -> str:
    """A command installed beside this Python (the lint session's environment)."""
    return str(Path(sys.executable).parent / name)


def check_js(root: Path) -> list[list[str]]:
    """The ``tsc`` runs that type-check every JavaScript file of ``root``."""
    tsc = npm_package(TYPESCRIPT, cache_dir()) / "bin" / "tsc"
    return [["node", str(tsc), "--noEmit", "-p", str(root / name)] for name in JS_PROJECTS]


def check_workflows(folder: Path) -> list[list[str]]:
    """Schema validation and a security audit of every workflow in ``folder``.

    Each catches what the other misses: a misspelt key passes zizmor's audits, an injected
    ``${{ github.event... }}`` passes the schema.
    """
    files = sorted(str(path) for path in folder.glob("*.y*ml"))
    schema = [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files]
    audit = [tool("zizmor"), "--offline", "--strict-collection", "--no-progress", str(folder)]
    return [schema, audit]


def failures(commands: list[list[str]]) -> list[str]:
    """Run the commands side by side, then print each one's output in turn; the failed ones."""
    running = [
        (command, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
        for command in commands
    ]
    failed = []
    for command, process in running:
        output, _ = process.communicate()
        print("$", " ".join(command), flush=True)
        sys.stdout.buffer.write(output)
        sys.stdout.flush()
        if process.returncode != 0:
            failed.append(" ".join(command))
    return failed


def main() -> None:
    """Run every check; exit non-zero naming the ones that failed."""
    failed = failures(check_js(ROOT) + check_workflows(ROOT / WORKFLOWS))
    if failed:
        sys.exit("failed: " + "; ".join(failed))


if __name__ == "__main__":
    main()
