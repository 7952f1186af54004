"""Filter rules: a query and what to do with the new articles it matches.

newsboat's killfile and Miniflux's block rules, in our own query language:
``hide`` (kept, and shown again by ``is:hidden``: nothing is silently deleted),
``read``, ``star`` or ``tag`` (``tag:NAME`` finds them). Rules apply to the
articles an ``add`` or a refresh has just added, once, as they arrive; a rule
written later does not rewrite the past.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal

from index.sqlite import atomic, in_chunks

RULES_SCHEMA = """
CREATE TABLE IF NOT EXISTS rules (
    id INTEGER PRIMARY KEY,
    query TEXT NOT NULL,
    action TEXT NOT NULL,
    tag TEXT NOT NULL DEFAULT '',
    added TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now'))
);
CREATE TABLE IF NOT EXISTS hidden (
    article_id TEXT PRIMARY KEY,
    rule_id INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS article_tags (
    article_id TEXT NOT NULL,
    tag TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (tag, article_id)
) WITHOUT ROWID;
"""

Action = Literal["hide", "read", "star", "tag"]
ACTIONS: tuple[Action, ...] = ("hide", "read", "star", "tag")


@dataclass(frozen=True, slots=True)
class Rule:
    id: int
    query: str
    action: Action
    tag: str = ""

    def describe(self) -> str:
        what = f"tag {self.tag!r}" if self.action == "tag" else self.action
        return f"#{self.id}: {self.query} → {what}"


class RuleTable:
    """The rules, hidden and tag tables (a part of :class:`~index.home.store.Store`)."""

    _conn: sqlite3.Connection

    def _ruling(self) -> AbstractContextManager[None]:
        return atomic(self._conn)

    def add_rule(self, query: str, action: Action, tag: str = "") -> Rule:
        with self._ruling():
            cursor = self._conn.execute(
                "INSERT INTO rules (query, action, tag) VALUES (?, ?, ?)", (query, action, tag)
            )
        return Rule(int(cursor.lastrowid or 0), query, action, tag)

    def rules(self) -> list[Rule]:
        rows = self._conn.execute("SELECT id, query, action, tag FROM rules ORDER BY id")
        return [Rule(int(i), q, a, t) for i, q, a, t in rows]

    def remove_rule(self, rule_id: int) -> bool:
        with self._ruling():
            gone = self._conn.execute("DELETE FROM rules WHERE id = ?", (rule_id,))
        return gone.rowcount > 0

    def hide(self, ids: Iterable[str], rule_id: int) -> None:
        with self._ruling():
            self._conn.executemany(
                "INSERT OR IGNORE INTO hidden (article_id, rule_id) VALUES (?, ?)",
                [(i, rule_id) for i in ids],
            )

    def hidden_ids(self) -> set[str]:
        return {row[0] for row in self._conn.execute("SELECT article_id FROM hidden")}

    def tag(self, ids: Iterable[str], tag: str) -> None:
        with self._ruling():
            self._conn.executemany(
                "INSERT OR IGNORE INTO article_tags (article_id, tag) VALUES (?, ?)",
                [(i, tag) for i in ids],
            )

    def tagged(self, tag: str) -> set[str]:
        rows = self._conn.execute("SELECT article_id FROM article_tags WHERE tag = ?", (tag,))
        return {row[0] for row in rows}

    def tags_of(self, ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for chunk, marks in in_chunks(ids):
            rows = self._conn.execute(
                "SELECT article_id, tag FROM article_tags"
                f" WHERE article_id IN ({marks}) ORDER BY tag",
                chunk,
            )
            for article_id, tag in rows:
                found.setdefault(article_id, []).append(tag)
        return {key: tuple(tags) for key, tags in found.items()}
