"""The real app served over HTTP on 127.0.0.1, driven by Debian's Chromium through Playwright.

One browser per session, one server and fresh browser contexts per test. Every page any test
opens is watched: a console error, an uncaught script error or a Content-Security-Policy
violation fails the test that caused it.

Without /usr/bin/chromium (or java and node_modules/vnu-jar for the HTML check) these tests
skip, unless PORTAL_REQUIRE_BROWSER=1, as in CI, where a missing tool is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from portal.db import write_session
from portal.services import consultations

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
REQUIRE_ENV = "PORTAL_REQUIRE_BROWSER"

# What the seed creates: three pillars, one open period each.
PILLAR = "competitiveness-connectivity"
PERIOD = "competitiveness-connectivity"


def tools_required() -> bool:
    return os.environ.get(REQUIRE_ENV) == "1"


def need(ok: bool, missing: str) -> None:
    """Skip when a tool is missing on a developer's machine; fail when CI requires it."""
    if ok:
        return
    if tools_required():
        pytest.fail(f"{missing}, and {REQUIRE_ENV}=1 requires it (run `make test`)", False)
    pytest.skip(missing)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    need(CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK),
         f"no Chromium at {CHROMIUM} (make browser-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture()
def live_server(app: Flask) -> Iterator[str]:
    """The real app on a free port of 127.0.0.1, on the test database `app` just emptied."""
    server: BaseWSGIServer = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class PageWatch:
    """Console errors, script errors and CSP violations seen in one browser context."""

    problems: list[str] = field(default_factory=list)

    def on_console(self, msg: Any) -> None:
        text = msg.text
        csp = "Content Security Policy" in text or "Content-Security-Policy" in text
        if msg.type != "error" and not csp:
            return
        url = (msg.location or {}).get("url", "")
        # Chromium also logs an error status of the page itself (a 404 page, a form sent back
        # with 422); tests check those statuses. A failed stylesheet, script or icon counts.
        document = msg.page.url.split("#")[0] if msg.page else None
        if not csp and text.startswith("Failed to load resource") and url == document:
            return
        self.problems.append(f"console {msg.type}: {text} ({url})")

    def on_page_error(self, error: Any) -> None:
        self.problems.append(f"uncaught script error: {error}")


@dataclass
class Contexts:
    browser: Any
    base_url: str
    watches: list[tuple[Any, PageWatch]] = field(default_factory=list)

    def new(self, **options: Any) -> tuple[Any, PageWatch]:
        """A fresh browser context (own cookies) on the live server, watched for faults."""
        options.setdefault("locale", "en-US")
        context = self.browser.new_context(base_url=self.base_url, **options)
        context.set_default_timeout(10_000)
        watch = PageWatch()
        context.on("console", watch.on_console)
        context.on("weberror", lambda web_error: watch.on_page_error(web_error.error))
        self.watches.append((context, watch))
        return context, watch

    def close(self) -> list[str]:
        problems = []
        for context, watch in self.watches:
            context.close()
            problems.extend(watch.problems)
        return problems


@pytest.fixture()
def contexts(browser: Any, live_server: str) -> Iterator[Contexts]:
    made = Contexts(browser, live_server)
    yield made
    problems = made.close()
    if problems:
        pytest.fail("the pages reported problems:\n  " + "\n  ".join(problems), False)


@pytest.fixture(scope="session")
def axe_source() -> Path:
    need(AXE_JS.is_file(), f"no {AXE_JS.relative_to(ROOT)} (make node-deps installs it)")
    return AXE_JS


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    java = shutil.which("java")
    need(java is not None, "no java on PATH (the HTML checker needs Java 11 or later)")
    need(VNU_JAR.is_file(), f"no {VNU_JAR.relative_to(ROOT)} (make node-deps installs it)")
    return [str(java), "-jar", str(VNU_JAR)]


TRACKING_PATTERN = r"HLED-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"


def sent_comment(app: Flask, lang: str = "en") -> str:
    """A comment sent through the app; its tracking number."""
    from tests.conftest import post_comment

    response = post_comment(app.test_client(), lang, PERIOD)
    assert response.status_code == 303, response.status_code
    return response.headers["Location"].split("/receipts/")[1].split("?")[0]


def public_paths(lang: str, tracking: str) -> dict[str, str]:
    """Every kind of public page, by name."""
    return {
        "home": f"/{lang}/",
        "pillar": f"/{lang}/pillars/{PILLAR}",
        "period": f"/{lang}/periods/{PERIOD}",
        "comment form": f"/{lang}/periods/{PERIOD}/comment",
        "receipt": f"/{lang}/receipts/{tracking}",
        "check a receipt": f"/{lang}/receipts",
        "receipt not found": f"/{lang}/receipts?tracking=HLED-AAAA-BBBB-CCCC",
        "page not found": f"/{lang}/periods/no-such-period",
        "open data": f"/{lang}/open-data",
    }


# What each named page of `public_paths` and `staff_paths` answers; every other one is a 200.
NOT_200 = {"receipt not found": 404, "page not found": 404, "reading room, unusable search": 400}


def expected_status(name: str) -> int:
    return NOT_200.get(name, 200)


# Staff pages and the reading room: a consultation with comments in every state.

ENERGY_BODY = (
    "La energía renovable y la transmisión eléctrica entre los dos países necesitan inversión."
)
TRUCKS_BODY = "Truck crossings at Laredo take hours; we need pre-clearance at the border."


@dataclass
class Consultation:
    """What `consultation` made: (id, tracking number) of each comment, and the staff emails."""

    pending_energy: tuple[int, str]
    pending_trucks: tuple[int, str]
    pending_flagged: tuple[int, str]
    published_es: tuple[int, str]
    published_en: tuple[int, str]
    rejected: tuple[int, str]
    moderator: str
    planner: str
    admin: str
    period_id: int = 0
    campaign: int = 0
    campaign_member: int = 0


LETTER = (
    "Les escribo para pedir que el Diálogo Económico de Alto Nivel ponga en el centro a las "
    "pequeñas empresas de la frontera: hoy un camión de carga espera entre cuatro y seis horas "
    "para cruzar, y cada hora de espera encarece nuestros productos y nos hace perder clientes."
)
ADDED = (" Además, en mi colonia los camiones estacionados bloquean la entrada de la escuela "
         "primaria todas las mañanas y nadie hace nada al respecto.")


@pytest.fixture()
def consultation(app: Flask, seeded: None) -> Consultation:
    """The seeded period with pending, published (themes confirmed) and rejected comments."""
    from portal.models import Submission
    from portal.services import audit, moderation
    from tests.conftest import add_submission, check_campaigns, make_user, publish

    with app.app_context(), write_session() as session:
        period = consultations.period_by_key(session, PERIOD)
        assert period is not None
        session.expunge(period)

    def add(**fields: object) -> tuple[int, str]:
        return add_submission(app, period, **fields)

    made = Consultation(
        # Oldest first: the queue opens with the energy comment.
        pending_energy=add(subject="Energía limpia", body=ENERGY_BODY, declared_language="es"),
        pending_trucks=add(
            subject="Border wait times", body=TRUCKS_BODY, declared_language="en", country="US",
            submitter_type="association", organization="Border Trade Alliance",
            name="Sam Carter", region="Texas", ui_language="en",
        ),
        pending_flagged=add(subject="Oferta", body="Visite https://spam.example/ ya.",
                            honeypot="http://spam.example/"),
        published_es=add(
            subject="Cruces fronterizos",
            body="Los cruces de camiones en Nuevo Laredo tardan horas; necesitamos "
                 "preinspección y más carriles en el puente.",
            declared_language="es",
        ),
        published_en=add(
            subject="Broadband for small firms",
            body="Broadband and fiber networks along the border would help small firms "
                 "reach customers; the energy grid needs investment too.",
            declared_language="en", country="US", submitter_type="individual",
            organization="", consent_publish=False, ui_language="en",
        ),
        rejected=add(subject="Fuera de tema", body="Un comentario sobre otro asunto."),
        moderator=make_user(app, "moderator"),
        planner=make_user(app, "planner"),
        admin=make_user(app, "admin"),
        period_id=period.id,
    )
    publish(app, made.published_es[0], made.published_en[0])
    with app.app_context(), write_session() as session:
        moderation.reject(session, session.get(Submission, made.rejected[0]), audit.CLI,
                          "off_topic", "Su comentario no trata de este pilar.")
    # A campaign: two copies of one letter, and a third that adds a sentence of its own.
    copies = [add(subject="Frontera ágil para las pymes", body=f"{LETTER}\n\n{name}",
                  email=f"{name.lower()}@example.org", declared_language="es")[0]
              for name in ("Ana", "Luis")]
    made.campaign_member = add(subject="Frontera ágil", body=f"{LETTER}{ADDED}\n\nEva",
                               email="eva@example.org", declared_language="es")[0]
    check_campaigns(app)
    with app.app_context(), write_session() as session:
        from portal.models import CampaignCheck

        check = session.get(CampaignCheck, copies[0])
        assert check is not None and check.campaign_id is not None
        made.campaign = check.campaign_id
    return made


def sign_in_browser(page: Any, email: str, lang: str = "en") -> None:
    """Sign in through the staff form, as a person would."""
    from tests.conftest import PASSWORD

    labels = {"en": ("Email address", "Password", "Sign in"),
              "es": ("Correo electrónico", "Contraseña", "Iniciar sesión")}[lang]
    page.goto(f"/{lang}/staff/login")
    page.get_by_label(labels[0]).fill(email)
    page.get_by_label(labels[1]).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=labels[2]).click()
    assert "/staff/login" not in page.url, page.url


def staff_paths(lang: str, made: Consultation) -> dict[str, str]:
    """Every kind of staff page and reading-room page, by name (GET; no error states)."""
    return {
        "reading room": f"/{lang}/periods/{PERIOD}/comments",
        "reading room search": f"/{lang}/periods/{PERIOD}/comments?q=camiones&country=MX",
        "reading room, no match": f"/{lang}/periods/{PERIOD}/comments?q=zzzz",
        "reading room, unusable search": f'/{lang}/periods/{PERIOD}/comments?q=%22energia',
        "published comment": f"/{lang}/comments/{made.published_es[1]}",
        "receipt, published": f"/{lang}/receipts/{made.published_es[1]}",
        "receipt, rejected": f"/{lang}/receipts/{made.rejected[1]}",
        "queue": f"/{lang}/moderation/",
        "queue, flagged": f"/{lang}/moderation/?flag=any&language=es",
        "queue, published": f"/{lang}/moderation/?status=published",
        "review, pending": f"/{lang}/moderation/submissions/{made.pending_energy[0]}",
        "review, published": f"/{lang}/moderation/submissions/{made.published_es[0]}",
        "review, rejected": f"/{lang}/moderation/submissions/{made.rejected[0]}",
        "planning": f"/{lang}/planning/",
        "planning, period": f"/{lang}/planning/periods/{PERIOD}",
        "planning, pillar": f"/{lang}/planning/pillars/{PILLAR}",
        "themes": f"/{lang}/planning/themes",
        "administration": f"/{lang}/admin/",
        "periods": f"/{lang}/admin/periods",
        "new period": f"/{lang}/admin/periods/new",
        "period": f"/{lang}/admin/periods/{made.period_id}",
        "period, edit": f"/{lang}/admin/periods/{made.period_id}/edit",
        "outcome editor": f"/{lang}/planning/periods/{PERIOD}/outcome",
        "campaigns": f"/{lang}/moderation/campaigns/",
        "campaign": f"/{lang}/moderation/campaigns/{made.campaign}",
        "review, campaign member": f"/{lang}/moderation/submissions/{made.campaign_member}",
        "queue, in a campaign": f"/{lang}/moderation/?campaign={made.campaign}",
        "planning, campaigns once": f"/{lang}/planning/periods/{PERIOD}?count=once",
    }
