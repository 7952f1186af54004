"""Reading speed of two builds on one library, alternated in one sitting.

    python bench/ab.py OLD_CHECKOUT HOME [--rounds 3]

Runs ``bench/scale.py --reading-json HOME`` from OLD_CHECKOUT (with its own
``.venv`` if it has one) and from this checkout, turn about, each in a fresh
process, and prints search p50/p95/p99, prefix/fuzzy p50/p95 and related
mean/p95 for every round, then the medians and the ratio new/old. A refactor
that should change nothing shows ratios near 1 (this machine's run-to-run
noise is about +-10 %).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
FIGURES = {
    "search p50": ("search_ms", "p50"),
    "search p95": ("search_ms", "p95"),
    "search p99": ("search_ms", "p99"),
    "prefix/fuzzy p50": ("prefix_fuzzy_ms", "p50"),
    "prefix/fuzzy p95": ("prefix_fuzzy_ms", "p95"),
    "related mean": ("related_ms", "mean"),
    "related p95": ("related_ms", "p95"),
}


def reading(checkout: Path, home: Path) -> dict[str, object]:
    venv = checkout / ".venv" / "bin" / "python"
    python = str(venv) if venv.exists() else sys.executable
    done = subprocess.run(
        [python, "bench/scale.py", "--reading-json", str(home)],
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=1800,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def figure(result: dict[str, object], path: tuple[str, str]) -> float:
    section = result[path[0]]
    assert isinstance(section, dict)
    return float(section[path[1]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("old", type=Path, help="a checkout of the old build")
    parser.add_argument("home", type=Path, help="a built library home")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, object]]] = {"old": [], "new": []}
    for number in range(args.rounds):
        for name, checkout in (("old", args.old.resolve()), ("new", HERE)):
            result = reading(checkout, args.home.resolve())
            runs[name].append(result)
            cells = "  ".join(f"{label} {figure(result, p):7.2f}" for label, p in FIGURES.items())
            print(f"round {number + 1} {name}: {cells}", flush=True)
    print()
    print(f"{'ms':18}{'old':>10}{'new':>10}{'new/old':>10}")
    for label, path in FIGURES.items():
        old = statistics.median(figure(r, path) for r in runs["old"])
        new = statistics.median(figure(r, path) for r in runs["new"])
        print(f"{label:18}{old:10.2f}{new:10.2f}{new / old:10.2f}")


if __name__ == "__main__":
    main()
