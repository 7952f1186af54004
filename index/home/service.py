"""LibraryHome: the one owner of a library home's rules.

The CLI and the reader call this and nothing below it for anything that
writes, or that must be true whoever asks: what ``add`` means (take the write
lock, ingest, re-anchor the bookmarks of every article whose text changed),
which bookmarks an article shows (re-anchored against its current text first,
orphans apart), that a bookmark is only stored on the text it was made on, and
what ``recover`` does (under the lock, with the library closed). Reading calls
(search, an article, related items) are passed through so that a caller needs
this one object.

Not thread-safe by itself: SQLite connections belong to the thread that opened
them, so the reader makes every call from its one library thread.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Literal

from index.bookmarks.store import BookmarkStore
from index.errors import NewsreaderError, QueryError, StorageError
from index.feeds import FetchPolicy, RefreshReport, Subscription, SubscriptionStore
from index.feeds.database import now as feeds_now
from index.feeds.refresh import ProgressCallback as FeedProgress
from index.feeds.refresh import due_now
from index.home import overview
from index.home.ingest import IngestReport, ProgressCallback, ingest
from index.home.library import Library, SortOrder
from index.home.locking import WriteLock
from index.home.marks import NO_MARKS, Mark, Marks, State
from index.home.recovery import RecoveryReport, reconcile, recover
from index.home.reindex import RebuildCallback, is_stale, needs_rebuild, rebuild_if_stale
from index.home.rules import ACTIONS, Action, Rule
from index.home.sources_view import SourceRow, SourcesView, folder_name, quoted
from index.home.store import Store, StoredArticle
from index.home.subscribing import FeedRow, Feeds, ImportReport, Subscribed
from index.models import (
    Analysis,
    Article,
    Bookmark,
    BookmarkStatus,
    EntityPage,
    Facets,
    Hit,
    Related,
    SearchResult,
    Story,
)
from index.paths import LibraryPaths, why_unwritable
from index.search.deadline import QueryTooSlow
from index.search.states import StateFilter, split_states
from index.search.typing import as_typed
from index.text import visible

Range = tuple[int, int]
WaitCallback = Callable[[int | None], None]
ExportFormat = Literal["markdown", "json"]


@dataclass(frozen=True, slots=True)
class ArticleBookmarks:
    """An article's bookmarks as checked against the text it has now."""

    content_hash: str
    """The version of the article they were checked against."""
    shown: tuple[Bookmark, ...]
    """Anchored or moved: their offsets point into that text, in reading order."""
    orphaned: tuple[Bookmark, ...]
    """Their passage is no longer in the text (kept, with the quote)."""

    @property
    def ranges(self) -> list[Range]:
        return [(bookmark.start, bookmark.end) for bookmark in self.shown]


class StaleTextError(NewsreaderError):
    """A bookmark was asked for on a version of an article that is no longer the stored one."""


def _uncarry(carrier: str, ids: Sequence[str], store: Store) -> None:
    store.uncarry(carrier, ids)


@dataclass(frozen=True)
class MarkReport:
    """What ``mark`` did."""

    changed: int
    already: int
    missing: tuple[str, ...]
    ids: tuple[str, ...] = ()
    """The articles that changed (an undo marks them back)."""


class LibraryHome:
    """One library home: its library, bookmarks and write lock, opened on first use."""

    def __init__(
        self,
        paths: LibraryPaths,
        *,
        tagger: str | None = "rules",
        on_reindex: RebuildCallback | None = None,
        reset_unread_on_update: bool = False,
    ) -> None:
        self.paths = paths
        self.tagger = tagger
        self.reset_unread_on_update = reset_unread_on_update
        """An article whose text changed (a file edited, an entry updated upstream) becomes
        unread again (newsboat's ``reset-unread-on-update``); off by default."""
        self.on_reindex = on_reindex
        """Told (done, total) while an index from an older version is rebuilt on opening."""
        self._library: Library | None = None
        self._bookmarks: BookmarkStore | None = None
        self._holding = False

    # Opening and closing ------------------------------------------------------------

    @property
    def library(self) -> Library:
        if self._library is None:
            library = Library.open(self.paths.ensure())
            if is_stale(library):
                library.close()
                self.reindex_if_stale()
                library = Library.open(self.paths)
            self._library = library
            self._reconcile(library)
        return self._library

    def _changed(self, article: Article) -> None:
        """An article's text changed: its bookmarks are found again, and with
        ``reset_unread_on_update`` it is unread again."""
        self.bookmarks.reanchor(article)
        if self.reset_unread_on_update:
            self.library.store.mark([article.id], "unread")

    def reindex_if_stale(self, on_wait: WaitCallback | None = None) -> int | None:
        """Rebuild the search index from the store if an older newsreader wrote it (see
        :mod:`index.home.reindex`), under the write lock; how many articles were indexed,
        or ``None`` if it was current. Opening the library does this by itself; the app
        calls it first, so that the rebuild is told on the terminal, before the screen."""
        if not needs_rebuild(self.paths.ensure()):
            return None
        with self._locked(on_wait):
            return rebuild_if_stale(self.paths.ensure(), self.on_reindex)

    def _reconcile(self, library: Library) -> None:
        """Remove what a killed ``add`` left in the index without its article (a search
        hit that ``show`` could not open), if no writer is at work: two counts when
        index and store agree. A live writer's own commit window is covered by the
        search, which lists only stored articles."""
        try:
            if library.count() <= library.store.article_count():
                return
        except StorageError:
            return  # a damaged index: the command that reads it says so
        lock = self.write_lock()
        if not lock.try_acquire():
            return
        try:
            reconcile(library)
        except StorageError:
            pass  # e.g. a full disk: reading still works, hits are still checked
        finally:
            lock.release()

    @property
    def bookmarks(self) -> BookmarkStore:
        if self._bookmarks is None:
            self._bookmarks = BookmarkStore(self.paths.ensure().database, self.library.store)
        return self._bookmarks

    def write_lock(self) -> WriteLock:
        return WriteLock(self.paths.ensure().lock)

    def close(self) -> None:
        self._close_feeds()
        if self._bookmarks is not None:
            self._bookmarks.close()
            self._bookmarks = None
        if self._library is not None:
            self._library.close()
            self._library = None

    # Writing articles ---------------------------------------------------------------

    def add(
        self,
        paths: Iterable[str | Path],
        *,
        prune: bool = False,
        jobs: int | None = None,
        on_progress: ProgressCallback | None = None,
        on_wait: WaitCallback | None = None,
    ) -> IngestReport:
        """Add files and folders under the write lock; the bookmarks of every article whose
        text changed are re-anchored in the same run."""
        _opened = self.bookmarks  # opens the library (and rebuilds a stale index) before the lock
        lock = self.write_lock()
        lock.acquire(on_wait=on_wait)
        paths = list(paths)
        # Filter rules see only what this run adds: the ids before it, when there are rules.
        before = set(self.library.store.article_ids()) if self.library.store.rules() else None
        try:
            report = ingest(
                self.library,
                paths,
                prune=prune,
                tagger=self.tagger,
                jobs=jobs,
                on_progress=on_progress,
                on_changed=self._changed,
            )
            folders = [Path(p).resolve() for p in paths if Path(p).is_dir()]
            self.library.store.remember_folders([str(f) for f in folders])
            if before is not None:
                self.apply_rules(set(self.library.store.article_ids()) - before)
            return report
        finally:
            lock.release()

    def recover(self) -> RecoveryReport:
        """Check the home and repair it (see :mod:`index.home.recovery`), under the write
        lock and with this home's own connections closed first.

        Refused, with nothing touched, when the home cannot be written (a full disk,
        a read-only mount, no permission): SQLite then reads a healthy database as
        broken, and recovery would set the whole library aside for nothing.
        """
        for folder in (self.paths.home, self.paths.index_dir):
            cause = why_unwritable(folder) if folder.exists() else None
            if cause is not None:
                raise StorageError(
                    f"cannot recover the library in {self.paths.home}: {cause}. Nothing was "
                    "changed; the library is probably fine once it can be written again"
                )
        lock = self.write_lock()
        lock.acquire(timeout=0)
        try:
            self.close()
            report = recover(self.paths)
            if report.reread:  # the articles lost with a damaged page, from their files
                ingest(self.library, report.reread, tagger=self.tagger)
                stored = self.library.store.content_hashes(report.lost_ids)
                report.articles_reread = len(stored)
                self.close()
            return report
        finally:
            lock.release()

    # Reading articles ---------------------------------------------------------------

    def count(self) -> int:
        return self.library.count()

    def warm(self) -> None:
        """Ready what searching as one types needs (see ``Library.warm``)."""
        self.library.warm()

    def article(self, article_id: str) -> StoredArticle | None:
        return self.library.article(article_id)

    def search(
        self,
        text: str,
        *,
        limit: int = 20,
        sort: SortOrder = "relevance",
        snippets: bool = True,
        typing: bool = False,
    ) -> SearchResult:
        """Hits for a query; its ``is:`` clauses (``index.search.states``) are read here,
        from the marks and the bookmarks, and handed to the library as sets of ids.

        ``typing``: the text is being typed (the reader's search box), and is searched
        as :func:`index.search.typing.as_typed` reads it: the last word also a prefix,
        an unfinished clause left out. Where the text as typed is not a query yet, the
        result's ``pending`` says what it would be told; a QueryError only when even
        what can be read of it is none."""
        if typing:
            return self._search_typed(text, limit=limit, sort=sort, snippets=snippets)
        return self._search(text, limit=limit, sort=sort, snippets=snippets)

    def _search(
        self, text: str, *, limit: int, sort: SortOrder, snippets: bool, typed: bool = False
    ) -> SearchResult:
        rest, states = split_states(text)
        only, without = self._state_sets(states)
        if not states and not without:
            return self.library.search(text, limit=limit, sort=sort, snippets=snippets,
                                       typed=typed)  # fmt: skip
        if not rest.strip():
            sort = "date"  # only filters: nothing to rank by, so newest first
        result = self.library.search(rest, limit=limit, sort=sort, snippets=snippets,
                                     only=only, without=without, typed=typed)  # fmt: skip
        return replace(result, query=text)

    def _search_typed(
        self, text: str, *, limit: int, sort: SortOrder, snippets: bool
    ) -> SearchResult:
        """``as_typed(text)`` searched, and ``pending`` the error the exact text gives (a
        stop word alone, an unfinished clause: shown once the person pauses)."""
        pending = self._query_error(text)
        typed = as_typed(text)
        attempts = [typed.text]
        words = typed.text.split()
        if pending is not None and len(words) > 1:  # "budget is:unr": the rest
            attempts.append(as_typed(" ".join(words[:-1]) + " ").text)
        failure: QueryError | None = None
        for attempt in attempts:
            try:
                result = self._search_once_more_if_slow(
                    attempt, limit=limit, sort=sort, snippets=snippets
                )
            except QueryError as error:
                failure = failure or error
                continue
            return replace(result, query=attempt, pending=pending)  # what was searched
        raise QueryError(pending or str(failure))

    def _search_once_more_if_slow(
        self, text: str, *, limit: int, sort: SortOrder, snippets: bool
    ) -> SearchResult:
        """A typed search, run again once if the deadline stopped it: a cold disk cache
        (a fresh process), and what the first attempt read is in memory for the second."""
        try:
            return self._search(text, limit=limit, sort=sort, snippets=snippets, typed=True)
        except QueryTooSlow:
            return self._search(text, limit=limit, sort=sort, snippets=snippets, typed=True)

    def _query_error(self, text: str) -> str | None:
        try:
            self.check_query(text)
        except QueryError as error:
            return str(error)
        return None

    def check_query(self, text: str) -> None:
        """Raise the QueryError ``text`` would give, without searching."""
        rest, states = split_states(text)
        if rest.strip() or not states:
            self.library.parse(rest)

    def _state_sets(
        self, states: Sequence[StateFilter], *, hidden_too: bool = False
    ) -> tuple[AbstractSet[str] | None, AbstractSet[str]]:
        """The articles a query may show (None: any) and those it may not (what a rule
        hid, unless ``hidden_too`` or the query asks for ``is:hidden``). A single set is
        handed on as the store gave it (the same object while nothing changed, which the
        library's cache of document numbers recognises)."""
        onlys: list[AbstractSet[str]] = []
        withouts: list[AbstractSet[str]] = []
        if not hidden_too and not any(wanted.state == "hidden" for wanted in states):
            hidden = self.library.store.hidden_ids()  # what a rule hid, unless asked for
            if hidden:
                withouts.append(hidden)
        for wanted in states:
            ids: AbstractSet[str]
            if wanted.state == "bookmarked":
                ids = self.bookmarks.article_ids()
            elif wanted.state == "hidden":
                ids = self.library.store.hidden_ids()
            elif wanted.state == "tag":
                ids = self.library.store.tagged(wanted.value)
            elif wanted.state in ("feed", "folder"):
                ids = self._source_ids(wanted.state, wanted.value)
            else:
                ids = self.library.store.marked_ids(
                    "starred" if wanted.state == "starred" else "read"
                )
            keep = (wanted.state == "unread") == wanted.negated  # unread: not among the read
            (onlys if keep else withouts).append(ids)
        only = (
            None
            if not onlys
            else onlys[0]
            if len(onlys) == 1
            else set.intersection(*map(set, onlys))
        )
        without = (
            withouts[0] if len(withouts) == 1 else set().union(*withouts) if withouts else set()
        )
        return only, without

    # Retention ----------------------------------------------------------------------

    def set_retention(
        self, name: str, *, keep_days: int | None, keep_max: int | None
    ) -> Subscription:
        """Keep a feed's read articles ``keep_days`` days and at most ``keep_max`` of its
        articles (None: no limit); ``cleanup`` applies it."""
        for value, what in ((keep_days, "days"), (keep_max, "articles")):
            if value is not None and value < 1:
                raise NewsreaderError(f"keep at least 1 {what[:-1]}, or give no limit")
        sub = self.feeds.subscriptions.find(name)
        self.feeds.subscriptions.set_retention(sub.id, keep_days, keep_max)
        return sub

    def cleanup(
        self, *, dry_run: bool = False, now: datetime | None = None
    ) -> list[tuple[Subscription, list[str]]]:
        """Remove what each feed's retention lets go: its articles past ``keep_max`` (the
        newest kept) or older than ``keep_days`` - never one that is unread, starred,
        bookmarked or carried by another feed or file. What would go (``dry_run``) or
        went, per feed. A removed entry is not fetched again (a tombstone)."""
        limits = self.feeds.subscriptions.retention()
        if not limits:
            return []
        store = self.library.store
        read = store.marked_ids("read")
        starred = store.marked_ids("starred")
        bookmarked = self.bookmarks.article_ids()
        today = now or datetime.now()
        plan: list[tuple[Subscription, list[str]]] = []
        for sub in self.feeds.subscriptions.all():
            if sub.id not in limits:
                continue
            keep_days, keep_max = limits[sub.id]
            ids = list(store.carried_by(sub.carrier))
            dates = store.published_of(ids)
            newest = sorted(ids, key=lambda i: (dates.get(i) or datetime.min, i), reverse=True)
            over = set(newest[keep_max:]) if keep_max else set()
            if keep_days:
                cut = today - timedelta(days=keep_days)
                over |= {i for i in newest if (dates.get(i) or datetime.min) < cut}
            carriers = store.carriers_for(sorted(over))
            gone = [
                i for i in newest
                if i in over and i in read and i not in starred and i not in bookmarked
                and carriers.get(i, ()) == (sub.carrier,)
            ]  # fmt: skip
            if gone:
                plan.append((sub, gone))
        if not dry_run:
            with self._locked(None):
                for sub, ids in plan:
                    self.library.remove(ids, also=partial(_uncarry, sub.carrier, ids))
        return plan

    # Filter rules (index.home.rules) -------------------------------------------------

    def add_rule(self, query: str, action: Action, tag: str = "") -> Rule:
        """A rule for new articles; its query must read (it is refused with the reason)."""
        if action not in ACTIONS:
            raise QueryError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
        tag = " ".join(visible(tag).split())
        if action == "tag" and not tag:
            raise QueryError("a tag rule needs --tag NAME")
        self.search(query, limit=1, snippets=False)
        return self.library.store.add_rule(query.strip(), action, tag)

    def rules(self) -> list[Rule]:
        return self.library.store.rules()

    def remove_rule(self, rule_id: int) -> bool:
        return self.library.store.remove_rule(rule_id)

    def apply_rules(self, new_ids: Iterable[str]) -> dict[int, int]:
        """Apply every rule to the articles just added: rule id -> articles it acted on."""
        fresh = set(new_ids)
        done: dict[int, int] = {}
        rules = self.library.store.rules() if fresh else []
        for rule in rules:
            rest, states = split_states(rule.query)
            only, without = self._state_sets(states, hidden_too=True)  # each rule sees all
            allowed = fresh if only is None else fresh & only
            try:
                ids = self.library.matching_ids(rest, only=allowed, without=without)
            except QueryError:
                continue  # a rule that no longer reads (a feed removed) acts on nothing
            if not ids:
                continue
            store = self.library.store
            if rule.action == "hide":
                store.hide(ids, rule.id)
            elif rule.action == "tag":
                store.tag(ids, rule.tag)
            else:
                store.mark(ids, "read" if rule.action == "read" else "star")
            done[rule.id] = len(ids)
        return done

    def _source_ids(self, kind: str, name: str) -> set[str]:
        """``feed:NAME``: a subscription's articles (by title, URL or id), else an added
        folder's (by its path or its name); ``folder:NAME``: those of the subscriptions in
        that OPML folder and the folders below it."""
        store = self.library.store
        subscriptions = self.feeds.subscriptions
        if kind == "folder":
            wanted = name.strip().strip("/").casefold()
            subs = [
                s for s in subscriptions.all()
                if s.folder.casefold() == wanted or s.folder.casefold().startswith(wanted + "/")
            ]  # fmt: skip
            if not subs:
                raise QueryError(f"no feed folder called {name!r} (see `newsreader feeds list`)")
            return {i for sub in subs for i in store.carried_by(sub.carrier)}
        try:
            return set(store.carried_by(subscriptions.find(name).carrier))
        except NewsreaderError:
            pass
        folder = store.folder_named(name)
        if folder is None:
            raise QueryError(
                f"no feed or added folder called {name!r} (see `newsreader feeds list`)"
            )
        return store.carried_under(folder)

    # Saved searches and counts of a view -----------------------------------------------

    def save_search(self, name: str, query: str) -> bool:
        """Keep a query under a name (the sources pane lists it with its unread count);
        a query that cannot be read is refused, with the reason. True when new."""
        name = " ".join(visible(name).split())
        if not name:
            raise QueryError("a saved search needs a name")
        self.search(query, limit=1, snippets=False)  # raises QueryError if unreadable
        return self.library.store.save_search(name, query.strip())

    def saved_searches(self) -> list[tuple[str, str]]:
        return self.library.store.saved_searches()

    def remove_saved_search(self, name: str) -> bool:
        return self.library.store.remove_saved_search(name)

    def sources(self) -> SourcesView:
        """Every view the sources pane lists, with its counts (see ``sources_view``)."""
        store = self.library.store
        counts = store.mark_counts()
        bookmarked = sorted(store.content_hashes(sorted(self.bookmarks.article_ids())))
        marks = store.marks_of(bookmarked)
        rows = [
            SourceRow("all", "All", "", counts["articles"], counts["unread"]),
            SourceRow("unread", "Unread", "is:unread", counts["unread"], counts["unread"]),
            SourceRow("starred", "Starred", "is:starred", counts["starred"],
                      counts["starred_unread"]),
            SourceRow("bookmarked", "Bookmarked", "is:bookmarked", len(bookmarked),
                      sum(1 for i in bookmarked if not marks.get(i, NO_MARKS).read)),
        ]  # fmt: skip
        by_source = store.source_counts()
        subs = sorted(
            self.feeds.subscriptions.all(), key=lambda s: (s.folder.casefold(), s.name.casefold())
        )
        titles = Counter(sub.title.casefold() for sub in subs if sub.title)
        for sub in subs:
            total, unread = by_source.get(sub.carrier, (0, 0))
            unique = sub.title and titles[sub.title.casefold()] == 1 and '"' not in sub.title
            failing = sub.error if sub.errors_in_a_row or sub.gone else None
            named = quoted(sub.title) if unique else quoted(sub.url)
            rows.append(SourceRow("feed", sub.name, f"feed:{named}", total, unread,
                                  group=sub.folder, error=failing, next_fetch=sub.next_fetch,
                                  gone=sub.gone))  # fmt: skip
        for folder in store.folders():
            total, unread = by_source.get(folder.rstrip("/"), (0, 0))
            rows.append(SourceRow("folder", folder_name(folder), f"feed:{quoted(folder)}",
                                  total, unread, group=folder))  # fmt: skip
        for name, query in self.saved_searches():
            try:
                total, unread = self.view_counts(query)
            except QueryError:
                total = unread = 0
            rows.append(SourceRow("saved", name, query, total, unread))
        return SourcesView(tuple(rows))

    def view_counts(self, query: str) -> tuple[int, int]:
        """How many articles a query matches (``""``: all), and how many of them are
        unread, each counted exactly."""
        if not query.strip():
            counts = self.mark_counts()
            return counts["articles"], counts["unread"]
        rest, states = split_states(query)
        only, without = self._state_sets(states) if states else (None, set())
        ids = self.library.matching_ids(rest, only=only, without=without)
        read = self.library.store.marked_ids("read")
        return len(ids), sum(1 for i in ids if i not in read)

    def mark(self, ids: Sequence[str] | None, how: Mark) -> MarkReport:
        """Mark articles (``None``: every article) read, unread, starred or unstarred: how
        many changed, how many already were, and the ids the library does not hold. A
        small transaction of its own, without the write lock (an ``add`` may hold that
        for minutes, and reading must not wait for it)."""
        store = self.library.store
        wanted = store.article_ids() if ids is None else list(dict.fromkeys(ids))
        known = set(store.content_hashes(wanted))
        changed = store.mark([i for i in wanted if i in known], how)
        missing = tuple(i for i in wanted if i not in known)
        return MarkReport(len(changed), len(known) - len(changed), missing, tuple(changed))

    def mark_view(self, query: str, how: Mark) -> MarkReport:
        """Mark every article a query matches (``""``: every article), as the reader's
        "mark all read" does; the report's ``ids`` are what an undo marks back."""
        if not query.strip():
            return self.mark(None, how)
        rest, states = split_states(query)
        only, without = self._state_sets(states) if states else (None, None)
        return self.mark(self.library.matching_ids(rest, only=only, without=without), how)

    def marks(self, ids: Sequence[str]) -> dict[str, Marks]:
        """The read and starred state of ``ids`` (absent: unread, not starred)."""
        return self.library.store.marks_of(ids)

    def mark_counts(self) -> dict[str, int]:
        """``articles``, ``unread``, ``read`` and ``starred``, counted from the database."""
        counts = self.library.store.mark_counts()
        articles, unread = counts["articles"], counts["unread"]
        return {"articles": articles, "unread": unread, "read": articles - unread,
                "starred": counts["starred"]}  # fmt: skip

    def recent(self, *, limit: int = 100, offset: int = 0, state: State | None = None) -> list[Hit]:
        """Articles newest first (stated dates before file dates), all or in one state."""
        return self.library.recent(limit=limit, offset=offset, state=state)

    def related(self, article_id: str, *, limit: int = 5) -> list[Related]:
        return self.library.related(article_id, limit=limit)

    def stories(self, ids: Sequence[str]) -> dict[str, Story]:
        """The story of each article (``index.home.stories``): the list folds the copies of
        one story into one row."""
        return self.library.store.stories_of(ids)

    def hits_in(self, body: str, query: str, *, analysis: Analysis | None = None) -> list[Range]:
        """Where ``query`` hits ``body``: phrases as whole spans, other terms word by word,
        entity and ``mentioned:`` clauses at their mentions in ``analysis`` (the body's)."""
        rest, _ = split_states(query)
        return self.library.hit_spans(body, rest, analysis) if rest.strip() else []

    def articles_from(self, paths: Iterable[str | Path], *, limit: int) -> list[Hit]:
        """Articles read from files under ``paths`` (to show them after adding), newest first."""
        roots = [str(Path(path).expanduser().resolve()) for path in paths]
        ids: list[str] = []
        for record in self.library.store.files():
            if any(record.path == root or record.path.startswith(root + "/") for root in roots):
                ids.extend(i for i in record.article_ids if i not in ids)
        found = (self.library.article(i) for i in ids[:limit])
        hits = [Hit.listed(stored.article) for stored in found if stored is not None]
        return sorted(
            hits, key=lambda h: h.published.isoformat() if h.published else "", reverse=True
        )

    # Bookmarks ----------------------------------------------------------------------

    def reading(self, article_id: str) -> tuple[StoredArticle, ArticleBookmarks] | None:
        """An article and the bookmarks it shows, both of the same version of its text."""
        stored = self.library.article(article_id)
        if stored is None:
            return None
        return stored, self._checked_bookmarks(stored)

    def bookmarks_in(self, article_id: str) -> ArticleBookmarks:
        """The bookmarks an article shows, re-anchored first if its text changed since
        they were checked."""
        return self._checked_bookmarks(self._article(article_id))

    def _checked_bookmarks(self, stored: StoredArticle) -> ArticleBookmarks:
        article_id = stored.article.id
        self.bookmarks.reanchor(stored.article)
        found = self.bookmarks.for_article(article_id)
        return ArticleBookmarks(
            content_hash=stored.article.content_hash,
            shown=tuple(b for b in found if b.status != "orphaned"),
            orphaned=tuple(b for b in found if b.status == "orphaned"),
        )

    def add_bookmark(
        self,
        article_id: str,
        start: int,
        end: int,
        *,
        content_hash: str,
        note: str = "",
        tags: Iterable[str] = (),
    ) -> Bookmark:
        """Bookmark ``[start, end)`` of the article's text, measured on the version
        ``content_hash``; refused when the stored text is another version."""
        stored = self._article(article_id)
        if stored.article.content_hash != content_hash:
            raise StaleTextError(
                f"article {article_id} changed since it was shown (it was updated on disk);"
                " it has been reloaded: select the passage again"
            )
        return self.bookmarks.add(stored.article, start, end, note=note, tags=tags)

    def add_bookmark_quote(
        self, article_id: str, quote: str, *, note: str = "", tags: Iterable[str] = ()
    ) -> Bookmark:
        """Bookmark the first place ``quote`` appears in the article's current text."""
        stored = self._article(article_id)
        return self.bookmarks.add_quote(stored.article, quote, note=note, tags=tags)

    def list_bookmarks(
        self,
        *,
        tag: str | None = None,
        text: str | None = None,
        status: BookmarkStatus | None = None,
    ) -> list[Bookmark]:
        """Bookmarks newest first, each checked against its article's current text."""
        self.bookmarks.sync()
        return self.bookmarks.list(tag=tag, text=text, status=status)

    def bookmark(self, id_or_prefix: str) -> Bookmark:
        return self.bookmarks.resolve(id_or_prefix)

    def update_bookmark(
        self, bookmark_id: str, *, note: str | None = None, tags: Iterable[str] | None = None
    ) -> Bookmark:
        return self.bookmarks.update(bookmark_id, note=note, tags=tags)

    def delete_bookmark(self, bookmark_id: str) -> bool:
        return self.bookmarks.delete(bookmark_id)

    def export_bookmarks(self, form: ExportFormat) -> tuple[str | dict[str, Any], int]:
        """Every bookmark (checked first) as Markdown text or a Web Annotation collection,
        and how many there are."""
        self.bookmarks.sync()
        count = self.bookmarks.count()
        if form == "json":
            return self.bookmarks.export_json(), count
        return self.bookmarks.export_markdown(), count

    def import_bookmarks(self, data: Any) -> int:
        """Import an export in one transaction, then anchor what was imported."""
        written = self.bookmarks.import_json(data)
        self.bookmarks.sync()
        return written

    def _article(self, article_id: str) -> StoredArticle:
        stored = self.library.article(article_id)
        if stored is None:
            raise NewsreaderError(f"no article with id {article_id!r} (ids are shown by search)")
        return stored

    # Feeds (see index.home.subscribing; the fetching is index.feeds') ------------------

    @property
    def feeds(self) -> Feeds:
        found: Feeds | None = getattr(self, "_feeds", None)
        if found is None:
            store = SubscriptionStore(self.paths.ensure().database)
            found = Feeds(self.library, store, tagger=self.tagger,
                          on_changed=self._changed)  # fmt: skip
            self._feeds = found
        return found

    def _close_feeds(self) -> None:
        found: Feeds | None = getattr(self, "_feeds", None)
        if found is not None:
            found.subscriptions.close()
            del self._feeds

    def subscribe(
        self,
        addresses: Iterable[str],
        *,
        folder: str = "",
        policy: FetchPolicy | None = None,
        on_progress: FeedProgress | None = None,
        on_wait: WaitCallback | None = None,
    ) -> tuple[list[Subscribed], RefreshReport]:
        """Subscribe to feeds (or pages naming one), storing their first fetch's entries,
        under the write lock."""
        before = set(self.library.store.article_ids()) if self.library.store.rules() else None
        with self._locked(on_wait):
            done = self.feeds.subscribe(addresses, folder=folder, policy=policy,
                                        on_progress=on_progress)  # fmt: skip
            if before is not None:
                self.apply_rules(set(self.library.store.article_ids()) - before)
            return done

    def import_opml(self, path: str | Path) -> ImportReport:
        return self.feeds.import_opml(Path(path))

    def export_opml(self) -> tuple[bytes, int]:
        return self.feeds.export_opml()

    def list_feeds(self) -> list[FeedRow]:
        """Each subscription with its article count and how many of those are unread."""
        unread = self.library.store.source_counts()
        return [
            replace(row, unread=unread.get(row.subscription.carrier, (0, 0))[1])
            for row in self.feeds.rows()
        ]

    def unsubscribe(
        self, name: str, *, delete_articles: bool = False
    ) -> tuple[Subscription, int, int]:
        """Remove a subscription; its articles too if asked, but never a bookmarked one."""
        bookmarked = {b.article_id for b in self.bookmarks.list()} if delete_articles else set()
        with self._locked(None):
            return self.feeds.remove(name, delete_articles=delete_articles,
                                     keep=bookmarked.__contains__)  # fmt: skip

    def set_full_text(self, name: str, on: bool) -> Subscription:
        return self.feeds.set_full_text(name, on)

    def refresh(
        self,
        names: Sequence[str] = (),
        *,
        force: bool = True,
        policy: FetchPolicy | None = None,
        clock: Callable[[], datetime] = feeds_now,
        on_progress: FeedProgress | None = None,
        on_stored: Callable[[list[str]], object] | None = None,
        on_wait: WaitCallback | None = None,
    ) -> RefreshReport:
        """Fetch the feeds (all, or those named; by hand every one, ``force=False`` only
        the due ones) and store their entries, under the write lock. Blocks on the
        network: a UI calls it from a worker (a home of its own, on that thread), and is
        told how far it got (``on_progress``, after each feed) and which new articles
        each commit added (``on_stored``, their ids), so it can list them as they come."""
        rules = bool(self.library.store.rules())

        def stored(ids: list[str]) -> None:
            if rules:  # filter rules act on each commit's new articles before they are shown
                self.apply_rules(ids)
            if on_stored is not None:
                on_stored(ids)

        with self._locked(on_wait):
            return self.feeds.refresh(names, force=force, policy=policy, clock=clock,
                                      on_progress=on_progress, on_stored=stored)  # fmt: skip

    def feeds_due(self, *, clock: Callable[[], datetime] = feeds_now) -> int:
        """How many feeds a scheduled refresh would fetch now (no lock, no network): an
        open reader asks this on a timer and refreshes in the background only when > 0."""
        return len(due_now(self.feeds.subscriptions, clock()))

    @contextmanager
    def _locked(self, on_wait: WaitCallback | None) -> Iterator[None]:
        """The write lock, for the block; already held by this home (a stale index found
        when a locked call first opens the library), it is not taken twice: a second
        ``flock`` of the file from this process would wait for the first forever."""
        if self._holding:
            yield
            return
        lock = self.write_lock()
        lock.acquire(on_wait=on_wait)
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
            lock.release()

    # The library at a glance (issue 14): counted in index.search.facets, named in
    # index.home.overview.

    def facets(self, query: str | None = None, limit: int = 10) -> Facets:
        """Top people, organisations, places and groups of a view (a query, or the
        whole library for ``None``), with article counts and the view's timeline. The
        query may hold the reading filters (``is:unread``, ``feed:``, ``tag:``...), and
        what a rule hid is left out unless it asks for ``is:hidden``, as in ``search``."""
        rest, states = split_states(query or "")
        only, without = self._state_sets(states)
        return overview.facets(self.library, rest, limit, only=only, without=without)

    def entity(self, name_or_key: str, *, limit: int = 10) -> EntityPage:
        """The page of one entity: names, count, timeline, company, latest articles."""
        return overview.entity(self.library, name_or_key, limit=limit)
