"""The faces of a die, read from the folder's data, shared by the figures that throw dice."""

from __future__ import annotations

import json
from pathlib import Path

#: Face values, one list per kind of die (a data file, shipped with the figure).
DICE = json.loads((Path(__file__).parent / "data" / "dice.json").read_text(encoding="utf-8"))
