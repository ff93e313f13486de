"""Developer tasks. `nox` alone runs lint and tests; `nox -s serve` previews the site."""

# Nox reads this block and, where `uv` is missing, runs itself from a small environment that
# has it: the sessions then share uv's package cache instead of four full virtualenvs.
# /// script
# dependencies = ["nox>=2025.2.9", "uv>=0.5"]
# [tool.nox]
# script-venv-backend = "venv"
# ///

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "tests"]
nox.options.default_venv_backend = "uv|venv"

# MkDocs prints a banner about its future on every run; the builds here are strict enough
# (the same setting as essay_site.dev.build, which this file cannot import).
ENV = {"NO_MKDOCS_2_WARNING": "1"}


def sync(session: nox.Session, *extras: str) -> None:
    """Install the project and exactly the versions in uv.lock (refused if the lock is stale)."""
    venv = session.virtualenv.location
    session.run_install(
        "uv",
        "sync",
        "--locked",
        *(f"--extra={extra}" for extra in extras),
        f"--python={venv}",
        env={"UV_PROJECT_ENVIRONMENT": venv},
    )


@nox.session
def serve(session: nox.Session) -> None:
    """Serve the site with live reload at http://127.0.0.1:8000/."""
    sync(session)
    session.run("mkdocs", "serve", *session.posargs, env=ENV)


@nox.session
def build(session: nox.Session) -> None:
    """Build the site into site/, strictly (warnings are errors)."""
    sync(session)
    session.run("mkdocs", "build", "--strict", *session.posargs, env=ENV)


@nox.session
def tests(session: nox.Session) -> None:
    """Model tests under CPython, real builds, offline end-to-end tests in three engines."""
    # The lint tools too: tests check CONTRIBUTING's example and broken workflows with them.
    sync(session, "test", "lint")
    # The browser layer's rules, in seconds: Node's own test runner, a fake worker, no browser.
    session.run("node", "--test", "tests/browser_layer/", external=True)
    # Each engine that has no build yet: Playwright's, else Debian's (as root, with apt).
    session.run("python", "-m", "essay_site.dev.browser")
    # One pytest process per core (at most 4: each drives a Chromium that boots Python). A test
    # file per process at a time, so files that share pages keep sharing them, each engine's
    # scenarios apart, the longest first (tests/scheduling.py).
    parallel = ["--numprocesses=auto", "--maxprocesses=4", "--dist=loadfile"]
    parallel += ["--no-loadscope-reorder", "--durations=15"]
    session.run("pytest", *parallel, *session.posargs, env=ENV)


@nox.session
def lint(session: nox.Session) -> None:
    """The lock is current; ruff (lint and format), mypy strict, tsc on the JavaScript, CI."""
    session.run("uv", "lock", "--check")
    sync(session, "test", "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("python", "-m", "essay_site.dev.lint")


@nox.session
def fit(session: nox.Session) -> None:
    """Fit the figures that learn from data; writes widgets/data/*.npz (commit them)."""
    sync(session)
    session.run("python", "-m", "essay_site.dev.fit", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Print load, blocking, latency, size and Lighthouse figures beside reference pages."""
    sync(session, "test")
    session.run("python", "-m", "essay_site.dev.browser")  # a Chromium, if missing
    session.run("python", "-m", "essay_site.dev.bench", *session.posargs, env=ENV)


@nox.session(venv_backend="none")
def upgrade(session: nox.Session) -> None:
    """Move uv.lock to the newest versions allowed (`-- --upgrade-package NAME`: one package)."""
    session.run("uv", "lock", *(session.posargs or ["--upgrade"]))
