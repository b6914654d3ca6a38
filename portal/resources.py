"""Files the portal reads at run time from beside its code: catalogs and migrations.

In the checkout they sit at the top level (`translations/`, `migrations/`, `alembic.ini`); a built
package carries them inside itself (`setup.py` compiles the catalogs there), because the top level
is not installed. One rule finds them: the packaged copy when there is one, else the checkout's.

This module imports nothing from the portal, so the build step can load it too.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent


def _located(name: str) -> Path:
    packaged = PACKAGE / name
    return packaged if packaged.exists() else CHECKOUT / name


TRANSLATIONS = _located("translations")
MIGRATIONS = _located("migrations")
ALEMBIC_INI = _located("alembic.ini")


def compile_catalogs(source: Path, target: Path, *, only_stale: bool = False) -> list[Path]:
    """Compile source/<lang>/LC_MESSAGES/*.po to the same place under target; the .mo paths.

    With only_stale, a .mo newer than its .po is kept. Each .mo is replaced whole, so a reader
    never sees half a catalog.
    """
    written = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if only_stale and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        mo.parent.mkdir(parents=True, exist_ok=True)
        partial = mo.with_name(f"{mo.name}.{os.getpid()}.partial")
        with partial.open("wb") as out:
            # Like `make compile` (pybabel --use-fuzzy); tests/test_i18n.py keeps fuzzy out.
            write_mo(out, catalog, use_fuzzy=True)
        os.replace(partial, mo)
        written.append(mo)
    return written
