"""Side by side: newsreader, bare Whoosh, SQLite FTS5, a LIKE scan and tantivy (issue 15).

    python bench/engines.py HOME [--limit-articles N] [--engines newsreader,whoosh,fts5,like]
                                 [--json OUT]

What. The same texts and the same 200 queries (``make_queries`` of ``bench/scale.py``)
through each engine, in one process, interleaved; per engine the queries it ran, p50,
p95 and p99 of a first (cold) and a second (warm) pass, and each p95 against ours.

How. HOME (a library home built from ``bench/corpus.py``) is copied to a scratch folder
and never changed; with ``--limit-articles N`` the copy keeps its first N articles (by
id) and its index is rebuilt from its store, so every engine still holds the same texts.
The other engines index exactly what the copy's SQLite store holds (id, title, body,
source, published), each in its own scratch folder; their build times are printed, not
counted. Engines:

- ``newsreader``: ``LibraryHome.search(q, limit=20)``, snippets on, as the reader asks;
  ``newsreader-nosnip``: ``Library.search(q, limit=20, snippets=False)``, the same search
  without making snippets (both on the home's own index).
- ``whoosh``: a plain Whoosh index (id, title, body, source, published; Whoosh's
  StemmingAnalyzer; the title boosted as ours, ``TITLE_BOOST`` in the schema and in the
  parser) searched with Whoosh's own ``MultifieldParser`` over title and body, limit 20.
  It reads our query language as is (it is Whoosh's).
- ``fts5``: SQLite FTS5 over title, body and source (``porter unicode61
  remove_diacritics 2``), external content in a plain table with an index on published;
  ``ORDER BY bm25(fts, TITLE_BOOST, 1, 1) LIMIT 20``. Bare words and phrases become
  ``{title body} : "..."`` (ours search title and body, not source), ``title:``/
  ``source:`` column filters, AND/OR/NOT themselves; a date range a ``WHERE`` on
  published (the whole end day included, as ours); a query of date ranges alone is
  ``ORDER BY published DESC``.
- ``like``: newsboat's way, a scan: ``(title LIKE '%w%' OR body LIKE '%w%')`` per word or
  phrase, joined as the query joins them (AND, OR, AND NOT), ``title:``/``source:`` on
  that column only, date ranges as for FTS5, ``ORDER BY published DESC LIMIT 20``.
- ``tantivy``: only when the ``tantivy`` package imports (a benchmark venv's, never a
  dependency): title and body with its ``en_stem`` tokenizer, source with ``default``,
  published a date field; its own query parser (title and body by default, the title
  boosted as ours, AND by default), date ranges in its RFC 3339 form.

Each engine answers with the ids of its first 20 hits (their titles too, for the SQL
ones); ours also count their hits and make snippets (not ``newsreader-nosnip``).
Queries an engine cannot express (the entity fields ``person:``, ``org:``, ``place:``...
outside ours) are skipped for it and counted. Each engine first answers one query
outside the set, untimed (``WARM_UP``: its lazy loads are no query's cost). Then each
query runs on every engine in turn, the order rotated from one query to the next, once;
then the whole set again for the warm figures (ours then reuse the snippets made for the
same query text, as the reader does when a query is typed again). The ratio of ours to
FTS5 (the issue's bar: at most 1.0) is over the queries both ran. "same top 20" is the
mean share of an engine's first page that ours has too: a check on the translation,
lowered by differences of ranking (FTS5's bm25 normalises by the length of the whole
row, Whoosh's BM25F field by field; LIKE and the date ranges alone are in date order).

Caveats: a 2-core machine shared with other work; compare figures of one run only.
The Python wrappers' costs are in every engine's time (sqlite3, tantivy's bindings),
as they would be in a Python reader.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale import make_queries, percentile  # noqa: E402
from whoosh import fields as wfields  # noqa: E402
from whoosh import qparser  # noqa: E402
from whoosh.analysis import StemmingAnalyzer  # noqa: E402
from whoosh.filedb.filestore import FileStorage  # noqa: E402

from index.home import LibraryHome  # noqa: E402
from index.home.library import Library  # noqa: E402
from index.home.reindex import rebuild  # noqa: E402
from index.paths import LibraryPaths  # noqa: E402
from index.search.schema import TITLE_BOOST  # noqa: E402

LIMIT = 20
WARM_UP = "said"
"""Each engine's first query, outside the set and not timed (a word every corpus has)."""
ENGINES = ("newsreader", "newsreader-nosnip", "whoosh", "fts5", "like", "tantivy")


@dataclass(frozen=True, slots=True)
class Doc:
    id: str
    title: str
    body: str
    source: str
    published: str | None
    """ISO text as the store holds it (naive, ``YYYY-MM-DDTHH:MM:SS``)."""


def stored_docs(library: Library) -> list[Doc]:
    """Every article of the store, in id order: the texts all engines index."""
    rows = library.store.connection.execute(
        "SELECT id, title, body, source, published FROM articles ORDER BY id"
    )
    return [Doc(*row) for row in rows]


def as_datetime(text: str) -> datetime:
    """A stored ``published`` as a naive UTC datetime (what Whoosh and tantivy index)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


# The query forms of make_queries, read once for the engines that do not speak Whoosh ---------


class Skip(Exception):
    """A query an engine has no equivalent for; the message says why."""


@dataclass(frozen=True, slots=True)
class Clause:
    kind: str  # "word", "phrase" or "range"
    field: str | None
    words: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    """The last day included (ours include the whole end day)."""


@dataclass(slots=True)
class Parsed:
    """Clauses and the operator before each (the first's is "AND"; juxtaposition is AND)."""

    clauses: list[Clause] = field(default_factory=list)
    ops: list[str] = field(default_factory=list)


TOKEN = re.compile(
    r"(?P<range>(?P<rfield>\w+):\[(?P<start>[^\]\s]*)\s+(?i:to)\s+(?P<end>[^\]\s]*)\])"
    r'|(?P<phrase>(?:(?P<pfield>\w+):)?"(?P<ptext>[^"]*)")'
    r"|(?P<op>\b(?:AND|OR|NOT)\b)"
    r"|(?:(?P<field>\w+):)?(?P<word>[^\s\"]+)"
)
TEXT_COLUMNS = {"title", "source"}
"""Fields the other engines hold as text (besides title and body searched by default)."""


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Skip(f"date form {text!r}") from None


def parse(text: str) -> Parsed:
    """The query as clauses joined by AND, OR and NOT; fields the other engines lack skip."""
    parsed = Parsed()
    op = "AND"
    for match in TOKEN.finditer(text):
        if match["op"]:
            op = match["op"]
            continue
        if match["range"]:
            if match["rfield"] != "published":
                raise Skip(f"range on {match['rfield']}:")
            clause = Clause(
                "range", "published", start=_day(match["start"]), end=_day(match["end"])
            )
        elif match["phrase"]:
            name = match["pfield"]
            if name is not None and name not in TEXT_COLUMNS:
                raise Skip(f"field {name}:")
            words = tuple(match["ptext"].split())
            clause = Clause("phrase" if len(words) > 1 else "word", name, words)
        else:
            name = match["field"]
            if name is not None and name not in TEXT_COLUMNS:
                raise Skip(f"field {name}:")
            clause = Clause("word", name, (match["word"],))
        parsed.clauses.append(clause)
        parsed.ops.append(op)
        op = "AND"
    if not parsed.clauses:
        raise Skip("empty query")
    return parsed


def split_ranges(parsed: Parsed) -> tuple[Parsed, list[Clause]]:
    """Text clauses apart from the date ranges, which must be ANDed at the top level."""
    text = Parsed()
    ranges = []
    for index, (clause, op) in enumerate(zip(parsed.clauses, parsed.ops, strict=True)):
        following = parsed.ops[index + 1] if index + 1 < len(parsed.ops) else "AND"
        if clause.kind == "range":
            if op != "AND" or following != "AND":
                raise Skip("date range under OR or NOT")
            ranges.append(clause)
        else:
            text.clauses.append(clause)
            text.ops.append(op if text.clauses[1:] else "AND")
    return text, ranges


def range_sql(ranges: Sequence[Clause], column: str = "published") -> tuple[list[str], list[str]]:
    """``published >= ? AND published < ?`` per range, on the stored ISO text."""
    where, args = [], []
    for clause in ranges:
        assert clause.start is not None and clause.end is not None
        where.append(f"{column} >= ? AND {column} < ?")
        args += [clause.start.isoformat(), (clause.end + timedelta(days=1)).isoformat()]
    return where, args


def joined(parts: Sequence[str], ops: Sequence[str], *, not_: str) -> str:
    """Parts joined by their operators; ``not_`` is the engine's binary NOT (FTS5's
    ``a NOT b``, SQL's ``a AND NOT b``, tantivy's ``a AND -b``: its ``a AND NOT b`` is
    ``a`` and a clause of nothing but a negation, which matches no document)."""
    out = parts[0]
    for part, op in zip(parts[1:], ops[1:], strict=True):
        if op != "NOT":
            out += f" {op} {part}"
        else:
            out += f" {not_}{part}" if not_.endswith("-") else f" {not_} {part}"
    return out


# Engines -------------------------------------------------------------------------------------


class Engine:
    """Build once from the docs (timed apart), then answer translated queries with ids."""

    name = ""

    def build(self, docs: Sequence[Doc], where: Path) -> None:
        raise NotImplementedError

    def translate(self, query: str) -> Any:
        """What :meth:`run` takes for ``query``; raises :class:`Skip` if none."""
        raise NotImplementedError

    def run(self, translated: Any) -> list[str]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class Newsreader(Engine):
    name = "newsreader"

    def __init__(self, home: LibraryHome) -> None:
        self.home = home

    def build(self, docs: Sequence[Doc], where: Path) -> None:
        pass  # the home's own index

    def translate(self, query: str) -> Any:
        return query

    def run(self, translated: Any) -> list[str]:
        return [hit.id for hit in self.home.search(translated, limit=LIMIT).hits]


class NewsreaderNoSnippets(Newsreader):
    name = "newsreader-nosnip"

    def run(self, translated: Any) -> list[str]:
        result = self.home.library.search(translated, limit=LIMIT, snippets=False)
        return [hit.id for hit in result.hits]


class BareWhoosh(Engine):
    name = "whoosh"

    def build(self, docs: Sequence[Doc], where: Path) -> None:
        text = wfields.TEXT
        schema = wfields.Schema(
            id=wfields.ID(stored=True, unique=True),
            title=text(analyzer=StemmingAnalyzer(), stored=True, field_boost=TITLE_BOOST),
            body=text(analyzer=StemmingAnalyzer()),
            source=text(stored=True),
            published=wfields.DATETIME(stored=True, sortable=True),
        )
        index = FileStorage(str(where)).create_index(schema)
        writer = index.writer(limitmb=256)
        for doc in docs:
            extra = {"published": as_datetime(doc.published)} if doc.published else {}
            writer.add_document(id=doc.id, title=doc.title, body=doc.body, source=doc.source,
                                **extra)  # fmt: skip
        writer.commit()
        self.searcher = index.searcher()
        self.parser = qparser.MultifieldParser(
            ["title", "body"], schema, fieldboosts={"title": TITLE_BOOST}
        )

    def translate(self, query: str) -> Any:
        parse(query)  # only to skip the fields this index lacks; Whoosh reads the rest as is
        return query

    def run(self, translated: Any) -> list[str]:
        query = self.parser.parse(translated)
        return [hit["id"] for hit in self.searcher.search(query, limit=LIMIT)]

    def close(self) -> None:
        self.searcher.close()


def _fts_quote(words: Sequence[str]) -> str:
    return '"' + " ".join(words).replace('"', '""') + '"'


class Fts5(Engine):
    name = "fts5"

    def build(self, docs: Sequence[Doc], where: Path) -> None:
        self.conn = sqlite3.connect(where / "fts.sqlite3")
        self.conn.executescript(
            """
            PRAGMA journal_mode = WAL;
            CREATE TABLE docs (rowid INTEGER PRIMARY KEY, id TEXT, title TEXT, body TEXT,
                               source TEXT, published TEXT);
            CREATE VIRTUAL TABLE fts USING fts5(title, body, source, content='docs',
                content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2');
            """
        )
        with self.conn:
            self.conn.executemany(
                "INSERT INTO docs (id, title, body, source, published) VALUES (?, ?, ?, ?, ?)",
                ((d.id, d.title, d.body, d.source, d.published) for d in docs),
            )
            self.conn.execute("CREATE INDEX docs_published ON docs(published)")
            self.conn.execute("INSERT INTO fts (fts) VALUES ('rebuild')")
            self.conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")
        self.conn.execute("ANALYZE")

    def translate(self, query: str) -> Any:
        text, ranges = split_ranges(parse(query))
        where, args = range_sql(ranges, "d.published")
        if not text.clauses:
            sql = f"SELECT d.id, d.title FROM docs AS d WHERE {' AND '.join(where)}"
            return sql + f" ORDER BY d.published DESC LIMIT {LIMIT}", args
        parts = []
        for clause in text.clauses:
            columns = "{title body}" if clause.field is None else clause.field
            parts.append(f"{columns} : {_fts_quote(clause.words)}")
        match = joined(parts, text.ops, not_="NOT")
        where.insert(0, "fts MATCH ?")
        sql = (
            "SELECT d.id, d.title FROM fts JOIN docs AS d ON d.rowid = fts.rowid"
            f" WHERE {' AND '.join(where)}"
            f" ORDER BY bm25(fts, {TITLE_BOOST}, 1.0, 1.0) LIMIT {LIMIT}"
        )
        return sql, [match, *args]

    def run(self, translated: Any) -> list[str]:
        sql, args = translated
        return [row[0] for row in self.conn.execute(sql, args)]

    def close(self) -> None:
        self.conn.close()


def _like(words: Sequence[str]) -> str:
    text = " ".join(words).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{text}%"


class LikeScan(Engine):
    name = "like"

    def build(self, docs: Sequence[Doc], where: Path) -> None:
        self.conn = sqlite3.connect(where / "like.sqlite3")
        self.conn.execute(
            "CREATE TABLE docs (id TEXT PRIMARY KEY, title TEXT, body TEXT, source TEXT,"
            " published TEXT)"
        )
        with self.conn:
            self.conn.executemany(
                "INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
                ((d.id, d.title, d.body, d.source, d.published) for d in docs),
            )
            self.conn.execute("CREATE INDEX docs_published ON docs(published)")
        self.conn.execute("ANALYZE")

    def translate(self, query: str) -> Any:
        text, ranges = split_ranges(parse(query))
        where, args = range_sql(ranges)
        parts = []
        for clause in text.clauses:
            pattern = _like(clause.words)
            if clause.field is None:
                parts.append("(title LIKE ? ESCAPE '\\' OR body LIKE ? ESCAPE '\\')")
                args += [pattern, pattern]
            else:
                parts.append(f"{clause.field} LIKE ? ESCAPE '\\'")
                args.append(pattern)
        if parts:
            where.append(f"({joined(parts, text.ops, not_='AND NOT')})")
        # The range arguments come first in ``args``, as their clauses do in ``where``.
        sql = f"SELECT id, title FROM docs WHERE {' AND '.join(where)}"
        return sql + f" ORDER BY published DESC LIMIT {LIMIT}", args

    def run(self, translated: Any) -> list[str]:
        sql, args = translated
        return [row[0] for row in self.conn.execute(sql, args)]

    def close(self) -> None:
        self.conn.close()


class Tantivy(Engine):
    name = "tantivy"

    def build(self, docs: Sequence[Doc], where: Path) -> None:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
        builder.add_text_field("body", tokenizer_name="en_stem")
        builder.add_text_field("source", stored=True)
        builder.add_date_field("published", stored=True, indexed=True, fast=True)
        self.index = tantivy.Index(builder.build(), path=str(where))
        writer = self.index.writer(heap_size=256_000_000, num_threads=1)  # a shared 2-core box
        for doc in docs:
            values: dict[str, Any] = {"id": doc.id, "title": doc.title, "body": doc.body,
                                      "source": doc.source}  # fmt: skip
            if doc.published:
                values["published"] = as_datetime(doc.published)
            writer.add_document(tantivy.Document(**values))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def translate(self, query: str) -> Any:
        parsed = parse(query)
        parts = []
        for clause in parsed.clauses:
            if clause.kind == "range":
                assert clause.start is not None and clause.end is not None
                end = clause.end + timedelta(days=1)
                parts.append(f"published:[{clause.start}T00:00:00Z TO {end}T00:00:00Z}}")
            else:
                prefix = f"{clause.field}:" if clause.field else ""
                parts.append(prefix + _fts_quote(clause.words))
        text = joined(parts, parsed.ops, not_="AND -")
        return self.index.parse_query(text, ["title", "body"], field_boosts={"title": TITLE_BOOST},
                                      conjunction_by_default=True)  # fmt: skip

    def run(self, translated: Any) -> list[str]:
        found = self.searcher.search(translated, limit=LIMIT, count=False)
        return [self.searcher.doc(address)["id"][0] for _, address in found.hits]


def tantivy_available() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


# The run -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Timings:
    """One engine's figures, by the query's place in the set (a query may come twice)."""

    skipped: dict[int, str] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    cold: dict[int, float] = field(default_factory=dict)
    warm: dict[int, float] = field(default_factory=dict)
    ids: dict[int, list[str]] = field(default_factory=dict)


def timed(function: Callable[[], list[str]]) -> tuple[float, list[str]]:
    started = time.perf_counter()
    ids = function()
    return (time.perf_counter() - started) * 1000, ids


def interleaved(engines: Sequence[Engine], queries: Sequence[str]) -> dict[str, Timings]:
    """Each query on each engine in turn (order rotated per query), twice over the set."""
    timings = {engine.name: Timings() for engine in engines}
    translated: dict[tuple[str, int], Any] = {}
    for engine in engines:
        for number, query in enumerate(queries):
            try:
                translated[engine.name, number] = engine.translate(query)
            except Skip as why:
                timings[engine.name].skipped[number] = str(why)
            except Exception as error:  # a parser refusing the translation
                timings[engine.name].errors[number] = f"{type(error).__name__}: {error}"
    for engine in engines:  # one-time opening costs (lazy loads) out of the first query
        engine.run(engine.translate(WARM_UP))
    for pass_ in ("cold", "warm"):
        for number in range(len(queries)):
            turn = number % len(engines)
            for engine in [*engines[turn:], *engines[:turn]]:
                mine = timings[engine.name]
                if (engine.name, number) not in translated or number in mine.errors:
                    continue
                what = translated[engine.name, number]
                try:
                    ms, ids = timed(lambda e=engine, w=what: e.run(w))  # type: ignore[misc]
                except Exception as error:
                    mine.errors[number] = f"{type(error).__name__}: {error}"
                    continue
                getattr(mine, pass_)[number] = ms
                if pass_ == "cold":
                    mine.ids[number] = ids
        print(f"  {pass_} pass done", file=sys.stderr)
    return timings


def overlap(mine: Timings, ours: Timings) -> float:
    """Mean share of this engine's first page that ours hold too (1 when both are empty)."""
    shares = []
    for number, ids in mine.ids.items():
        if number not in ours.ids:
            continue
        theirs = set(ours.ids[number])
        shares.append(1.0 if not ids and not theirs else len(theirs & set(ids)) / max(1, len(ids)))
    return sum(shares) / len(shares) if shares else float("nan")


def p(values: dict[int, float], q: float) -> float:
    return percentile(list(values.values()), q)


def report(
    timings: dict[str, Timings], queries: Sequence[str], builds: dict[str, float]
) -> dict[str, Any]:
    """Print the table, the bar and the slowest queries; return the same as a dict."""
    names = list(timings)
    base = "newsreader" if "newsreader" in timings else names[0]
    ours = timings[base]
    out: dict[str, Any] = {"queries": list(queries), "engines": {}}
    print(f"\n{len(queries)} queries, limit {LIMIT}; ms; ratio = p95 / {base}'s p95 (cold/warm)\n")
    print(f"{'engine':18} {'build s':>8} {'ran':>4} {'skip':>4} {'err':>3}   cold p50    p95"
          "    p99   warm p50    p95    p99  ratio c/w   same top 20")  # fmt: skip
    for name in names:
        mine = timings[name]
        cold = {q: round(p(mine.cold, q), 2) for q in (50, 95, 99)}
        warm = {q: round(p(mine.warm, q), 2) for q in (50, 95, 99)}
        ratio_cold = p(mine.cold, 95) / p(ours.cold, 95)
        ratio_warm = p(mine.warm, 95) / p(ours.warm, 95)
        same = overlap(mine, ours)
        build = builds.get(name)
        out["engines"][name] = {
            "build_s": build,
            "ran": len(mine.cold),
            "skipped": len(mine.skipped),
            "errors": len(mine.errors),
            "cold_ms": cold,
            "warm_ms": warm,
            "ratio_cold_p95": round(ratio_cold, 2),
            "ratio_warm_p95": round(ratio_warm, 2),
            "same_top_20": round(same, 2),
            "skip_reasons": sorted(set(mine.skipped.values())),
            "errors_by_query": {queries[n]: e for n, e in mine.errors.items()},
            "cold_by_query": [
                round(mine.cold[n], 3) if n in mine.cold else None for n in range(len(queries))
            ],
            "warm_by_query": [
                round(mine.warm[n], 3) if n in mine.warm else None for n in range(len(queries))
            ],
        }
        built = "-" if build is None else f"{build:.1f}"
        print(f"{name:18} {built:>8} {len(mine.cold):>4} {len(mine.skipped):>4}"
              f" {len(mine.errors):>3}   {cold[50]:8.1f} {cold[95]:6.1f} {cold[99]:6.1f}"
              f"   {warm[50]:8.1f} {warm[95]:6.1f} {warm[99]:6.1f}"
              f"  {ratio_cold:5.2f}/{ratio_warm:<5.2f}   {same:.2f}")  # fmt: skip
    for name in names:
        mine = timings[name]
        reasons = sorted(set(mine.skipped.values()))
        if reasons:
            print(f"  {name} skipped {len(mine.skipped)}: {', '.join(reasons)}")
        if mine.errors:
            number, error = next(iter(mine.errors.items()))
            print(f"  {name} failed {len(mine.errors)}, e.g. {queries[number]!r}: {error[:120]}")
    if "fts5" in timings and base != "fts5":
        fts = timings["fts5"]
        for pass_ in ("cold", "warm"):
            theirs, mine_ = getattr(fts, pass_), getattr(ours, pass_)
            common = [n for n in theirs if n in mine_]
            ours_p95 = percentile([mine_[n] for n in common], 95)
            fts_p95 = percentile([theirs[n] for n in common], 95)
            ratio = ours_p95 / fts_p95
            out[f"bar_{pass_}"] = {"common": len(common), base: round(ours_p95, 2),
                                   "fts5": round(fts_p95, 2), "ratio": round(ratio, 2)}  # fmt: skip
            print(f"\nbar ({pass_}): {base} p95 / fts5 p95 over the {len(common)} queries both"
                  f" ran = {ours_p95:.1f} / {fts_p95:.1f} = {ratio:.2f}"
                  f" ({'met' if ratio <= 1.0 else 'NOT met'}: <= 1.0 wanted)")  # fmt: skip
    slowest = sorted(ours.cold, key=lambda n: -ours.cold[n])[:10]
    print(f"\n10 slowest {base} queries, cold ms:")
    print(f"{'query':40}" + "".join(f"{n[:13]:>14}" for n in names))
    for number in slowest:
        cells = ""
        for name in names:
            value = timings[name].cold.get(number)
            cells += f"{'-' if value is None else f'{value:.1f}':>14}"
        print(f"{queries[number][:40]:40}{cells}")
    out["slowest"] = [queries[n] for n in slowest]
    return out


def prepare(home: Path, scratch: Path, limit: int | None) -> tuple[Path, float | None]:
    """A copy of ``home`` (never written); cut to its first ``limit`` articles, rebuilt."""
    copy = scratch / "home"
    shutil.copytree(home, copy, ignore=shutil.ignore_patterns("write.lock"))
    if limit is None:
        return copy, None
    library = Library.open(LibraryPaths(copy))
    try:
        ids = sorted(library.store.article_ids())
        if limit < len(ids):
            with library.store.transaction():
                library.store.delete_articles(ids[limit:])
        started = time.perf_counter()
        rebuild(library)
        return copy, time.perf_counter() - started
    finally:
        library.close()


def build_all(engines: Sequence[Engine], docs: Sequence[Doc], scratch: Path) -> dict[str, float]:
    builds = {}
    for engine in engines:
        if isinstance(engine, Newsreader):
            continue
        where = scratch / engine.name
        where.mkdir()
        print(f"building {engine.name} ...", file=sys.stderr)
        started = time.perf_counter()
        engine.build(docs, where)
        builds[engine.name] = round(time.perf_counter() - started, 1)
        print(f"  {engine.name}: {builds[engine.name]:.1f} s", file=sys.stderr)
    return builds


def chosen(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in ENGINES]
    if unknown:
        raise SystemExit(
            f"unknown engine(s) {', '.join(unknown)} (choose from {', '.join(ENGINES)})"
        )
    return names


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("home", type=Path, help="a library home (copied, never changed)")
    parser.add_argument("--limit-articles", type=int, metavar="N", help="keep the first N articles")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, in order")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the figures as JSON")
    args = parser.parse_args()
    if not (args.home / "library.sqlite3").is_file():
        raise SystemExit(f"{args.home} is not a library home (no library.sqlite3)")
    names = chosen(args.engines)
    if "tantivy" in names and not tantivy_available():
        print("tantivy is not installed here: left out", file=sys.stderr)
        names.remove("tantivy")
    with tempfile.TemporaryDirectory(prefix="engines-bench-") as folder:
        scratch = Path(folder)
        print(f"copying {args.home} ...", file=sys.stderr)
        copy, rebuilt = prepare(args.home, scratch, args.limit_articles)
        if rebuilt is not None:
            print(f"  cut to {args.limit_articles:,}, rebuilt in {rebuilt:.1f} s", file=sys.stderr)
        # The copy's caches go with it (its segments' names are its own: the sidecars
        # alone are ~100 MB at 100,000 articles).
        os.environ["NEWSREADER_CACHE_DIR"] = str(scratch / "cache")
        home = LibraryHome(LibraryPaths(copy), tagger=None)
        started = time.perf_counter()
        home.library.warm(wait=True)  # what the reader builds after its first screen
        print(f"newsreader: caches (prefixes, fuzzy words, posting sidecars) built in"
              f" {time.perf_counter() - started:.1f} s", file=sys.stderr)  # fmt: skip
        try:
            started = time.perf_counter()
            docs = stored_docs(home.library)
            seconds = time.perf_counter() - started
            print(f"{len(docs):,} articles read from the store in {seconds:.1f} s", file=sys.stderr)
            queries = make_queries(home.library)
            makers: dict[str, Callable[[], Engine]] = {
                "newsreader": lambda: Newsreader(home),
                "newsreader-nosnip": lambda: NewsreaderNoSnippets(home),
                "whoosh": BareWhoosh,
                "fts5": Fts5,
                "like": LikeScan,
                "tantivy": Tantivy,
            }
            engines = [makers[name]() for name in names]
            builds = build_all(engines, docs, scratch)
            del docs
            timings = interleaved(engines, queries)
            result = report(timings, queries, builds)
            result["articles"] = home.library.count()
            result["home"] = str(args.home)
            if args.json:
                args.json.write_text(json.dumps(result, indent=2, default=str))
                print(f"\n(json: {args.json})")
            for engine in engines:
                engine.close()
        finally:
            home.close()


if __name__ == "__main__":
    main()
