"""Filter rules' cost (issue 13, bar 4): adding 1,000 articles with a rule and without.

    python bench/rules.py [../shared/corpora/bbc_news/bbc] [--rounds 3] [--ner rules|off]

Each round adds the same 1,000 BBC files into two fresh library homes, one with
no rule and one with a rule ("said AND government" → star, which matches many
of them) plus a hide rule on a phrase; the two are alternated within the run so
that the machine's load falls on both. Prints the add times, the time the rules
took, and the ratio.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.home import LibraryHome
from index.paths import LibraryPaths

ROOT = Path(__file__).resolve().parents[1]


def _files(corpus: Path, count: int) -> Path:
    files = sorted(corpus.rglob("*.txt"))[:count]
    folder = Path(tempfile.mkdtemp(prefix="rules-src-"))
    for n, path in enumerate(files):
        shutil.copyfile(path, folder / f"{n:04d}.txt")
    return folder


def _add(folder: Path, *, rules: bool, tagger: str | None) -> tuple[float, float, int]:
    home_dir = Path(tempfile.mkdtemp(prefix="rules-home-"))
    home = LibraryHome(LibraryPaths(home_dir), tagger=tagger)
    try:
        home.count()  # open the library before timing, on both sides
        if rules:
            home.add_rule("said AND government", "star")
            home.add_rule('"chief executive"', "hide")
        started = time.perf_counter()
        home.add([folder], jobs=1)
        total = time.perf_counter() - started
        acted = home.mark_counts()["starred"] if rules else 0
        timed = 0.0
        if rules:  # what the rules cost inside that add, measured again on the same ids
            ids = home.library.store.article_ids()
            t0 = time.perf_counter()
            home.apply_rules(ids)
            timed = time.perf_counter() - t0
        return total, timed, acted
    finally:
        home.close()
        shutil.rmtree(home_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "corpus", nargs="?", default=str(ROOT.parent / "shared/corpora/bbc_news/bbc")
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--ner", choices=("rules", "off"), default="rules")
    args = parser.parse_args()
    folder = _files(Path(args.corpus), args.count)
    tagger = None if args.ner == "off" else "rules"
    plain: list[float] = []
    ruled: list[float] = []
    rule_times: list[float] = []
    acted = 0
    for round_ in range(args.rounds):
        order = (False, True) if round_ % 2 == 0 else (True, False)
        for with_rules in order:
            total, timed, count = _add(folder, rules=with_rules, tagger=tagger)
            (ruled if with_rules else plain).append(total)
            if with_rules:
                rule_times.append(timed)
                acted = count
    shutil.rmtree(folder, ignore_errors=True)
    p, r, t = statistics.median(plain), statistics.median(ruled), statistics.median(rule_times)
    print(f"{args.count} articles, {args.rounds} rounds, tagger {args.ner}")
    print(f"add without rules: {p:.2f} s (median)")
    print(f"add with 2 rules:  {r:.2f} s (median); the rules starred {acted}")
    print(f"the rules alone on those {args.count} ids: {t * 1000:.0f} ms = {t / p:.1%} of the add")
    print(f"with/without: {r / p:.3f}")


if __name__ == "__main__":
    main()
