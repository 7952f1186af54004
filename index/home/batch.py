"""One commit of an ingest: the articles to index, what each carrier now holds, and the
articles that may have lost their last carrier.

Files (``add``) and, later, subscriptions go through the same batch, so the
rules are the same for both: an article is analysed and indexed only when its
text is new or changed; an id is given to the index once per commit (a repeat
with other text waits for the next commit, so the later copy is an update);
and an article is removed only when no carrier holds it any more. Each
commit writes the index and the articles first, then, in one store
transaction, the removals and the carriers' new sets: a kill at any moment
leaves either the last commit or the one before it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from index.errors import SourceError
from index.home.library import Library
from index.home.recovery import remove_ghosts, repair_repeats
from index.home.store import FileRecord, Store
from index.home.stories import BACKFILL_CHUNK
from index.models import Analysis, Article

ChangeCallback = Callable[[Article], object]
Analyser = Callable[[Article], Analysis | None]
"""An article's analysis, or None when it could not be analysed (the analyser says why)."""
Outcome = Literal["added", "updated", "unchanged"]


@dataclass
class IngestReport:
    """What an ``add`` run did; each article is counted once, however many files carry it."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    files: int = 0
    skipped: list[SourceError] = field(default_factory=list)
    seconds: float = 0.0
    repaired: int = 0
    """Articles the index held more than one document for, made one again first, and
    documents it held without a stored article (a kill between the two commits), removed."""

    def counts(self) -> dict[str, int]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "skipped": len(self.skipped),
        }


class Batch:
    """What the next commit writes, and the run's counts."""

    def __init__(
        self,
        library: Library,
        report: IngestReport,
        *,
        limit: int,
        seconds: float,
        on_changed: ChangeCallback | None = None,
        stories: bool = True,
    ) -> None:
        self.library = library
        self.stories = stories
        """Whether each commit groups its articles into stories (``index.home.stories``)."""
        self.report = report
        self.on_changed = on_changed
        self.limit = limit
        """Articles per commit (``ingest.BATCH_ARTICLES``)..."""
        self.seconds = seconds
        """...or fewer, when the batch has been filling this long."""
        store = library.store
        if library.index.doc_count() != store.article_count():
            report.repaired = repair_repeats(library) + remove_ghosts(library)
        self._index_matches_store = library.index.doc_count() == store.article_count()
        """False after a crash left the index ahead of the store: then every article is an
        update (the index may hold a copy the store does not know)."""
        self._counted: set[str] = set()
        self._reset()

    def _reset(self) -> None:
        self.articles: dict[str, tuple[Article, Analysis]] = {}
        self._new: set[str] = set()
        """Articles the store did not know, not yet given to the index (added, not updated)."""
        self._files: dict[str, FileRecord] = {}
        self._carriers: dict[str, tuple[dict[str, None], bool]] = {}
        """Other carriers (subscriptions): the ids they hold, and whether those replace
        what they held."""
        self._dropped: list[str] = []
        self._doubtful: dict[str, None] = {}
        """Ids a carrier stopped holding: removed at commit if no carrier holds them."""
        self._changed: list[Article] = []
        self._started = time.monotonic()

    # Taking articles -------------------------------------------------------------------

    def clashes(self, articles: Iterable[Article]) -> bool:
        """An article repeats one of this batch with other text: commit this batch before
        taking it, so that the later copy updates the first."""
        for article in articles:
            held = self.articles.get(article.id)
            if held is not None and held[0].content_hash != article.content_hash:
                return True
        return False

    def take(
        self,
        articles: Sequence[Article],
        analyse: Analyser,
        *,
        force: frozenset[str] | set[str] = frozenset(),
    ) -> tuple[list[tuple[Article, Analysis]], list[str]]:
        """One carrier's articles: those to index now, and the ids the carrier holds.

        An article whose text the store (or this batch) already has is not
        analysed again, unless its id is in ``force`` (its stored copy names a
        file that is gone: this copy gives it a file that is there). Of two
        copies of an id in ``articles`` the later one counts.
        """
        latest = {article.id: article for article in articles}
        known = self.library.store.content_hashes([i for i in latest if i not in self.articles])
        fresh: list[tuple[Article, Analysis]] = []
        carried: list[str] = []
        for article_id, article in latest.items():
            held = self.articles.get(article_id)
            old = held[0].content_hash if held is not None else known.get(article_id)
            same = old == article.content_hash
            if same and (held is not None or article_id not in force):
                self.count(article_id, "unchanged")
                carried.append(article_id)
                continue
            analysis = analyse(article)
            if analysis is None:
                if old is not None:
                    carried.append(article_id)  # the stored version stays, still carried
                continue
            carried.append(article_id)
            if old is None:
                self.count(article_id, "added")
                self._new.add(article_id)
            else:
                self.count(article_id, "unchanged" if same else "updated")
                if not same:
                    self._changed.append(article)
            self.articles[article_id] = (article, analysis)
            fresh.append((article, analysis))
        return fresh, carried

    def count(self, article_id: str, outcome: Outcome) -> None:
        """Count an article for the report, once per run."""
        if article_id in self._counted:
            return
        self._counted.add(article_id)
        setattr(self.report, outcome, getattr(self.report, outcome) + 1)

    def carry_file(self, record: FileRecord, previous: Sequence[str]) -> None:
        """The file now carries ``record.article_ids`` instead of ``previous``."""
        self._files[record.path] = record
        self._doubt(previous, record.article_ids)

    def carry(
        self, carrier: str, ids: Sequence[str], *, replace: bool, previous: Sequence[str] = ()
    ) -> None:
        """``carrier`` holds ``ids``: instead of ``previous`` (``replace``), or as well."""
        held, replacing = self._carriers.get(carrier, ({}, False))
        held.update(dict.fromkeys(ids))
        self._carriers[carrier] = (held, replacing or replace)
        if replace:
            self._doubt(previous, held)

    def drop(self, carrier: str, previous: Sequence[str]) -> None:
        """``carrier`` is gone (a file deleted, or replaced by a folder)."""
        self._dropped.append(carrier)
        self._doubt(previous, ())

    def _doubt(self, previous: Iterable[str], now: Iterable[str]) -> None:
        kept = set(now)
        self._doubtful.update(dict.fromkeys(i for i in previous if i not in kept))

    def grow(self, factor: int, *, limit: int, seconds: float) -> None:
        """Let the next batches be ``factor`` times bigger and longer, up to these caps."""
        self.limit = min(self.limit * factor, limit)
        self.seconds = min(self.seconds * factor, seconds)

    def due(self) -> bool:
        return len(self.articles) >= self.limit or (
            bool(self.articles) and time.monotonic() - self._started > self.seconds
        )

    def new_check(self) -> Callable[[str], bool] | None:
        """What ``Library.put`` may ask to add without looking for an older copy."""
        return self._is_new if self._index_matches_store else None

    def _is_new(self, article_id: str) -> bool:
        """Not in the store before this run and not yet given to the index in it."""
        if article_id in self._new:
            self._new.discard(article_id)
            return True
        return False

    # Committing -------------------------------------------------------------------------

    def commit(self, *, indexed: bool = False) -> None:
        """Write what is pending: articles (unless ``indexed``: streamed in already), then
        the removals and the carriers in one store transaction."""
        if self.articles and not indexed:
            self.library.put(list(self.articles.values()), is_new=self.new_check())
        if self.articles and self.stories:
            self.library.store.assign_stories(self.articles.values())
        removals = self._uncarried()
        if removals or self._files or self._carriers or self._dropped:
            self.report.removed += self.library.remove(removals, also=self._write_carriers)
        if self.on_changed is not None:
            for article in self._changed:
                self.on_changed(article)
        self._reset()

    def assign_leftovers(self) -> int:
        """Group the stored articles that have no story yet (a library from before stories,
        or a kill between a commit and its stories); returns how many were grouped."""
        store = self.library.store
        done = 0
        while self.stories and (ids := store.unassigned(BACKFILL_CHUNK)):
            found = [s for s in map(store.article, ids) if s is not None]
            store.assign_stories((s.article, s.analysis) for s in found)
            done += len(found)
            if len(found) < len(ids):  # removed meanwhile: never loop on them
                break
        return done

    def _write_carriers(self, store: Store) -> None:
        for record in self._files.values():
            store.put_file(record)
        for carrier, (ids, replace) in self._carriers.items():
            store.carry(carrier, list(ids), replace=replace)
        for carrier in self._dropped:
            store.delete_file(carrier)

    def _uncarried(self) -> list[str]:
        """The doubtful ids no carrier holds once this commit is written."""
        if not self._doubtful:
            return []
        replaced = set(self._files) | set(self._dropped)
        replaced.update(carrier for carrier, (_, replace) in self._carriers.items() if replace)
        holding: set[str] = set()
        for record in self._files.values():
            holding.update(record.article_ids)
        for ids, _ in self._carriers.values():
            holding.update(ids)
        doubtful = [i for i in self._doubtful if i not in holding]
        elsewhere = self.library.store.carriers_for(doubtful)
        return [i for i in doubtful if not set(elsewhere.get(i, ())) - replaced]
