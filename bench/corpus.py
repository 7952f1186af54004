"""Build an N-article corpus on disk by recombining paragraphs of the real corpora.

    python bench/corpus.py N OUT [--seed S] [--corpora DIR]

Articles are written as plain ``.txt`` (the seed's shape: title line, blank
line, paragraphs; the publication date is the file's mtime) or ``.md`` with
front matter carrying ``date:`` and ``source:`` (about one in three). Each
article takes its title and most paragraphs from one real article (BBC,
Reuters-21578, AG News or 20 Newsgroups) and one or two paragraphs from
another article of the same category, so topics stay coherent enough for
related items and search to be meaningful.

Deterministic from the seed: article ``i`` depends only on ``(seed, i)``.
Streaming: files are written one at a time, 1,000 per folder
(``OUT/0042/reuters/042123.txt``); only the paragraph pool of the source
corpora (tens of MB) is held in memory, never the output. A manifest
``OUT.manifest`` (next to OUT, so ``add OUT`` does not see it) records N and
the seed once the corpus is complete; :func:`ensure_corpus` reuses a complete
corpus and rebuilds an incomplete one.

The corpus text is never committed: write it under ``bench/out/`` (ignored).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import html
import json
import os
import random
import re
import shutil
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
PER_FOLDER = 1000
MARKDOWN_SHARE = 0.33
FIRST_DAY = datetime(2019, 1, 1)
DAYS = 6 * 365
MAX_PARAGRAPHS = 8


@dataclass(frozen=True, slots=True)
class Doc:
    """One real article: its title and paragraphs."""

    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """A source corpus: its display name and its articles grouped by category."""

    slug: str
    name: str
    weight: float
    categories: dict[str, list[Doc]]


# Readers of the real corpora ------------------------------------------------------------


def _paragraphs(text: str) -> tuple[str, ...]:
    parts = (re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text))
    return tuple(p for p in parts if len(p) > 40)


def read_bbc(root: Path) -> dict[str, list[Doc]]:
    categories: dict[str, list[Doc]] = {}
    for folder in sorted(p for p in (root / "bbc_news" / "bbc").iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.txt")):
            text = path.read_bytes().decode("utf-8", errors="replace")
            title, _, body = text.strip().partition("\n")
            paragraphs = _paragraphs(body)
            if title.strip() and paragraphs:
                categories.setdefault(folder.name, []).append(Doc(title.strip(), paragraphs))
    return categories


_REUTERS = re.compile(r"<REUTERS.*?</REUTERS>", re.S)
_TAG = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("TITLE", "BODY", "TOPICS")}


def read_reuters(root: Path) -> dict[str, list[Doc]]:
    categories: dict[str, list[Doc]] = {}
    for path in sorted((root / "reuters21578").glob("reut2-*.sgm.gz")):
        text = gzip.decompress(path.read_bytes()).decode("latin-1")
        for record in _REUTERS.findall(text):
            title, body = _TAG["TITLE"].search(record), _TAG["BODY"].search(record)
            if not title or not body:
                continue
            topics = re.findall(r"<D>(.*?)</D>", (_TAG["TOPICS"].search(record) or _empty).group(1))
            body_text = html.unescape(body.group(1)).replace("\x03", "")
            paragraphs = _paragraphs(re.sub(r"\n {3,}", "\n\n", body_text))
            if paragraphs:
                name = html.unescape(title.group(1)).strip().title()
                categories.setdefault(topics[0] if topics else "misc", []).append(
                    Doc(name, paragraphs)
                )
    return categories


_empty = re.match(r"(.*)", "")
assert _empty is not None


def read_ag_news(root: Path) -> dict[str, list[Doc]]:
    names = {"1": "world", "2": "sports", "3": "business", "4": "scitech"}
    categories: dict[str, list[Doc]] = {}
    with open(root / "ag_news_test" / "test.csv", encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) != 3:
                continue
            label, title, description = row
            text = html.unescape(description.replace("\\", " ")).strip()
            if len(text) > 40:
                categories.setdefault(names.get(label, label), []).append(
                    Doc(html.unescape(title).strip(), (text,))
                )
    return categories


def read_newsgroups(root: Path) -> dict[str, list[Doc]]:
    categories: dict[str, list[Doc]] = {}
    path = root / "20newsgroups_bydate" / "20news-bydate.tar.gz"
    with tarfile.open(path) as archive:
        for member in archive:
            if not member.isfile():
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            text = handle.read().decode("latin-1")
            head, _, body = text.partition("\n\n")
            subject = re.search(r"^Subject:\s*(?:Re:\s*)*(.+)$", head, re.M | re.I)
            lines = [line for line in body.split("\n") if not line.lstrip().startswith((">", "|"))]
            paragraphs = tuple(p for p in _paragraphs("\n".join(lines)) if len(p) < 2000)
            if subject and paragraphs:
                group = member.name.split("/")[1]
                categories.setdefault(group, []).append(Doc(subject.group(1).strip(), paragraphs))
    return categories


def load_sources(root: Path = CORPORA) -> list[Source]:
    """The four source corpora, read once (tens of MB of text in memory)."""
    return [
        Source("bbc", "BBC News", 0.3, read_bbc(root)),
        Source("reuters", "Reuters", 0.3, read_reuters(root)),
        Source("agnews", "AG News", 0.2, read_ag_news(root)),
        Source("newsgroups", "Usenet", 0.2, read_newsgroups(root)),
    ]


# Recombination ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Generated:
    """One synthetic article, ready to write."""

    relative: str
    text: str
    published: datetime


def article(sources: list[Source], seed: int, i: int) -> Generated:
    """Article ``i`` of the corpus for ``seed`` (depends on nothing else)."""
    rng = random.Random(f"{seed}:{i}")
    source = rng.choices(sources, weights=[s.weight for s in sources])[0]
    category = rng.choice(sorted(source.categories))
    docs = source.categories[category]
    base = rng.choice(docs)
    paragraphs = list(base.paragraphs[:MAX_PARAGRAPHS])
    extra = 3 if len(paragraphs) == 1 else rng.randint(1, 2)  # AG News items are one paragraph
    for _ in range(extra):
        other = rng.choice(docs)
        paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(other.paragraphs))
    published = FIRST_DAY + timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(24 * 60))
    folder = f"{i // PER_FOLDER:04d}/{source.slug}"
    body = "\n\n".join(paragraphs)
    if rng.random() < MARKDOWN_SHARE:
        front = (
            f"---\ntitle: {base.title}\ndate: {published.isoformat()}\n"
            f"source: {source.name}\n---\n\n"
        )
        return Generated(f"{folder}/{i:06d}.md", front + body + "\n", published)
    return Generated(f"{folder}/{i:06d}.txt", f"{base.title}\n\n{body}\n", published)


def generate(sources: list[Source], n: int, seed: int) -> Iterator[Generated]:
    for i in range(n):
        yield article(sources, seed, i)


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + ".manifest")


def is_complete(out: Path, n: int, seed: int) -> bool:
    try:
        manifest = json.loads(manifest_path(out).read_text())
    except (OSError, ValueError):
        return False
    return bool(manifest.get("n") == n and manifest.get("seed") == seed and out.is_dir())


def build(n: int, out: Path, *, seed: int = 1, root: Path = CORPORA, quiet: bool = False) -> float:
    """Write the corpus (replacing any incomplete one); returns the seconds it took."""
    started = time.perf_counter()
    manifest_path(out).unlink(missing_ok=True)
    if out.exists():
        shutil.rmtree(out)
    sources = load_sources(root)
    made: set[Path] = set()
    for done, item in enumerate(generate(sources, n, seed), 1):
        path = out / item.relative
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(item.text, encoding="utf-8")
        stamp = item.published.timestamp()
        os.utime(path, (stamp, stamp))
        if not quiet and done % 10_000 == 0:
            print(f"  corpus: {done:,}/{n:,}", file=sys.stderr)
    manifest_path(out).write_text(json.dumps({"n": n, "seed": seed}))
    return time.perf_counter() - started


def ensure_corpus(n: int, out: Path, *, seed: int = 1, root: Path = CORPORA) -> bool:
    """Build the corpus unless a complete one for (n, seed) is there; True if built."""
    if is_complete(out, n, seed):
        return False
    build(n, out, seed=seed, root=root)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("out", type=Path, help="folder to write (replaced)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    args = parser.parse_args()
    if not args.corpora.is_dir():
        parser.error(f"no corpora at {args.corpora}")
    seconds = build(args.n, args.out, seed=args.seed, root=args.corpora)
    print(f"{args.n:,} articles in {args.out} ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
