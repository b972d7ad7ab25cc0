"""CSV files a spreadsheet reads right: the one writer for trainers' exports.

Every field that needs it is quoted, the text is UTF-8 with a byte order
mark (so a spreadsheet shows accents), lines end in ``\r\n``, and every
text cell is inert: a ``'`` goes before a leading ``=``, ``+``, ``-``,
``@``, tab or carriage return, which a spreadsheet would run as a formula
(OWASP "CSV injection"). The cohort report's CSV files use the same rule.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any, Iterable

# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"); names and emails may start with any of them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: object) -> object:
    """A text cell a spreadsheet shows as text: a leading ``'`` before a formula start."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value  # numbers are written as numbers, never made inert
    return inert_cell(str(value))


def write_csv(path: Path, rows: Iterable[list[Any]]) -> Path:
    """Write ``rows`` (the first is the header) to ``path`` as quoted CSV,
    UTF-8 with a BOM, every text cell inert; atomically (a temporary file,
    then renamed), so a failed export never leaves half a file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        for row in rows:
            writer.writerow([_cell(value) for value in row])
    os.replace(tmp, path)
    return path


