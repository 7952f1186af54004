"""Stories benchmark: are syndicated copies grouped, and distinct stories kept apart?

    python bench/stories.py [--originals 300] [--reuters-limit N] [--corpora DIR]

Ground truth, built at run time from the real corpora (nothing of their text is
kept in the project):

* Originals: real BBC News articles (5 categories; the corpus has no dates, so
  each category's articles are all dated within the same three days) and real
  Reuters-21578 stories from the busiest (topic, day) cells of 1987 (earnings,
  acquisitions, crude...: same category, same days, often the same companies).
  Two records with the same title on one day, or the same first or last 30
  words, are taken as one original (the collection holds such resends) so the
  truth does not call a real copy "distinct".
* Copies: each original is delivered by 1 to 4 syndicating feeds, as feeds do:
  re-headlined ("UPDATE 2-", "Analysis:", cut), trimmed to its first paragraphs
  (at least half), a middle paragraph dropped, a paragraph added (from another
  article of the same category: a "background" box), and each feed's own
  boilerplate around the text (byline, share line, copyright footer: the same in
  all of that feed's items), dated up to 36 hours after the original.
* Pairs: two items are a true pair when they come from one original; every
  other pair (same category, same days, same feeds' boilerplate) is a negative.

It prints (1) the precision/recall curve of the pair decision over thresholds
of estimated Jaccard and of containment, from the signatures alone (pure
functions, all pairs that LSH makes candidates, clusters by union-find); (2) pair
precision/recall of a real ingest of the ground truth (files written, ``add``
into a library on disk, story ids read back from SQLite) with the core's rule;
(3) all of Reuters-21578 ingested as the corpus has it (tables included): how many
real stories it groups, and ten groups drawn at random (``--judge-seed``, printed) to
read and judge.

    python bench/stories.py --overhead [--overhead-files 3000] [--rounds 5] [--jobs N]

times what grouping adds to ``add`` on a shared machine: the same real BBC and Reuters
files ingested into fresh libraries with grouping off and on, alternated in one process,
medians of wall and CPU time (with the workers') and the seconds inside the grouping.
"""

from __future__ import annotations

import argparse
import gzip
import html
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.analysis import minhash
from index.analysis.entities import analyse, get_tagger
from index.home import stories as story_rules
from index.home.ingest import ingest
from index.home.library import Library
from index.home.store import Store
from index.models import Analysis, Article
from index.paths import LibraryPaths

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
REUTERS_TOPICS = ("earn", "acq", "crude", "trade", "money-fx", "grain", "interest", "ship")
BBC_DAY = datetime(2005, 3, 1, 8, 0)
FEEDS = (
    ("Daily Ledger", "By Staff Reporter | The Daily Ledger",
     "Share this story: Facebook Twitter Email"),
    ("NewsNow Wire", "NewsNow Wire - syndicated content",
     "Click here to sign up for our morning newsletter"),
    ("Metro Herald", "From our wire partners",
     "Copyright Metro Herald. All rights reserved. This material may not be published,"
     " broadcast, rewritten or redistributed."),
    ("The Globe Digest", "THE GLOBE DIGEST / world desk",
     "Follow us for more news. Related: Markets, Politics, Sport. Advertisement"),
    ("Channel 9 News", "Channel 9 News Online",
     "Have a story tip? Contact the newsroom at any time, day or night."),
    ("Citizen Post", "Citizen Post staff and agencies",
     "This article was amended. Comments are closed on this article."),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Real:
    """One real article: where from, its category and date, title, paragraphs (of two
    sentences, for the copies to cut and move) and its text as the corpus has it (tables
    and short lines included: what a library of the real stories holds)."""

    key: str
    corpus: str
    category: str
    published: datetime
    title: str
    paragraphs: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Item:
    """One article of the ground truth as a feed delivers it."""

    name: str
    original: str
    """The ``Real.key`` it is a copy of (or is)."""
    source: str
    published: datetime
    title: str
    body: str


# Reading the real corpora ----------------------------------------------------------------


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"']?\s+(?=[A-Z\"'])")
SENTENCES_PER_PARAGRAPH = 2


def _paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs of at most two sentences, as news sites set them: the BBC files hold
    several paragraphs per line, and a "paragraph added" must be a paragraph, not half an
    article."""
    found = []
    for block in re.split(r"\n\s*\n", text):
        sentences = _SENTENCE_END.split(re.sub(r"\s+", " ", block).strip())
        for start in range(0, len(sentences), SENTENCES_PER_PARAGRAPH):
            found.append(" ".join(sentences[start : start + SENTENCES_PER_PARAGRAPH]))
    return tuple(p for p in found if len(p) > 40)


def read_bbc(root: Path) -> list[Real]:
    found = []
    for folder in sorted(p for p in (root / "bbc_news" / "bbc").iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.txt")):
            title, _, body = path.read_bytes().decode("utf-8", "replace").strip().partition("\n")
            paragraphs = _paragraphs(body)
            if title.strip() and len(paragraphs) >= 3:
                key = f"bbc/{folder.name}/{path.stem}"
                found.append(
                    Real(key, "bbc", folder.name, BBC_DAY, title.strip(), paragraphs, body.strip())
                )
    return found


_RECORD = re.compile(r"<REUTERS.*?NEWID=\"(\d+)\">(.*?)</REUTERS>", re.S)
_TAG = {n: re.compile(rf"<{n}>(.*?)</{n}>", re.S) for n in ("TITLE", "BODY", "TOPICS", "DATE")}


def read_reuters(root: Path, limit: int | None = None) -> list[Real]:
    """Reuters-21578 records with a title, a body and a date (all of them, or ``limit``)."""
    found: list[Real] = []
    for path in sorted((root / "reuters21578").glob("reut2-*.sgm.gz")):
        text = gzip.decompress(path.read_bytes()).decode("latin-1")
        for newid, record in _RECORD.findall(text):
            title, body, date = (_TAG[n].search(record) for n in ("TITLE", "BODY", "DATE"))
            if not title or not body or not date:
                continue
            try:
                stamp = date.group(1).strip().split(".")[0]  # " 3-MAR-1987 09:17:32.30"
                published = datetime.strptime(stamp, "%d-%b-%Y %H:%M:%S")
            except ValueError:
                continue
            topics = re.findall(r"<D>(.*?)</D>", (_TAG["TOPICS"].search(record) or _NONE).group(1))
            body_text = html.unescape(body.group(1)).replace("\x03", "").replace("\x1f", "")
            paragraphs = _paragraphs(re.sub(r"\n {3,}", "\n\n", body_text))
            if not paragraphs:
                continue
            category = topics[0] if topics else "misc"
            name = html.unescape(title.group(1)).strip()
            key = f"reuters/{newid}"
            text = body_text.strip()
            found.append(Real(key, "reuters", category, published, name, paragraphs, text))
            if limit is not None and len(found) >= limit:
                return found
    return found


_NONE = re.match(r"(.*)", "")
assert _NONE is not None


# The ground truth --------------------------------------------------------------------------


def _resends_dropped(reals: Iterable[Real]) -> list[Real]:
    """One of each set of records with the same title on a day, or the same first or last
    30 words."""
    kept, seen = [], set()
    for real in reals:
        words = " ".join(" ".join(real.paragraphs).split()[:30]).casefold()
        marks = {("title", real.title.casefold(), real.published.date()), ("words", words)}
        marks.add(("end", " ".join(" ".join(real.paragraphs).split()[-30:]).casefold()))
        if marks & seen:
            continue
        seen |= marks
        kept.append(real)
    return kept


def originals(
    bbc: Sequence[Real], reuters: Sequence[Real], n: int, rng: random.Random
) -> list[Real]:
    """``n`` originals, half BBC (same category, same three days), half Reuters (the
    busiest topic-day cells), all with at least three paragraphs."""
    picked: list[Real] = []
    by_category: dict[str, list[Real]] = defaultdict(list)
    for real in _resends_dropped(bbc):  # the BBC set holds a few articles twice
        by_category[real.category].append(real)
    per = max(1, n // 2 // len(by_category))
    for category, reals in sorted(by_category.items()):
        for number, real in enumerate(rng.sample(reals, min(per, len(reals)))):
            when = BBC_DAY + timedelta(hours=(number * 7) % 72)
            picked.append(
                Real(real.key, "bbc", category, when, real.title, real.paragraphs, real.text)
            )
    cells: dict[tuple[str, object], list[Real]] = defaultdict(list)
    for real in _resends_dropped(reuters):
        if real.category in REUTERS_TOPICS and len(real.paragraphs) >= 3:
            cells[(real.category, real.published.date())].append(real)
    wanted = n - len(picked)
    for _, reals in sorted(cells.items(), key=lambda kv: (-len(kv[1]), str(kv[0]))):
        if wanted <= 0:
            break
        take = _resends_dropped(reals)[: min(12, wanted)]
        picked.extend(take)
        wanted -= len(take)
    return picked


def _headline(title: str, rng: random.Random) -> str:
    words = title.split()
    kind = rng.randrange(5)
    if kind == 0:
        return f"UPDATE {rng.randint(1, 3)}-{title}"
    if kind == 1:
        return "Analysis: " + title
    if kind == 2 and len(words) > 4:
        return " ".join(words[: max(3, len(words) * 2 // 3)]) + " - report"
    if kind == 3:
        return title.upper() if not title.isupper() else title.title()
    return f"{title} ({rng.choice(['video', 'live', 'latest'])})"


def copy_of(real: Real, feed: int, others: Sequence[Real], rng: random.Random) -> Item:
    """One feed's copy: re-headlined, trimmed, a paragraph dropped or added, boilerplate."""
    paragraphs = list(real.paragraphs)
    if rng.random() < 0.6:  # trimmed to its first paragraphs, at least half of them
        keep = rng.randint(max(2, (len(paragraphs) + 1) // 2), len(paragraphs))
        paragraphs = paragraphs[:keep]
    if rng.random() < 0.4 and len(paragraphs) >= 4:  # a middle paragraph dropped
        del paragraphs[rng.randrange(1, len(paragraphs) - 1)]
    if rng.random() < 0.4 and others:  # a background paragraph from another article
        other = rng.choice(others)
        paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(other.paragraphs))
    name, header, footer = FEEDS[feed]
    body = "\n\n".join([header, *paragraphs, footer])
    when = real.published + timedelta(hours=rng.randint(0, 36), minutes=rng.randrange(60))
    return Item("", real.key, name, when, _headline(real.title, rng), body)


def ground_truth(reals: Sequence[Real], rng: random.Random) -> list[Item]:
    """Each original as its own outlet published it, and 1 to 4 feeds' copies of it."""
    by_category: dict[tuple[str, str], list[Real]] = defaultdict(list)
    for real in reals:
        by_category[(real.corpus, real.category)].append(real)
    items = []
    for real in reals:
        outlet = "BBC News" if real.corpus == "bbc" else "Reuters"
        body = "\n\n".join(real.paragraphs)
        items.append(Item("", real.key, outlet, real.published, real.title, body))
        others = [o for o in by_category[(real.corpus, real.category)] if o.key != real.key]
        for feed in rng.sample(range(len(FEEDS)), rng.randint(1, 4)):
            items.append(copy_of(real, feed, others, rng))
    return [
        Item(f"{number:05d}", i.original, i.source, i.published, i.title, i.body)
        for number, i in enumerate(items)
    ]


def write_items(items: Sequence[Item], folder: Path) -> dict[str, str]:
    """Each item as a Markdown file with front matter; returns file path -> item name."""
    names = {}
    for item in items:
        path = folder / item.source.replace(" ", "_") / f"{item.name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        title = item.title.replace("\n", " ")
        front = f"---\ntitle: {title}\ndate: {item.published.isoformat()}\n"
        front += f"source: {item.source}\n---\n\n"
        path.write_text(front + item.body + "\n", encoding="utf-8")
        names[str(path.resolve())] = item.name
    return names


def write_reals(reals: Sequence[Real], folder: Path) -> None:
    """Each real article as it is, a Markdown file with its title, date and outlet."""
    for number, real in enumerate(reals):
        path = folder / f"{number // 1000:03d}" / f"{real.key.replace('/', '_')}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        title = real.title.replace("\n", " ")
        outlet = "BBC News" if real.corpus == "bbc" else "Reuters"
        front = (
            f"---\ntitle: {title}\ndate: {real.published.isoformat()}\nsource: {outlet}\n---\n\n"
        )
        path.write_text(front + real.text + "\n", encoding="utf-8")


# Scoring -----------------------------------------------------------------------------------


def pair_scores(truth: dict[str, str], found: dict[str, str]) -> tuple[float, float, int, int]:
    """Pair precision and recall of ``found`` (item -> group) against ``truth``."""
    true_pairs = _pairs(truth)
    found_pairs = _pairs({k: v for k, v in found.items() if k in truth})
    hit = len(true_pairs & found_pairs)
    precision = hit / len(found_pairs) if found_pairs else 1.0
    recall = hit / len(true_pairs) if true_pairs else 1.0
    return precision, recall, len(true_pairs), len(found_pairs)


def _pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for item, group in groups.items():
        members[group].append(item)
    return {pair for names in members.values() for pair in combinations(sorted(names), 2)}


class UnionFind:
    def __init__(self, names: Iterable[str]) -> None:
        self.parent = {name: name for name in names}

    def find(self, name: str) -> str:
        while self.parent[name] != name:
            self.parent[name] = self.parent[self.parent[name]]
            name = self.parent[name]
        return name

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)

    def groups(self) -> dict[str, str]:
        return {name: self.find(name) for name in self.parent}


def fingerprints(items: Sequence[Item]) -> dict[str, story_rules.Fingerprint | None]:
    """The core's fingerprints of the items, their names found by the rules tagger."""
    tagger = get_tagger("rules")
    found = {}
    for item in items:
        article = Article(item.name, item.title, item.body, item.source, published=item.published,
                          date_origin="metadata")  # fmt: skip
        analysis = analyse(item.body, item.published, tagger=tagger)
        found[item.name] = story_rules.fingerprint(article, analysis)
    return found


def curve(items: Sequence[Item], rows: int) -> None:
    """Precision/recall over thresholds, from fingerprints and LSH candidates alone."""
    prints = fingerprints(items)
    truth = {item.name: item.original for item in items}
    bodies = {item.name: item.body for item in items}
    buckets: dict[int, list[str]] = defaultdict(list)
    for name, found in prints.items():
        if found is not None:
            for key in minhash.band_keys(found.signature, rows=rows):
                buckets[key].append(name)
    candidates = {pair for names in buckets.values() for pair in combinations(sorted(names), 2)}
    true_pairs = _pairs(truth)
    scored = []
    for a, b in candidates:
        fa, fb = prints[a], prints[b]
        assert fa is not None and fb is not None
        j = minhash.similarity(fa.signature, fb.signature)
        names = len(fa.names & fb.names) / max(1, len(fa.names | fb.names))
        contained = minhash.containment(fa.signature, fb.signature, j)
        one = story_rules.same_story(fa, fb) and story_rules.numbers_agree(
            story_rules.number_places(bodies[a]), story_rules.number_places(bodies[b])
        )
        scored.append((a, b, j, contained, names, one))
    reached = len(true_pairs & candidates) / len(true_pairs)
    print(
        f"LSH, {minhash.BINS} bins in bands of {rows}: {len(candidates):,} candidate pairs,"
        f" {reached:.1%} of the {len(true_pairs):,} true pairs among them"
    )
    true_j = [s[2] for s in scored if (s[0], s[1]) in true_pairs]
    false_j = [s[2] for s in scored if (s[0], s[1]) not in true_pairs]
    if true_j and false_j:
        print(
            f"  estimated Jaccard of candidates: true pairs median {statistics.median(true_j):.2f}"
            f" (min {min(true_j):.2f}); other pairs median {statistics.median(false_j):.2f}"
            f" (max {max(false_j):.2f})"
        )

    def scores(keep: Callable[[tuple[str, str, float, float, float, bool]], bool]) -> str:
        union = UnionFind(truth)
        for pair in scored:
            if keep(pair):
                union.union(pair[0], pair[1])
        precision, recall, _, _ = pair_scores(truth, union.groups())
        return f"{precision:6.3f} / {recall:5.3f}"

    print(
        "  pair P / R (union-find over the candidates) when a pair is one story at\n"
        f"     t   J >= t          containment >= t  J >= {story_rules.JACCARD:.2f} or"
        f" (J >= t and names >= {story_rules.NAMES_SHARED:.2f})"
    )
    for t in [t / 20 for t in range(2, 19)]:
        jaccard = scores(lambda p, t=t: p[2] >= t)
        contained = scores(lambda p, t=t: p[3] >= t)
        named = scores(
            lambda p, t=t: (
                p[2] >= story_rules.JACCARD or (p[2] >= t and p[4] >= story_rules.NAMES_SHARED)
            )
        )
        print(f"  {t:4.2f}   {jaccard}   {contained}   {named}")
    print(f"  the core's rule ({story_rules.RULE}): {scores(lambda p: p[5])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--originals", type=int, default=300)
    parser.add_argument("--reuters-limit", type=int, default=None)
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--judge-seed", type=int, default=None, help="which ten groups to show (default: random)"
    )
    parser.add_argument("--curve-only", action="store_true")
    parser.add_argument("--rows", type=int, default=minhash.ROWS)
    parser.add_argument(
        "--overhead", action="store_true", help="only the A/B ingest timing of grouping"
    )
    parser.add_argument("--overhead-files", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=None, help="ingest workers (default: cores)")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    bbc = read_bbc(args.corpora)
    reuters = read_reuters(args.corpora)
    if args.overhead:
        with tempfile.TemporaryDirectory() as tmp:
            overhead(bbc, reuters, args.overhead_files, args.rounds, args.jobs, Path(tmp))
        return
    reals = originals(bbc, reuters, args.originals, rng)
    items = ground_truth(reals, rng)
    print(
        f"ground truth: {len(reals)} originals ({sum(r.corpus == 'bbc' for r in reals)} BBC,"
        f" {sum(r.corpus == 'reuters' for r in reals)} Reuters), {len(items)} items"
    )
    curve(items, args.rows)
    if args.curve_only:
        return
    judge_seed = args.judge_seed if args.judge_seed is not None else random.randrange(10**6)
    with tempfile.TemporaryDirectory() as tmp:
        ingested_truth(items, Path(tmp))
        reuters_run(reuters[: args.reuters_limit], Path(tmp), judge_seed)


def ingested_truth(items: Sequence[Item], tmp: Path) -> None:
    names = write_items(items, tmp / "truth")
    library = Library.open(LibraryPaths(tmp / "truth-lib").ensure())
    try:
        ingest(library, [tmp / "truth"], tagger="rules")
        stories = library.store.stories_of(library.store.article_ids())
        paths = library.store.paths(list(stories))
    finally:
        library.close()
    found = {names[paths[i]]: story.id for i, story in stories.items() if paths.get(i) in names}
    truth = {item.name: item.original for item in items}
    precision, recall, true_n, found_n = pair_scores(truth, found)
    print(
        f"ingested ground truth ({story_rules.RULE}): pair precision {precision:.3f},"
        f" recall {recall:.3f} ({found_n:,} pairs grouped, {true_n:,} true)"
    )


def reuters_run(reals: Sequence[Real], tmp: Path, judge_seed: int) -> None:
    """The real stories ingested with grouping; ten of its groups, drawn at random, to read."""
    folder = tmp / "reuters"
    write_reals(reals, folder)
    library = Library.open(LibraryPaths(tmp / "reuters-lib").ensure())
    try:
        report = ingest(library, [folder], tagger="rules")
        groups = _reuters_groups(library)
    finally:
        library.close()
    sizes = Counter(len(members) for members in groups.values())
    grouped = sum(len(m) for m in groups.values())
    retitled = sum(len({t.casefold() for t, _, _ in m}) > 1 for m in groups.values())
    print(
        f"Reuters-21578: {report.added:,} articles; {len(groups):,} stories of 2 or more"
        f" articles ({retitled:,} with differing titles), {grouped:,} articles in them;"
        f" sizes: {dict(sorted(sizes.items()))}"
    )
    shown = random.Random(judge_seed).sample(sorted(groups), min(10, len(groups)))
    print(f"  ten groups to read, drawn with --judge-seed {judge_seed}:")
    for number, story in enumerate(shown, start=1):
        members = groups[story]
        print(f"  group {number} ({len(members)} articles, story {story}):")
        for title, published, body in members:
            print(f"    {published[:16]}  {title[:60]!r}\n      {body[:200]!r}")


def _reuters_groups(library: Library) -> dict[str, list[tuple[str, str, str]]]:
    store = library.store
    stories = store.stories_of(store.article_ids())
    members: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for article_id, story in stories.items():
        if story.count > 1:
            stored = store.article(article_id)
            assert stored is not None
            a = stored.article
            members[story.id].append((a.title, str(a.published), " ".join(a.body.split())))
    return {story: sorted(found, key=lambda m: m[1]) for story, found in members.items()}


# The cost of grouping ----------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    wall: float
    cpu: float
    """This process's and its workers' user + system seconds."""
    grouping: float
    """Wall seconds inside ``assign_stories`` (0 without grouping)."""


def overhead(
    bbc: Sequence[Real],
    reuters: Sequence[Real],
    files: int,
    rounds: int,
    jobs: int | None,
    tmp: Path,
) -> None:
    """The same real BBC and Reuters files ingested into fresh libraries with grouping off
    (A) and on (B), alternating (ABBA in pairs of rounds, so a slow spell of the shared
    machine falls on both) after one warm-up: medians of wall and CPU time, their ratios,
    and the seconds spent grouping."""
    picked = list(bbc[: files // 2]) + list(reuters[: files - min(len(bbc), files // 2)])
    folder = tmp / "files"
    write_reals(picked, folder)
    runs: dict[bool, list[Run]] = {False: [], True: []}
    _timed_ingest(folder, tmp / "warm-up", grouping=True, jobs=jobs)
    for number in range(rounds):
        for grouping in (False, True) if number % 2 == 0 else (True, False):
            home = tmp / f"home-{number}-{grouping}"
            runs[grouping].append(_timed_ingest(folder, home, grouping=grouping, jobs=jobs))
            shutil.rmtree(home)
    off, on = runs[False], runs[True]
    print(
        f"ingest of {len(picked):,} real files ({sum(r.corpus == 'bbc' for r in picked):,} BBC,"
        f" {sum(r.corpus == 'reuters' for r in picked):,} Reuters), {rounds} rounds of grouping"
        f" off/on alternated, jobs={jobs or 'cores'}:"
    )
    for label, attribute in (("wall", "wall"), ("CPU (with workers)", "cpu")):
        a = statistics.median(getattr(r, attribute) for r in off)
        b = statistics.median(getattr(r, attribute) for r in on)
        paired = statistics.median(
            getattr(y, attribute) / getattr(x, attribute) - 1 for x, y in zip(off, on, strict=True)
        )
        print(
            f"  {label:>18}: off {a:6.2f} s, on {b:6.2f} s (medians):"
            f" grouping adds {b / a - 1:+.1%}"
            f" (median of the rounds' own ratios {paired:+.1%});"
            f" rounds off {_seconds(off, attribute)}, on {_seconds(on, attribute)}"
        )
    spent = statistics.median(r.grouping for r in on)
    print(
        f"  inside assign_stories: median {spent:.2f} s"
        f" = {spent / statistics.median(r.wall for r in off):.1%} of the wall time without it"
    )


def _seconds(runs: Sequence[Run], attribute: str) -> str:
    return " ".join(f"{getattr(r, attribute):.1f}" for r in runs)


def _timed_ingest(folder: Path, home: Path, *, grouping: bool, jobs: int | None) -> Run:
    spent = [0.0]
    original = Store.assign_stories

    def timed(store: Store, items: Iterable[tuple[Article, Analysis]]) -> int:
        started = time.perf_counter()
        try:
            return original(store, items)
        finally:
            spent[0] += time.perf_counter() - started

    library = Library.open(LibraryPaths(home).ensure())
    Store.assign_stories = timed  # type: ignore[method-assign]
    try:
        before_self = resource.getrusage(resource.RUSAGE_SELF)
        before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        ingest(library, [folder], tagger="rules", stories=grouping, jobs=jobs)
        wall = time.perf_counter() - started
        after_self = resource.getrusage(resource.RUSAGE_SELF)
        after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        Store.assign_stories = original  # type: ignore[method-assign]
        library.close()
    cpu = sum(
        getattr(after, f) - getattr(before, f)
        for before, after in ((before_self, after_self), (before_children, after_children))
        for f in ("ru_utime", "ru_stime")
    )
    return Run(wall, cpu, spent[0])


if __name__ == "__main__":
    main()
