"""Benchmark matching a title against the library's (a "Read more" item, a [[wiki link]],
``reader export NAME``): :func:`reader.text.links.match_title`.

Run on demand (never in CI) from the project root::

    .venv/bin/python benchmarks/titles.py

Each run looks up one title that is in the library under a slightly different spelling and
one that is not, among N titles; the median of 9 runs is reported (the first run, which fills
the cache of normalised titles, apart).
"""

from __future__ import annotations

import statistics
import time

from reader.text.links import match_title


def main() -> None:
    for count in (1_000, 5_000, 20_000):
        titles = {
            str(n): f"An article of the library on topic {n}, its details" for n in range(count)
        }
        titles["near"] = "Trump reveals foreign policy of annexation and global conquest"
        near = "Trump reveal foreign policy of anexation and global conquest"
        runs = []
        for _ in range(10):
            started = time.perf_counter()
            assert match_title(near, titles) == "near"
            assert match_title("Something else entirely, not in the library", titles) is None
            runs.append(time.perf_counter() - started)
        first, rest = runs[0], runs[1:]
        print(
            f"{count:>6,} titles: first {first * 1000:7.1f} ms, "
            f"then median {statistics.median(rest) * 1000:6.1f} ms (two lookups)"
        )


if __name__ == "__main__":
    main()
