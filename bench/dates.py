"""Date accuracy on news_html: does ``extract_dates`` find the gold date where the text has it?

    python bench/dates.py ../shared/corpora/news_html

For each page with a gold publication date, two texts are tried: the main text as
newsreader reads it (``index.sources.read_path``: trafilatura's main text, which
often drops the dateline) and the page's whole visible text (``trafilatura.html2txt``).
A page counts when the text
mentions the gold date in a common written form (ISO, "23 December 2016",
"December 23, 2016", "Dec. 23rd, 2016", "23/12/2016", "12/23/2016" ...). The score is
the fraction of those pages where one of ``extract_dates``' day mentions equals the
gold date. No publication date is passed: the gold must not leak into the answer.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.analysis.dates import extract_dates
from index.errors import NewsreaderError
from index.sources import read_path


def written_forms(gold: date) -> re.Pattern[str]:
    """A regex for the common ways a page writes ``gold``."""
    month = gold.strftime("%B")
    mon = month[:3]
    day = rf"0?{gold.day}(?:st|nd|rd|th)?"
    year = str(gold.year)
    names = rf"(?:{month}|{mon}\.?)"
    forms = [
        rf"{year}-{gold.month:02d}-{gold.day:02d}",
        rf"{day}\s+(?:of\s+)?{names},?\s+{year}",
        rf"{names}\s+{day},?\s+{year}",
        rf"0?{gold.day}/0?{gold.month}/{year}",
        rf"0?{gold.month}/0?{gold.day}/{year}",
        rf"{year}/{gold.month:02d}/{gold.day:02d}",
    ]
    return re.compile(r"(?<!\d)(?:" + "|".join(forms) + r")(?!\d)", re.IGNORECASE)


def page_texts(corpus: Path, record: dict[str, str]) -> dict[str, str] | None:
    """The page's main text (as newsreader reads it) and its whole visible text."""
    import gzip

    import trafilatura

    from index.sources.html import decode_html

    path = corpus / record["file"]
    try:
        articles = read_path(path)
    except NewsreaderError:
        return None
    main_text = "\n\n".join(f"{a.title}\n\n{a.body}" for a in articles)
    with gzip.open(path, "rb") as handle:
        page = decode_html(handle.read(), path)
    return {"main text": main_text, "whole page": trafilatura.html2txt(page) or ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--show", action="store_true", help="print the pages that miss")
    args = parser.parse_args()

    manifest = [json.loads(line) for line in (args.corpus / "manifest.jsonl").open()]
    with_gold = [m for m in manifest if m.get("gold_date")]
    eligible: dict[str, int] = {}
    hits: dict[str, int] = {}
    seconds: dict[str, float] = {}
    unreadable = 0
    for record in with_gold:
        gold = date.fromisoformat(record["gold_date"])
        texts = page_texts(args.corpus, record)
        if texts is None:
            unreadable += 1
            continue
        for kind, text in texts.items():
            near = written_forms(gold).search(text)
            if not near:
                continue
            eligible[kind] = eligible.get(kind, 0) + 1
            started = time.perf_counter()
            mentions = extract_dates(text, None)
            seconds[kind] = seconds.get(kind, 0.0) + time.perf_counter() - started
            days = {m.value for m in mentions if m.granularity == "day" and m.end_value is None}
            if gold in days:
                hits[kind] = hits.get(kind, 0) + 1
            elif args.show:
                context = text[max(0, near.start() - 40) : near.end() + 40].replace("\n", " ")
                print(f"MISS ({kind}) {record['file']}: gold {gold}: …{context}…")
    print(f"{len(with_gold)} pages with a gold date, {unreadable} unreadable")
    for kind, count in eligible.items():
        hit = hits.get(kind, 0)
        ms = seconds[kind] / count * 1000
        print(
            f"{kind:10}: gold date written in {count} pages; found by extract_dates in "
            f"{hit}/{count} = {hit / count:.3f} ({ms:.2f} ms per page)"
        )


if __name__ == "__main__":
    main()
