"""Finding the campaign of each comment: band lookups in the shared index, then exact checks.

For each comment, the band keys of its MinHash signature are looked up in `campaign_bands` (one
indexed query for a whole batch of comments), which returns the exemplars that share a key:
comments standing for a campaign, or for themselves while no copy of them has come. The best few
are verified with the exact Jaccard similarity of the shingles. The comment then

- joins the campaign of the most similar exemplar at or above JOIN_SIMILARITY (a comment that
  stood alone becomes a campaign of two, itself the representative);
- brings along the other lone comments it matches, and joins two found campaigns it matches both
  of while no staff decision, name or link depends on either;
- becomes an exemplar itself while its campaign has fewer than MAX_EXEMPLARS and it differs from
  those it matched (so edited copies are found whichever version they are closest to);
- or, matching nothing, stands for itself in the index.

The work per comment is the same with ten thousand or a million stored: BANDS keys looked up, at
most CANDIDATES texts compared. Comments with too little text (MIN_SHINGLES) join nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, case, delete, literal, select, update
from sqlalchemy.orm import Session

from portal.models import Campaign, CampaignBand, CampaignCheck, Submission
from portal.models.types import UTCDateTime, utcnow
from portal.services import audit
from portal.text.nearduplicates import (
    JOIN_SIMILARITY,
    Fingerprint,
    body_words,
    fingerprint,
    jaccard,
    shingles,
)

CANDIDATES = 12
MAX_EXEMPLARS = 8
# A member less similar than this to every exemplar it matched becomes one (while there is room).
NEW_EXEMPLAR_BELOW = 0.7
LOOKUP_CHUNK = 900  # bound parameters per lookup query, under SQLite's limit

DETECTION = audit.Actor(label="campaign detection")


@dataclass
class _Exemplar:
    submission_id: int
    campaign_id: int | None
    removed: bool
    body: str
    _shingles: frozenset[str] | None = None

    @property
    def shingles(self) -> frozenset[str]:
        if self._shingles is None:
            self._shingles = _exemplar_shingles(self.submission_id, self.body)
        return self._shingles


@lru_cache(maxsize=256)
def _exemplar_shingles(submission_id: int, body: str) -> frozenset[str]:
    """An exemplar's shingles, kept between batches (by id and text, so an edited text is
    worked out again): during a rush every batch compares its comments with the same few
    exemplars of the running campaigns, under the write lock. 256 of them: a few MB."""
    return frozenset(shingles(body))


@dataclass
class _Row:
    """A check row being written: inserted for a new comment, updated for a stored one."""

    submission_id: int
    campaign_id: int | None = None
    similarity: float | None = None
    added_words: int | None = None
    exemplar: bool = False
    stored: bool = False

    def values(self) -> dict[str, object]:
        return {"campaign_id": self.campaign_id, "similarity": self.similarity,
                "added_words": self.added_words, "exemplar": self.exemplar}


@dataclass
class _Growth:
    members: int = 0
    exemplars: int = 0
    first: datetime | None = None
    last: datetime | None = None

    def add(self, at: datetime) -> None:
        self.members += 1
        self.first = at if self.first is None or at < self.first else self.first
        self.last = at if self.last is None or at > self.last else self.last


@dataclass
class Outcome:
    """What checking one comment found."""

    submission_id: int
    campaign: Campaign | None
    added_words: int | None = None

    @property
    def joined(self) -> bool:
        return self.campaign is not None


_BANDS = cast(Table, CampaignBand.__table__)
_CHECKS = cast(Table, CampaignCheck.__table__)


def fingerprints(rows: Iterable[tuple[int, str]]) -> dict[int, tuple[str, Fingerprint]]:
    """The fingerprints of some comments' texts, for `Finder.run`: the costly part of a check
    (half its time), which needs no lock and no database, so the worker works it out before
    taking the write lock that comments arriving meanwhile wait for."""
    return {submission_id: (body, fingerprint(body)) for submission_id, body in rows}


def keys_of(period_id: int, found: Fingerprint, submission_id: int) -> list[dict[str, int]]:
    return [{"period_id": period_id, "hash": key, "band": band, "submission_id": submission_id}
            for band, key in enumerate(found.keys)]


def drop_exemplar(session: Session, submission: Submission, check: CampaignCheck) -> None:
    """Take a comment's keys out of the index (its text gives them back)."""
    found = fingerprint(submission.body)
    for row in keys_of(submission.period_id, found, submission.id):
        session.execute(delete(CampaignBand).filter_by(**row))
    check.exemplar = False


def add_exemplar(session: Session, submission: Submission, check: CampaignCheck) -> bool:
    found = fingerprint(submission.body)
    if check.exemplar or not found.joinable:
        return False
    session.execute(_BANDS.insert(), keys_of(submission.period_id, found, submission.id))
    check.exemplar = True
    return True


@dataclass
class Finder:
    """Checks comments of one period in arrival order, a batch at a time.

    A batch costs one lookup query, one query for the texts of the candidates, and the inserts
    (plain statements: a rebuild writes a million rows); what it indexes is seen by the later
    comments of the same batch.
    """

    session: Session
    period_id: int
    index: dict[tuple[int, int], set[int]] = field(default_factory=lambda: defaultdict(set))
    exemplars: dict[int, _Exemplar] = field(default_factory=dict)
    rows: dict[int, _Row] = field(default_factory=dict)
    growth: dict[int, _Growth] = field(default_factory=lambda: defaultdict(_Growth))
    new_bands: list[dict[str, int]] = field(default_factory=list)
    rep_words: dict[int, frozenset[str]] = field(default_factory=dict)

    def run(self, submissions: Sequence[Submission],
            known: Mapping[int, tuple[str, Fingerprint]] | None = None) -> list[Outcome]:
        """`known`: fingerprints worked out beforehand (`fingerprints`), by comment id with the
        text they were taken from; the others are worked out here."""
        known = known or {}
        prints: dict[int, Fingerprint] = {}
        for s in submissions:
            text, found = known.get(s.id, (None, None))
            prints[s.id] = found if found is not None and text == s.body else fingerprint(s.body)
        self.session.flush()
        with self.session.no_autoflush:
            self._lookup({key for found in prints.values() for key in found.keys})
            outcomes = [self._one(s, prints[s.id]) for s in submissions]
        self._write()
        return outcomes

    # -- reading the index ------------------------------------------------------------------

    def _lookup(self, keys: set[int]) -> None:
        ordered = sorted(keys)
        found: set[int] = set()
        for start in range(0, len(ordered), LOOKUP_CHUNK):
            rows = self.session.execute(
                select(CampaignBand.hash, CampaignBand.band, CampaignBand.submission_id)
                .where(CampaignBand.period_id == self.period_id,
                       CampaignBand.hash.in_(ordered[start:start + LOOKUP_CHUNK]))
            )
            for key, band, submission_id in rows:
                self.index[(key, band)].add(submission_id)
                found.add(submission_id)
        self._load(found - self.exemplars.keys())

    def _load(self, ids: Iterable[int]) -> None:
        wanted = sorted(ids)
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            rows = self.session.execute(
                select(Submission.id, Submission.body, CampaignCheck.campaign_id,
                       CampaignCheck.removed)
                .join(CampaignCheck, CampaignCheck.submission_id == Submission.id)
                .where(Submission.id.in_(wanted[start:start + LOOKUP_CHUNK]))
            )
            for submission_id, body, campaign_id, removed in rows:
                self.exemplars[submission_id] = _Exemplar(submission_id, campaign_id, removed,
                                                          body)

    # -- one comment ------------------------------------------------------------------------

    def _one(self, submission: Submission, found: Fingerprint) -> Outcome:
        row = self.rows[submission.id] = _Row(submission.id)
        if not found.joinable:
            return Outcome(submission.id, None)
        hits: Counter[int] = Counter()
        for band, key in enumerate(found.keys):
            hits.update(self.index.get((key, band), ()))
        scored = []
        for exemplar_id, _ in hits.most_common(CANDIDATES):
            exemplar = self.exemplars.get(exemplar_id)
            if exemplar is None or exemplar.removed:
                continue
            scored.append((jaccard(found.shingles, exemplar.shingles), exemplar_id))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        matches = [(sim, e) for sim, e in scored if sim >= JOIN_SIMILARITY]
        if not matches:
            self._index(submission, found, row)
            return Outcome(submission.id, None)
        similarity, best = matches[0]
        campaign = self._campaign_of(best)
        self._join(submission.received_at, found.words, row, campaign, similarity)
        for other_similarity, other in matches[1:]:
            self._gather(campaign, other, other_similarity)
        closest = max((sim for sim, e in scored
                       if self.exemplars[e].campaign_id == campaign.id), default=0.0)
        if campaign.exemplars + self.growth[campaign.id].exemplars < MAX_EXEMPLARS and \
                closest < NEW_EXEMPLAR_BELOW:
            self._index(submission, found, row)
            self.exemplars[submission.id].campaign_id = campaign.id
            self.growth[campaign.id].exemplars += 1
        return Outcome(submission.id, campaign, row.added_words)

    def _index(self, submission: Submission, found: Fingerprint, row: _Row) -> None:
        row.exemplar = True
        sid = submission.id
        for band, key in enumerate(found.keys):
            self.index[(key, band)].add(sid)
        self.new_bands += keys_of(self.period_id, found, sid)
        self.exemplars[sid] = _Exemplar(sid, row.campaign_id, False, submission.body,
                                        found.shingles)

    def _row(self, submission_id: int) -> _Row:
        row = self.rows.get(submission_id)
        if row is None:
            # Locked, so two workers cannot both make a campaign of the same lone comment.
            stored = self.session.execute(
                select(_CHECKS).where(_CHECKS.c.submission_id == submission_id)
                .with_for_update()).one()
            row = self.rows[submission_id] = _Row(
                submission_id, stored.campaign_id, stored.similarity, stored.added_words,
                stored.exemplar, stored=True)
        return row

    def _campaign_of(self, exemplar_id: int) -> Campaign:
        row = self._row(exemplar_id)
        if row.campaign_id is not None:
            found = self.session.get(Campaign, row.campaign_id)
            assert found is not None  # noqa: S101
            self.exemplars[exemplar_id].campaign_id = found.id
            return found
        representative = self.session.get(Submission, exemplar_id)
        assert representative is not None  # noqa: S101
        campaign = Campaign(
            period_id=self.period_id, name=default_name(representative),
            language=representative.language, representative_id=representative.id, size=0,
            exemplars=0, first_seen_at=representative.received_at,
            last_seen_at=representative.received_at,
        )
        self.session.add(campaign)
        self.session.flush()
        row.campaign_id, row.similarity, row.added_words = campaign.id, 1.0, 0
        self.exemplars[exemplar_id].campaign_id = campaign.id
        self.growth[campaign.id].add(representative.received_at)
        self.growth[campaign.id].exemplars += 1
        return campaign

    def _join(self, at: datetime, words: Sequence[str], row: _Row, campaign: Campaign,
              similarity: float) -> None:
        row.campaign_id = campaign.id
        row.similarity = round(similarity, 4)
        row.added_words = self.added_words(campaign, words)
        self.growth[campaign.id].add(at)

    def _gather(self, campaign: Campaign, exemplar_id: int, similarity: float) -> None:
        """Another match: a lone comment comes along; a found campaign of the same letter
        joins, unless staff acted on either."""
        exemplar = self.exemplars[exemplar_id]
        if exemplar.campaign_id == campaign.id:
            return
        row = self._row(exemplar_id)
        if row.campaign_id is None:
            lone = self.session.get(Submission, exemplar_id)
            assert lone is not None  # noqa: S101
            self._join(lone.received_at, body_words(lone.body), row, campaign, similarity)
            exemplar.campaign_id = campaign.id
            self.growth[campaign.id].exemplars += 1
            return
        other = self.session.get(Campaign, row.campaign_id)
        if other is None or other.id == campaign.id or not (campaign.untouched
                                                            and other.untouched):
            return
        from portal.services.campaigns import merge  # merge uses this module's helpers

        self._write()
        merge(self.session, campaign, other, DETECTION)
        for cached in self.exemplars.values():
            if cached.campaign_id == other.id:
                cached.campaign_id = campaign.id

    def added_words(self, campaign: Campaign, words: Sequence[str]) -> int:
        """How many of the words the campaign's representative does not have."""
        known = self.rep_words.get(campaign.id)
        if known is None:
            cached = self.exemplars.get(campaign.representative_id)
            text = cached.body if cached is not None else self.session.scalar(
                select(Submission.body).where(Submission.id == campaign.representative_id))
            known = self.rep_words[campaign.id] = frozenset(body_words(text or ""))
        return sum(1 for word in words if word not in known)

    # -- writing ----------------------------------------------------------------------------

    def _write(self) -> None:
        """Store the rows and keys, and grow the campaigns without touching their version (a
        moderator's page of a campaign stays valid while copies keep coming)."""
        self.session.flush()
        now = utcnow()
        fresh = [{"submission_id": r.submission_id, "period_id": self.period_id,
                  "removed": False, "checked_at": now, **r.values()}
                 for r in self.rows.values() if not r.stored]
        if fresh:
            self.session.execute(_CHECKS.insert(), fresh)
        for r in self.rows.values():
            if r.stored:
                self.session.execute(_CHECKS.update()
                                     .where(_CHECKS.c.submission_id == r.submission_id)
                                     .values(**r.values()))
        self.rows.clear()
        if self.new_bands:
            self.session.execute(_BANDS.insert(), self.new_bands)
            self.new_bands = []
        for campaign_id, grown in self.growth.items():
            if not grown.members and not grown.exemplars:
                continue
            self.session.execute(
                update(Campaign).where(Campaign.id == campaign_id).values(
                    size=Campaign.size + grown.members,
                    exemplars=Campaign.exemplars + grown.exemplars,
                    first_seen_at=_earlier(Campaign.first_seen_at, grown.first),
                    last_seen_at=_later(Campaign.last_seen_at, grown.last),
                ).execution_options(synchronize_session=False)
            )
            found = self.session.get(Campaign, campaign_id)
            if found is not None:
                self.session.expire(found, ["size", "exemplars", "first_seen_at",
                                            "last_seen_at"])
        self.growth.clear()


def _earlier(column: Any, value: datetime | None) -> Any:
    if value is None:
        return column
    at = literal(value, UTCDateTime())
    return case((column > at, at), else_=column)


def _later(column: Any, value: datetime | None) -> Any:
    if value is None:
        return column
    at = literal(value, UTCDateTime())
    return case((column < at, at), else_=column)


def default_name(submission: Submission) -> str:
    subject = " ".join(submission.subject.split())
    if subject:
        return subject[:200]
    return " ".join(submission.body.split()[:10])[:200]
