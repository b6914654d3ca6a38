"""A portal installed from its built package, outside the checkout, migrates and speaks Spanish.

The package is built the way a release is (sdist, then a wheel from the sdist) and installed
without its dependencies into a fresh virtual environment; the dependencies come from this
environment through a .pth line, so nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"
# What a fresh checkout does not have; compiled catalogs are left out so the build must make them.
NOT_IN_CHECKOUT = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "instance", "build", "dist", "*.egg-info", "__pycache__",
    ".pytest_cache", ".ruff_cache", ".mypy_cache", "*.mo",
)
# Strings of the home page, read from the catalog so a reworded translation keeps this test true.
HOME_STRINGS = ("Comment periods", "Comment on the HLED agenda")

PAGE_SCRIPT = """
import json, sys
import portal
from portal import create_app

client = create_app().test_client()
page = client.get("/es/")
json.dump({"package": portal.__file__, "status": page.status_code,
           "html": page.get_data(as_text=True)}, sys.stdout)
"""


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _build_wheel(work: Path) -> Path:
    source = work / "checkout"
    shutil.copytree(ROOT, source, ignore=NOT_IN_CHECKOUT)
    dist = work / "dist"
    sdist = _run([sys.executable, "-c",
                  "import sys; from setuptools import build_meta; "
                  "print(build_meta.build_sdist(sys.argv[1]))", str(dist)], cwd=source)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
          "--no-build-isolation", "--wheel-dir", str(dist),
          str(dist / sdist.strip().splitlines()[-1])], cwd=work)
    (wheel,) = dist.glob("*.whl")
    return wheel


def _fresh_venv(work: Path, wheel: Path) -> Path:
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
          "--no-deps", "--no-index", str(wheel)], cwd=work)
    site = Path(_run([str(python), "-c",
                      "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=work)
                .strip())
    # Appended after the venv's own site-packages, so the installed portal wins over the
    # editable one (whose .pth is not processed from a path added this way).
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    return python


@pytest.mark.packaging
def test_installed_package_migrates_and_serves_spanish(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    python = _fresh_venv(tmp_path, wheel)
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "PYTHON"))}
    env.update(PORTAL_SECRET_KEY="installed-site-secret",
               PORTAL_DATABASE_URL=f"sqlite:///{site_dir / 'portal.sqlite3'}")
    flask = [str(python), "-m", "flask", "--app", "portal"]

    _run([*flask, "db", "upgrade"], cwd=site_dir, env=env)
    _run([*flask, "seed"], cwd=site_dir, env=env)
    page = json.loads(_run([str(python), "-c", PAGE_SCRIPT], cwd=site_dir, env=env))

    assert Path(page["package"]).is_relative_to(tmp_path / "venv"), page["package"]
    assert page["status"] == 200
    with PO.open("rb") as f:
        catalog = read_po(f, locale="es")
    for english in HOME_STRINGS:
        spanish = catalog[english].string
        assert spanish and spanish != english
        assert spanish in page["html"], f"{spanish!r} missing from the installed /es/ page"
        assert english not in page["html"], f"{english!r} shown on the installed /es/ page"
