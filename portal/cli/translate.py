"""`flask --app portal translate ...`: extract, update and compile the catalogs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parent.parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"

group = AppGroup("translate", help="Extract, update and compile the translations.")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)  # noqa: S603


# How messages are found: `_l` too, no file locations and no wrapping, so diffs stay small.
EXTRACT_ARGS = ("-F", "babel.cfg", "-k", "_l", "--ignore-dirs", ".* __pycache__",
                "--no-location", "--no-wrap", "--sort-output", "--project", "hled-portal")


def extract(target: Path = POT) -> None:
    _pybabel("extract", *EXTRACT_ARGS, "-o", str(target), ".")


@group.command("extract")
def translate_extract() -> None:
    """Write translations/messages.pot from the code and templates."""
    extract()


@group.command("update")
def translate_update() -> None:
    """Extract, then merge new strings into every catalog."""
    extract()
    _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching",
             "--ignore-obsolete", "--no-wrap")


@group.command("compile")
def translate_compile() -> None:
    """Compile the catalogs to .mo files."""
    _pybabel("compile", "--use-fuzzy", "-d", str(TRANSLATIONS), "--statistics")
