"""How well the HTML reader extracts news pages, against shared/corpora/news_html's gold.

Runs ``index.sources.read_path`` on every page in the manifest and prints:
publication-date accuracy (over pages with a gold date; the bar is >= 80 %),
title accuracy (over pages with a trafilatura gold title: exact after
normalisation, and "close": one contains the other), main-text recall/precision
on the gold "with"/"without" snippets, pages/s, and the failures.

Usage: python bench/html_extract.py [CORPUS_DIR] [--misses]
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.errors import SourceError
from index.models import Article
from index.sources import read_path

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "news_html"


@dataclass
class Tally:
    """Counts of one measure: how many were checked and how many were right."""

    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    def __str__(self) -> str:
        share = self.right / self.total if self.total else 0.0
        return f"{self.right}/{self.total} = {share:.1%}"


@dataclass
class Report:
    """Everything the benchmark measures."""

    date: Tally = field(default_factory=Tally)
    date_found: Tally = field(default_factory=Tally)
    title_exact: Tally = field(default_factory=Tally)
    title_close: Tally = field(default_factory=Tally)
    author: Tally = field(default_factory=Tally)
    text_with: Tally = field(default_factory=Tally)
    text_without: Tally = field(default_factory=Tally)
    origins: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)


def normalise(text: str) -> str:
    """Lower case, NFKC, quotes and dashes unified, punctuation and spacing collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.translate(str.maketrans("‘’“”–—", "''\"\"--"))
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def score(report: Report, row: dict, article: Article) -> None:
    """Compare one page's article with its gold record."""
    gold_date = row.get("gold_date")
    if gold_date:
        found = article.published.date().isoformat() if article.published else None
        report.date.add(found == gold_date)
        report.date_found.add(article.date_origin in ("metadata", "text"))
        report.origins[article.date_origin] += 1
        if found != gold_date:
            report.misses.append(
                f"date  {row['file']}: {found} ({article.date_origin}) != {gold_date}"
            )
    gold = row.get("trafilatura") or {}
    if gold.get("title"):
        got, want = normalise(article.title), normalise(gold["title"])
        report.title_exact.add(got == want)
        report.title_close.add(bool(got) and (got in want or want in got))
        if got != want:
            report.misses.append(f"title {row['file']}: {article.title!r} != {gold['title']!r}")
    authors = gold.get("author") or []
    for author in [authors] if isinstance(authors, str) else authors:
        report.author.add(normalise(author) in normalise(article.author))
    body = normalise(article.body)
    for snippet in gold.get("with") or []:
        report.text_with.add(normalise(snippet) in body)
    for snippet in gold.get("without") or []:
        report.text_without.add(normalise(snippet) not in body)


def run(corpus: Path) -> tuple[Report, int, float]:
    """Read every page of the manifest; return the report, page count and seconds taken."""
    rows = [json.loads(line) for line in (corpus / "manifest.jsonl").open(encoding="utf-8")]
    report = Report()
    started = time.perf_counter()
    for row in rows:
        try:
            articles = read_path(corpus / row["file"])
        except SourceError as error:
            report.failures.append(f"{row['file']}: {error.reason}")
            if row.get("gold_date"):
                report.date.add(False)
                report.date_found.add(False)
            continue
        score(report, row, articles[0])
    return report, len(rows), time.perf_counter() - started


def main(argv: list[str]) -> int:
    """Run the benchmark and print its figures."""
    args = [arg for arg in argv if not arg.startswith("--")]
    corpus = Path(args[0]) if args else DEFAULT_CORPUS
    if not (corpus / "manifest.jsonl").is_file():
        print(f"no manifest.jsonl in {corpus}", file=sys.stderr)
        return 2
    report, pages, seconds = run(corpus)
    print(f"news_html: {pages} pages in {seconds:.1f} s = {pages / seconds:.1f} pages/s")
    print(f"date accuracy (== gold_date):   {report.date}   (bar >= 80 %)")
    print(f"date found in page (meta/text): {report.date_found}   origins: {dict(report.origins)}")
    print(f"title exact (normalised):       {report.title_exact}")
    print(f"title close (one contains other): {report.title_close}")
    print(f"author (gold within extracted): {report.author}")
    print(f"main text 'with' snippets kept: {report.text_with}")
    print(f"boilerplate 'without' dropped:  {report.text_without}")
    print(f"failures: {len(report.failures)}")
    for failure in report.failures:
        print(f"  {failure}")
    if "--misses" in argv:
        print("\n".join(report.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
