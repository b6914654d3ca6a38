"""Build step: the built package carries compiled catalogs and the migrations.

`translations/`, `migrations/` and `alembic.ini` stay at the top of the checkout, which is not
installed; without this step a site installed with `pip install .` would show English on every
/es/ page and could not migrate. `portal/resources.py` finds the packaged copies at run time.
Metadata lives in pyproject.toml.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def _load_resources() -> ModuleType:
    # By path: importing the `portal` package would need Flask, which a build does not install.
    spec = importlib.util.spec_from_file_location("_portal_resources", HERE / "portal/resources.py")
    assert spec and spec.loader  # noqa: S101 - the file ships with this setup.py
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithCatalogsAndMigrations(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads them from the checkout
        package = Path(self.build_lib) / "portal"
        # Start clean: a revision or catalog removed since an earlier build must not linger.
        for name in ("translations", "migrations"):
            shutil.rmtree(package / name, ignore_errors=True)
        compiled = _load_resources().compile_catalogs(
            HERE / "translations", package / "translations"
        )
        if not compiled:
            raise SystemExit("no catalogs under translations/*/LC_MESSAGES/ to compile")
        shutil.copytree(
            HERE / "migrations", package / "migrations",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
        shutil.copy2(HERE / "alembic.ini", package / "alembic.ini")


setup(cmdclass={"build_py": BuildWithCatalogsAndMigrations})
