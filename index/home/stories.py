"""Stories: the articles that tell one story, grouped as they are added.

With feeds the same event arrives from many sources, often as copies of one
wire story (re-headlined, trimmed, padded with each site's boilerplate). Each
article added gets a fingerprint: a MinHash signature of its body
(``index.analysis.minhash``), the names it mentions and its publication day.
LSH band keys find the articles it may share a story with; a pair is one story
when the rule below holds, and a story is what those pairs connect
(union-find). A story's id is its first member's article id: a later copy joins
it, and when a new article joins two stories the older one's id stays.

The rule, from ``bench/stories.py`` (ground truth of syndicated copies of real
BBC and Reuters articles against distinct articles of the same category and
days): estimated Jaccard >= 0.40, or >= 0.25 when the two also share at least
40 % of their named people, organisations and places (copies keep their names;
stories on one topic share a few), or >= 0.30 when one of them has no names
(no tagger); two that both name someone and share no name are two stories (one
template filled for two banks: "X raises prime rate"). Articles with a stated
publication date more than ``WINDOW_DAYS`` apart are never one story.

Wires also send templates: the daily Treasury balances, a metal market at midday
and at the close, one grain table per town. Two of them share most of their words
and no story: what differs is the numbers, each in the same place. So a pair
passing the rule is still two stories when, of the places where both put a number
(the same two words either side), fewer than ``NUMBERS_AGREE`` hold the same
number in both (``numbers_agree``). Copies keep their numbers where they keep the
text around them; a correction changes one of many and stays with its story.

Everything lives in SQLite next to the articles (``story_members``,
``story_keys``), so stories survive a re-index, and an article added again
finds its story again. Removed articles leave their band keys behind: they are
skipped (no member row) and cost nothing but a few bytes.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from index.analysis import minhash
from index.models import Analysis, Article, Story
from index.sqlite import atomic, in_chunks

STORIES_SCHEMA = """
CREATE TABLE IF NOT EXISTS story_members (
    article_id TEXT PRIMARY KEY,
    story TEXT NOT NULL,
    day INTEGER,
    shingles INTEGER NOT NULL DEFAULT 0,
    signature BLOB,
    names BLOB NOT NULL DEFAULT x''
);
CREATE INDEX IF NOT EXISTS story_members_story ON story_members(story);
CREATE TABLE IF NOT EXISTS story_keys (
    key INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (key, article_id)
) WITHOUT ROWID;
"""

JACCARD = 0.40
"""Estimated Jaccard of the shingle sets that makes two articles one story by itself."""
JACCARD_WITH_NAMES = 0.25
NAMES_SHARED = 0.40
"""...or this Jaccard, when the Jaccard of their names is at least ``NAMES_SHARED``."""
JACCARD_WITHOUT_NAMES = 0.30
"""The one threshold when either article has no names (no tagger, or none found)."""
WINDOW_DAYS = 3
"""Stated publication dates further apart than this are never one story."""
NUMBERS_AGREE = 0.8
"""Of the places where both articles put a number, the share that must hold the same
number. Of the Reuters-21578 pairs the rest of the rule joins, resends hold the same
number in every shared place and corrections in 7 of 8 or more (36.7 mln sales made
39.7); two days of one template mostly in none (the Treasury's balances), the LME's
midday and closing copper report in 6 of 8. Some fall on the wrong side: a correction of
2 of 9 figures is cut from its story, a daily table that barely moved (farmer-owned
reserve prices, 82 %) stays with the day before."""
NUMBER_SIDE_WORDS = 2
"""Words either side that name a number's place ("balances rose to # mln dlrs")."""
RULE = (
    f"J >= {JACCARD:.2f}, or J >= {JACCARD_WITH_NAMES:.2f} with names shared >= "
    f"{NAMES_SHARED:.2f} (J >= {JACCARD_WITHOUT_NAMES:.2f} without names), a name shared,"
    f" dates within "
    f"{WINDOW_DAYS} days, numbers agreeing in >= {NUMBERS_AGREE:.0%} of shared places"
)
NAME_LABELS = frozenset({"PERSON", "ORG", "PLACE", "NORP"})
BACKFILL_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What deciding a pair needs of one article."""

    signature: minhash.Signature
    day: int | None
    """The stated publication date as a day number (None: undated, or only a file's mtime)."""
    names: frozenset[int]
    """crc32 of the casefolded canonical names it mentions."""


def fingerprint(article: Article, analysis: Analysis) -> Fingerprint | None:
    """The article's fingerprint, or None when its body is too short to have one."""
    signature = minhash.signature(article.body)
    if signature is None:
        return None
    return Fingerprint(signature, _day(article), _names(analysis))


def _day(article: Article) -> int | None:
    if article.published is None or article.date_origin not in ("metadata", "text"):
        return None
    return article.published.toordinal() if isinstance(article.published, datetime) else None


def _names(analysis: Analysis) -> frozenset[int]:
    return frozenset(
        zlib.crc32(entity.canonical.casefold().encode())
        for entity in analysis.entities
        if entity.label in NAME_LABELS
    )


def same_story(a: Fingerprint, b: Fingerprint) -> bool:
    """The rule (see the module's docstring)."""
    if a.day is not None and b.day is not None and abs(a.day - b.day) > WINDOW_DAYS:
        return False
    jaccard = minhash.similarity(a.signature, b.signature)
    if not a.names or not b.names:
        return jaccard >= JACCARD_WITHOUT_NAMES
    shared = len(a.names & b.names) / len(a.names | b.names)
    if not shared:  # one template, two banks raising their prime rate
        return False
    return jaccard >= JACCARD or (jaccard >= JACCARD_WITH_NAMES and shared >= NAMES_SHARED)


_TOKEN = re.compile(r"\d+(?:[.,/:]\d+)*|[^\W\d_]+")
"""A number ("1,417", "6.10", "1/2") is one token; words are runs of letters."""

NumberPlaces = dict[str, frozenset[str]]
"""A text's numbers by their place: its words either side, the numbers among them masked."""


def number_places(text: str, *, side: int = NUMBER_SIDE_WORDS) -> NumberPlaces:
    """Where the text puts numbers, and which (thousands separators dropped: "2,000" is
    "2000"). One place may hold several (a table's column)."""
    tokens = _TOKEN.findall(text.casefold())
    masked = ["#" if token[0].isdigit() else token for token in tokens]
    found: dict[str, set[str]] = {}
    for i, token in enumerate(tokens):
        if masked[i] == "#":
            place = " ".join((*masked[max(0, i - side) : i], "#", *masked[i + 1 : i + 1 + side]))
            found.setdefault(place, set()).add(token.replace(",", ""))
    return {place: frozenset(numbers) for place, numbers in found.items()}


def numbers_agree(a: NumberPlaces, b: NumberPlaces) -> bool:
    """Whether two texts hold the same numbers in the places both put one (see
    ``NUMBERS_AGREE``); texts without such a place agree."""
    shared = a.keys() & b.keys()
    same = sum(1 for place in shared if a[place] & b[place])
    return same >= NUMBERS_AGREE * len(shared)


def _packed(names: frozenset[int]) -> bytes:
    return array("I", sorted(names)).tobytes()


def _unpacked(blob: bytes) -> frozenset[int]:
    found = array("I")
    found.frombytes(blob)
    return frozenset(found)


class StoryTable:
    """The stories tables' queries (a part of :class:`~index.home.store.Store`)."""

    _conn: sqlite3.Connection

    def assign_stories(self, items: Iterable[tuple[Article, Analysis]]) -> int:
        """Give each article its story (its own, or one it is a copy in), in one
        transaction; earlier-dated articles first, so a story is named after its first
        member. Returns how many articles joined a story of others."""
        ordered = sorted(items, key=lambda item: _order(item[0]))
        joined = 0
        with atomic(self._conn):
            self.forget_stories([article.id for article, _ in ordered])
            for article, analysis in ordered:
                joined += self._assign(article, fingerprint(article, analysis))
        return joined

    def _assign(self, article: Article, found: Fingerprint | None) -> bool:
        article_id = article.id
        if found is None:  # too short to tell: a story of its own
            self._conn.execute(
                "INSERT INTO story_members (article_id, story) VALUES (?, ?)",
                (article_id, article_id),
            )
            return False
        keys = minhash.band_keys(found.signature)
        alike = {
            other: story
            for other, story, fingerprint_ in self._candidates(keys)
            if other != article_id and same_story(found, fingerprint_)
        }
        stories = set()
        if alike:  # the few that pass: their numbers, from their stored bodies
            mine = number_places(article.body)
            bodies = self._bodies(list(alike))
            stories = {
                story
                for other, story in alike.items()
                if numbers_agree(mine, number_places(bodies.get(other, "")))
            }
        story = self._oldest(stories) if stories else article_id
        if len(stories) > 1:
            merged = sorted(stories - {story})
            marks = ",".join("?" * len(merged))
            self._conn.execute(
                f"UPDATE story_members SET story = ? WHERE story IN ({marks})", (story, *merged)
            )
        signature = found.signature
        self._conn.execute(
            "INSERT INTO story_members (article_id, story, day, shingles, signature, names)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (article_id, story, found.day, signature.shingles, signature.values,
             _packed(found.names)),
        )  # fmt: skip
        self._conn.executemany(
            "INSERT OR IGNORE INTO story_keys (key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in keys],
        )
        return bool(stories)

    def _candidates(self, keys: Sequence[int]) -> list[tuple[str, str, Fingerprint]]:
        rows = self._conn.execute(
            "SELECT DISTINCT m.article_id, m.story, m.day, m.shingles, m.signature, m.names"
            " FROM story_keys k JOIN story_members m ON m.article_id = k.article_id"
            f" WHERE k.key IN ({','.join('?' * len(keys))}) AND m.signature IS NOT NULL",
            tuple(keys),
        )
        return [
            (other, story, Fingerprint(minhash.Signature(sig, shingles), day, _unpacked(names)))
            for other, story, day, shingles, sig, names in rows.fetchall()
        ]

    def _bodies(self, ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk, marks in in_chunks(list(ids)):
            rows = self._conn.execute(f"SELECT id, body FROM articles WHERE id IN ({marks})", chunk)
            found.update(rows.fetchall())
        return found

    def _oldest(self, stories: set[str]) -> str:
        """Of stories about to merge, the one the library has held longest."""
        if len(stories) == 1:
            return next(iter(stories))
        marks = ",".join("?" * len(stories))
        row = self._conn.execute(
            f"SELECT story FROM story_members WHERE story IN ({marks})"
            " GROUP BY story ORDER BY MIN(rowid) LIMIT 1",
            tuple(stories),
        ).fetchone()
        return str(row[0])

    def forget_stories(self, ids: Sequence[str]) -> None:
        """Take articles out of their stories (removed, or about to be assigned again)."""
        with atomic(self._conn):
            for chunk, marks in in_chunks(list(ids)):
                self._conn.execute(
                    f"DELETE FROM story_members WHERE article_id IN ({marks})", chunk
                )

    def unassigned(self, limit: int) -> list[str]:
        """Articles without a story (stored by a version before stories, or a kill between
        an ingest's commit and its stories)."""
        rows = self._conn.execute(
            "SELECT a.id FROM articles a LEFT JOIN story_members m ON m.article_id = a.id"
            " WHERE m.article_id IS NULL LIMIT ?",
            (limit,),
        )
        return [row[0] for row in rows]

    def stories_of(self, ids: Sequence[str]) -> dict[str, Story]:
        """Each article's story: its id, how many articles it has, and their distinct
        sources. Articles without a story (not yet assigned) are left out."""
        story_of: dict[str, str] = {}
        for chunk, marks in in_chunks(list(dict.fromkeys(ids))):
            rows = self._conn.execute(
                f"SELECT article_id, story FROM story_members WHERE article_id IN ({marks})",
                chunk,
            )
            story_of.update(rows.fetchall())
        members: dict[str, list[str]] = {}
        for chunk, marks in in_chunks(sorted(set(story_of.values()))):
            rows = self._conn.execute(
                "SELECT m.story, a.source FROM story_members m"
                " JOIN articles a ON a.id = m.article_id"
                f" WHERE m.story IN ({marks}) ORDER BY m.rowid",
                chunk,
            )
            for story, source in rows:
                members.setdefault(story, []).append(source)
        stories = {
            story: Story(story, len(sources), tuple(dict.fromkeys(s for s in sources if s)))
            for story, sources in members.items()
        }
        return {i: stories[s] for i, s in story_of.items() if s in stories}


def _order(article: Article) -> tuple[bool, str, str]:
    """Dated articles by date, then the undated; ties by id (the same order every run)."""
    published = article.published.isoformat() if article.published is not None else ""
    return (article.published is None, published, article.id)
