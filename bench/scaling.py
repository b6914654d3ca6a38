"""Staff and reading-room pages at N comments against the same pages at 10 thousand.

    python -m bench.scaling [--rows 1000000] [--baseline 10000] [--pg URL] [--only queue ...]

Full requests through the Flask app in process (routing, queries, templates: server time, no
network), signed in where the page needs it; the median of several requests after a warm-up.
The baseline is the same request on a database of --baseline comments built the same way in the
same run; the ratio says whether the page stays flat as the table grows.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from bench import common, data
from bench.common import Result
from portal import create_app

# The printable report is no page of its own any more: the export job makes it on the worker.
REPORT = "report:{period}"
# group -> [(label, path, role)]; {period} and {pillar} are slugs, {deep} a key 90% of the way.
PAGES: dict[str, list[tuple[str, str, str | None]]] = {
    "queue": [
        ("moderation queue: first page", "/en/moderation/", "moderator"),
        ("moderation queue: page 90% in", "/en/moderation/?after={deep}", "moderator"),
        ("moderation queue: Spanish, Mexico, NGOs",
         "/en/moderation/?language=es&country=MX&type=ngo", "moderator"),
        ("moderation queue: flagged", "/en/moderation/?flag=repeated", "moderator"),
        ("moderation queue: published tab", "/en/moderation/?status=published", "moderator"),
    ],
    "search": [
        ("reading-room search: common word",
         f"/en/periods/{{period}}/comments?q={data.COMMON_WORD}", None),
        ("reading-room search: rare word",
         f"/en/periods/{{period}}/comments?q={data.RARE_WORD}", None),
        ("reading room: first page, no search", "/en/periods/{period}/comments", None),
    ],
    "summary": [
        ("planner summary: period", "/en/planning/periods/{period}", "planner"),
        ("planner summary: pillar", "/en/planning/pillars/{pillar}", "planner"),
        # Written by the worker as an export job: timed as the job makes it (REPORT).
        ("printable report: period", REPORT, "planner"),
    ],
}
TARGETS = {"queue": ("≤ 1.5×, < 50 ms", 1.5, 0.05), "search": ("≤ 1.5×, < 50 ms", 1.5, 0.05),
           "summary": ("< 1 s at 1M", None, 1.0)}
REPEAT = {"queue": 15, "search": 15, "summary": 3}


@dataclass
class Sized:
    built: data.Built
    app: Flask
    clients: dict[str | None, FlaskClient]


def _open(built: data.Built) -> Sized:
    app = create_app({"TESTING": True, "DATABASE_URL": built.url, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
                      # The server's own work: public pages are measured rendered, not kept.
                      "PAGE_CACHE_URL": "none"})
    clients: dict[str | None, FlaskClient] = {None: app.test_client()}
    for role in ("moderator", "planner"):
        client = app.test_client()
        response = client.post("/en/staff/login", data={"email": data.STAFF[role],
                                                         "password": data.PASSWORD})
        assert response.status_code == 302, (role, response.status_code)
        clients[role] = client
    return Sized(built, app, clients)


def _time(sized: Sized, path: str, role: str | None, repeat: int) -> float:
    client = sized.clients[role]
    built = sized.built
    url = path.format(period=built.period_slug, pillar=built.pillar_slug,
                      deep=int(built.rows * 0.9))

    if path == REPORT:
        return common.median_time(lambda: _report(sized.app, built.period_slug), repeat,
                                  warmup=1 if repeat > 3 else 0)

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        response.get_data()  # a streamed page is timed to its last byte

    # A summary takes seconds: a warm-up call would only double the run, not steady it.
    return common.median_time(get, repeat, warmup=1 if repeat > 3 else 0)


def _report(app: Flask, slug: str) -> None:
    """The printable report of a period, made as the export job makes it (services/export_jobs),
    without the queue around it."""
    from portal.db import new_session
    from portal.services import consultations, exports

    with app.app_context():
        with new_session() as session:
            scope = consultations.find_scope(session, "periods", slug)
        assert scope is not None, slug
        made = sum(len(piece) for piece in
                   exports.Export(scope, exports.ExportOptions("html")).chunks())
        assert made > 0


def measure(engine: str, small: data.Built, large: data.Built, groups: list[str],
            repeat: dict[str, int] | None = None) -> list[Result]:
    label = "PostgreSQL" if engine == "postgresql" else "SQLite"
    opened = [_open(small), _open(large)]
    results = []
    try:
        for group in groups:
            target, max_ratio, max_seconds = TARGETS[group]
            times = (repeat or REPEAT)[group]
            for what, path, role in PAGES[group]:
                base, big = (_time(s, path, role, times) for s in opened)
                met = big < max_seconds and (max_ratio is None or big / base <= max_ratio)
                results.append(Result(label, what, f"{small.rows:,}", base,
                                      f"{large.rows:,}", big, "s", target, met,
                                      f"median of {times}"))
    finally:
        for s in opened:
            s.app.extensions["portal_engine"].dispose()
    return results


def search_plans(url: str) -> list[str]:
    """PostgreSQL: the plan of the reading room's probe for the rare and the common word
    (services/search.py), to show that it goes through the GIN index."""
    from sqlalchemy import text

    from portal.db import make_engine
    from portal.services import search

    engine = make_engine(url)
    notes = []
    try:
        with engine.connect() as conn:
            for word in (data.RARE_WORD, data.COMMON_WORD):
                probe = text(f"EXPLAIN SELECT submission_id FROM submission_fts "  # noqa: S608
                             f"WHERE {search._TS_MATCH} LIMIT :n")
                found = conn.execute(probe, {"q": f"'{word}'", "n": search.SPARSE + 1})
                plan = [row[0] for row in found]
                gin = any("ix_submission_fts_document" in line for line in plan)
                notes.append(f"- PostgreSQL search probe for {word!r}: "
                             f"{'uses' if gin else 'does NOT use'} the GIN index "
                             f"({'; '.join(line.strip() for line in plan[:3])}).")
    finally:
        engine.dispose()
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--pg", help="PostgreSQL URL whose name prefixes the scratch databases")
    parser.add_argument("--only", nargs="*", choices=list(PAGES), default=list(PAGES))
    args = parser.parse_args()
    scratch = common.Scratch(args.pg)
    try:
        engine = "postgresql" if args.pg else "sqlite"
        small = data.build(scratch.url(engine, "small"), args.baseline)
        large = data.build(scratch.url(engine, "large"), args.rows)
        common.print_results(measure(engine, small, large, args.only))
    finally:
        scratch.close()


if __name__ == "__main__":
    main()
