"""Demo and benchmark comments hold together: people where they live, whole-sentence subjects,
mostly US and Mexico, the right language, form letters, and `seed --demo` deciding a share."""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict

from flask import Flask
from sqlalchemy import func, select

from portal.models import AuditEvent, Status, Submission, SubmissionTheme
from portal.seed import people
from portal.seed.corpus import Generator
from portal.services import language
from tests.conftest import db_session


def _sample(count: int = 2000, **options: object) -> list:  # type: ignore[type-arg]
    return list(Generator(11, **options).comments(count))  # type: ignore[arg-type]


def test_same_seed_same_comments_and_another_seed_others() -> None:
    first = [(c.writer, c.subject, c.body) for c in Generator(5).comments(50)]
    again = [(c.writer, c.subject, c.body) for c in Generator(5).comments(50)]
    other = [(c.writer, c.subject, c.body) for c in Generator(6).comments(50)]
    assert first == again
    assert first != other


def _places_by_country() -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for country, places in people.PLACES.items():
        for state, _, cities in places:
            names[country].update([state, *cities])
    shared = {n for c, ns in names.items() for n in ns
              if any(n in others for o, others in names.items() if o != c)}
    return {c: ns - shared for c, ns in names.items()}


def test_writers_and_organizations_are_in_their_own_country_and_state() -> None:
    places = _places_by_country()
    for comment in _sample():
        w = comment.writer
        assert people.country_of(w.region) == w.country, w
        assert w.city in people.cities_of(w.region), w
        if w.organization:
            # Take out the writer's own places ("Nuevo Laredo"), then look for anyone else's.
            rest = w.organization
            for name in sorted(places[w.country], key=len, reverse=True):
                rest = rest.replace(name, "")
            for country, names in places.items():
                if country == w.country:
                    continue
                for name in names:
                    assert not re.search(rf"\b{re.escape(name)}\b", rest), (w, name)
        assert w.email.split("@")[1].rsplit(".", 2)[-2:] in (
            ["example", "com"], ["example", "org"], ["example", "net"]), w.email
        assert re.fullmatch(r"[a-z0-9.]+@[a-z0-9.-]+", w.email), w.email
        assert (w.organization is None) == (w.submitter_type == "individual")


def test_mostly_united_states_and_mexico_with_some_canada_and_elsewhere() -> None:
    countries = Counter(c.writer.country for c in _sample())
    total = sum(countries.values())
    assert (countries["US"] + countries["MX"]) / total >= 0.8
    assert countries["US"] / total >= 0.3 and countries["MX"] / total >= 0.3
    assert countries["CA"] and countries["OTHER"]
    spanish = Counter(c.writer.country for c in _sample() if c.language == "es")
    assert spanish["MX"] > spanish["US"] > 0


def test_subjects_are_whole_sentences_and_no_template_mark_is_left() -> None:
    for comment in _sample(campaign_share=0.1):
        subject = comment.subject
        assert subject[0].isupper() or subject.startswith("¿"), subject
        assert subject.endswith((".", "?")), subject
        assert subject.startswith("¿") == subject.endswith("?") or comment.language == "en"
        assert len(subject.split()) >= 5, subject
        assert "{" not in subject + comment.body and "}" not in subject + comment.body


def test_benchmark_comments_have_100_to_400_words_and_demo_ones_fewer() -> None:
    counts = [len(c.body.split()) for c in _sample(1000)]
    assert min(counts) >= 100 and max(counts) <= 400
    assert max(counts) - min(counts) > 200  # varied, not one length
    demo = [len(c.body.split()) for c in Generator(3, words=(40, 200)).comments(500)]
    assert min(demo) >= 40 and max(demo) <= 200


def test_texts_are_in_the_language_they_declare() -> None:
    sample = _sample(300, campaign_share=0.1) + list(
        Generator(4, words=(40, 200), campaign_share=0.1).comments(300))
    wrong = [c for c in sample if language.detect(c.body) != c.language]
    assert not wrong, wrong[:3]
    assert {c.language for c in sample} == {"en", "es"}


def test_a_comment_repeats_no_sentence() -> None:
    for comment in _sample(500):
        sentences = [s for s in re.split(r"(?<=[.?])\s+", comment.body) if s]
        assert len(sentences) == len(set(sentences)), comment.body


def test_campaigns_send_near_identical_letters_and_some_exact_copies() -> None:
    sample = _sample(3000, campaign_share=0.1)
    letters: dict[str, list[str]] = defaultdict(list)
    for c in sample:
        if c.campaign:
            letters[c.campaign].append(c.body)
    assert 0.07 <= sum(map(len, letters.values())) / len(sample) <= 0.13
    assert len(letters) >= 3
    for bodies in letters.values():
        assert len(set(bodies)) > 1  # edited by their senders...
        assert len(set(bodies)) < len(bodies)  # ...and some pasted exactly
        for body in bodies[1:6]:
            words = difflib.SequenceMatcher(None, bodies[0].split(), body.split(), autojunk=False)
            assert words.ratio() > 0.7


def _count(session, *where) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(Submission).where(*where)) or 0


def test_seed_demo_publishes_and_rejects_the_shares_asked(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["seed", "--demo", "80", "--publish-share", "0.4"])
    assert result.exit_code == 0, result.output
    assert "published 32, rejected 4" in result.output
    with db_session(app) as session:
        assert _count(session) == 80
        assert _count(session, Submission.status == Status.PUBLISHED) == 32
        published = list(session.scalars(
            select(Submission).where(Submission.status == Status.PUBLISHED)))
        for submission in published:
            confirmed = session.scalars(select(SubmissionTheme).where(
                SubmissionTheme.submission_id == submission.id,
                SubmissionTheme.confirmed.is_(True))).all()
            assert confirmed, submission.subject
            assert submission.decided_at and submission.decided_at >= submission.received_at
        rejected = list(session.scalars(
            select(Submission).where(Submission.status == Status.REJECTED)))
        assert len(rejected) == 4
        assert all(s.reject_reason and s.reject_note for s in rejected)
        for submission in session.scalars(select(Submission)):
            assert submission.language.value in ("en", "es")
            if submission.language_source.value == "declared":
                assert language.detect(submission.body) == submission.language
        # Decided as the command line, in the audit trail like any decision.
        actors = set(session.scalars(select(AuditEvent.actor)))
        assert actors == {"command line"}
        days = {s.received_at.date() for s in session.scalars(select(Submission))}
        assert len(days) > 5  # spread over the weeks the period has been open


def test_seed_demo_shows_in_the_reading_room_and_planning(app: Flask, runner, client) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(args=["seed", "--demo", "60", "--publish-share", "0.5"]).exit_code == 0
    page = client.get("/es/periods/competitiveness-connectivity/comments")
    assert page.status_code == 200
    with db_session(app) as session:
        shown = session.scalars(select(Submission.tracking_number).where(
            Submission.status == Status.PUBLISHED, Submission.period_id == 1)).all()
    assert shown and all(t in page.get_data(as_text=True) for t in shown[:5])


def test_seed_demo_if_empty_adds_nothing_the_second_time(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    assert runner.invoke(args=["seed", "--demo", "20", "--if-empty"]).exit_code == 0
    again = runner.invoke(args=["seed", "--demo", "20", "--if-empty"])
    assert again.exit_code == 0
    assert "already holds 20" in again.output
    with db_session(app) as session:
        assert _count(session) == 20


def test_seed_demo_refuses_shares_over_one(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        args=["seed", "--demo", "5", "--publish-share", "0.98", "--reject-share", "0.05"])
    assert result.exit_code != 0
    assert "more than 1" in result.output


def test_an_answers_hook_fills_answers_without_changing_the_comments() -> None:
    answered = list(Generator(8, answers=lambda c, rng: (f"{c.themes[0]}: {c.subject}",))
                    .comments(20))
    plain = list(Generator(8).comments(20))
    assert [c.answers for c in answered] == [(f"{c.themes[0]}: {c.subject}",) for c in plain]
    assert [c.body for c in answered] == [c.body for c in plain]
