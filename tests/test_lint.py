"""The lint session's two guards on what is committed, each shown failing on a scratch repository:
a hand-written file over the line limit, a JavaScript file that no tsc project reads."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from essay_site.dev import lint


def committed(root: Path, files: dict[str, str | bytes]) -> list[str]:
    """``files`` written into a new git repository at ``root`` and added: what git tracks."""
    subprocess.run(["git", "init", "--quiet", str(root)], check=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    return lint.tracked(root)


def test_a_hand_written_file_over_the_limit_is_named_with_its_length(tmp_path: Path) -> None:
    names = committed(
        tmp_path,
        {
            "src/long.py": "x = 1\n" * (lint.LINE_LIMIT + 1),
            "src/full.py": "x = 1\n" * lint.LINE_LIMIT,
            # The last line counts without its newline.
            "docs/unended.md": "words\n" * lint.LINE_LIMIT + "one more",
            # Not written by hand: a lock file, fitted data, a binary file.
            "uv.lock": "x\n" * 1000,
            "widgets/data/fitted.json": "0\n" * 1000,
            "tests/data.bin": b"\0\n" * 1000,
        },
    )
    assert len(names) == 6
    assert lint.too_long(tmp_path, names) == [
        "docs/unended.md: 401 lines, over the limit of 400: split it",
        "src/long.py: 401 lines, over the limit of 400: split it",
    ]


def test_javascript_that_no_tsc_project_reads_is_named(tmp_path: Path) -> None:
    config = {
        "compilerOptions": {"allowJs": True, "checkJs": True, "noEmit": True, "types": []},
        "files": ["app/main.mjs"],
    }
    names = committed(
        tmp_path,
        {
            "jsconfig.json": json.dumps(config),
            "app/main.mjs": 'import { two } from "./helper.js";\nexport const four = two * 2;\n',
            # Read through main.mjs's import: in the project without being listed.
            "app/helper.js": "export const two = 2;\n",
            "app/stray.mjs": "export const three = 3;\n",
            "notes.md": "Not JavaScript.\n",
        },
    )
    assert lint.outside_projects(tmp_path, names, ("jsconfig.json",)) == [
        "app/stray.mjs: in no tsc project (none of jsconfig.json reads it)"
    ]
