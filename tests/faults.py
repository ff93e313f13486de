"""The fault site's figures (conftest.py's ``fault_site``): three that fail, each in its own
way, on one page beside a good one."""

#: Builds fine (its default state renders) but raises for any other state in the browser.
RAISES_ON_INPUT = """
from essay_site.figures.api import Frame, Slider
CONTROLS = (Slider("k", "Fault level k", min=0, max=2, step=1, value=0),)
def render(state):
    if state["k"]:
        raise RuntimeError(f"k={state['k']} is too much")
    return Frame('<p class="calm">all is well</p>', "all is well")
"""

#: Imports under CPython, fails to import under Pyodide (as a figure with a browser-only bug).
FAILS_IN_BROWSER = """
import sys
from essay_site.figures.api import Frame
if sys.platform == "emscripten":
    raise ImportError("this figure breaks in the browser")
CONTROLS = ()
def render(state):
    return Frame('<p class="prerendered">drawn at build time</p>', "drawn at build time")
"""

#: Goes live, then loops for ever on input, as a reader's slip (``while True``) would.
HANGS_ON_INPUT = """
from essay_site.figures.api import Frame, Slider
CONTROLS = (Slider("k", "Loop level k", min=0, max=1, step=1, value=0),)
def render(state):
    while state["k"]:
        pass
    return Frame('<p class="calm">not looping</p>', "not looping")
"""

PAGE = """# Faults

/// figure | hangs_on_input
///

/// figure | raises_on_input
///

/// figure | fails_in_browser
///

/// figure | pixel_explosion
///
"""

FIGURES = {
    "raises_on_input": RAISES_ON_INPUT,
    "fails_in_browser": FAILS_IN_BROWSER,
    "hangs_on_input": HANGS_ON_INPUT,
}
