"""Fuzz reader's loaders (files into articles, and annotation JSON into the store) for a while.

Run on demand (never in CI) from the project root, with the project's virtualenv::

    .venv/bin/python benchmarks/fuzz_loaders.py                   # 2 minutes, every target
    .venv/bin/python benchmarks/fuzz_loaders.py --seconds 600
    .venv/bin/python benchmarks/fuzz_loaders.py --examples 5000 --target bytes

It runs the properties of ``tests/unit/test_fuzz.py`` (the same checks, imported from there)
with hypothesis for as long as asked, in rounds of ``--batch`` examples, each round with a new
seed and no example database, so that every round explores afresh. Targets, in turn:

* **bytes**: arbitrary bytes (binary signatures, BOMs, CR/LF, invalid UTF-8, Markdown, HTML,
  any Unicode) written to a ``.md`` and a ``.txt`` file, then ``read_source``,
  ``open_article`` and its batches, ``load_article`` and ``describe``: a DocumentError saying
  "binary" exactly when the head is binary, otherwise blocks whose offsets are the canonical
  text, the same read twice, progressively and at once (``check_loading``).
* **big**: the same over files of 24,000 to 200,000 characters, so that Markdown is parsed
  in chunks of the real size; the blocks must equal a parse in one piece.
* **chunks**: any text loaded in the smallest chunks and batches there can be must give
  the blocks of a parse in one piece (``check_chunks``).
* **import**: any JSON, and annotations aimed at a real article with any field values,
  through ``import_annotations``: never an exception, every annotation counted once
  (``check_import``).

Ordered-list numbers are compared too, and nothing is left out: the chunker's former gaps
(HTML blocks over blank lines, closing fences with an info string, list numbers, blank lines
that are not blank to CommonMark, nested definitions) are fixed and have their own tests.

A round stops at its number of examples, not at the time limit, so the run may overrun by a
round (about 5 s), or by longer while hypothesis shrinks a large failing input.

Each failure is shrunk by hypothesis to a small input, which is saved under
``benchmarks/results/fuzz-<target>-<time>-<n>.txt`` (its ``repr``, plus ``.bin`` with the raw
bytes for the byte targets) with the traceback. The exit status is 1 when anything failed.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
ROUND_SECONDS = 5.0


@dataclass
class Target:
    """One property to fuzz: a strategy, and a check that raises on a failure."""

    name: str
    strategy: object
    check: Callable[[object, Path], None]
    examples: int = 0
    rounds: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


def targets(folder: Path) -> list[Target]:
    sys.path.insert(0, str(ROOT))
    from hypothesis import assume
    from hypothesis import strategies as st

    from reader.text import documents
    from reader.text.documents import load_article, open_article
    from tests.unit import test_fuzz as fuzz

    def check_big(data: bytes, folder: Path) -> None:
        assume(not fuzz.is_binary(data))
        fuzz.check_loading(data, folder)
        path = folder / "big.md"
        path.write_bytes(data)
        article, rest = open_article(path)  # in real chunks
        for batch in rest:
            article.extend(batch)
        saved = documents.FIRST_CHUNK_CHARS
        documents.FIRST_CHUNK_CHARS = 1 << 40
        try:
            whole = load_article(path)  # in one piece
        finally:
            documents.FIRST_CHUNK_CHARS = saved
        chunked, one_pass = fuzz.shape(article), fuzz.shape(whole)
        if chunked != one_pass:
            at = next(
                (i for i, (a, b) in enumerate(zip(chunked, one_pass, strict=False)) if a != b),
                min(len(chunked), len(one_pass)),
            )
            raise AssertionError(
                f"block {at} differs: in chunks {chunked[at : at + 2]!r:.300}, "
                f"in one piece {one_pass[at : at + 2]!r:.300}"
            )

    def check_chunks(paragraphs: list[str], _folder: Path) -> None:
        text = re.sub(r"\r\n?", "\n", "\n\n".join(paragraphs))
        fuzz.check_chunks(text, numbers=True)

    library = folder / "library"
    library.mkdir()
    (library / "a.md").write_text("Hello world, this is text.", encoding="utf-8")

    def check_import(document: object, _folder: Path) -> None:
        fuzz.check_import(document, library)

    paragraph = fuzz.hostile(surrogates=False, max_pieces=12).map(lambda t: t.encode("utf-8"))
    unit = st.lists(st.one_of(fuzz.file_bytes, paragraph), min_size=1, max_size=8).map(
        lambda parts: b"\n\n".join(parts) + b"\n\n"
    )
    big = st.builds(
        lambda part, extra: part * (24_000 // len(part) + 1 + extra),  # 24 kB or more
        unit.filter(lambda part: part.strip()),
        st.integers(0, 6),
    )
    return [
        Target("bytes", fuzz.any_file_bytes, fuzz.check_loading),
        Target("big", big, check_big),
        Target(
            "chunks",
            st.lists(fuzz.hostile(surrogates=False, max_pieces=12), min_size=2, max_size=12),
            check_chunks,
        ),
        Target("import", fuzz.import_documents(library), check_import),
    ]


def run_round(target: Target, examples: int, seed: int, folder: Path) -> str | None:
    """Fuzz ``target`` for ``examples`` examples; the shrunk failure, or None."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import HypothesisWarning

    warnings.filterwarnings("ignore", category=HypothesisWarning)  # "overly large repr"
    from hypothesis import seed as with_seed
    from hypothesis.errors import UnsatisfiedAssumption

    last: list = [None, ""]

    @with_seed(seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(value=target.strategy)
    def property_(value) -> None:
        try:
            target.check(value, folder)
        except UnsatisfiedAssumption:
            raise  # a rejected input: not counted
        except Exception:
            target.examples += 1
            last[0], last[1] = value, traceback.format_exc()
            raise
        target.examples += 1

    try:
        property_()
    except Exception as error:  # the final replay of hypothesis is the shrunk example
        value, trace = last
        if value is None:  # failed outside the check (a strategy or health check)
            value, trace = "<no example>", traceback.format_exc()
        return save(target.name, value, trace or repr(error))
    return None


def save(name: str, value: object, trace: str) -> str:
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    number = len(list(RESULTS.glob(f"fuzz-{name}-{stamp}-*.txt")))
    stem = RESULTS / f"fuzz-{name}-{stamp}-{number}"
    if isinstance(value, bytes):
        stem.with_suffix(".bin").write_bytes(value)
    text = f"target: {name}\ninput: {value!r}\n\n{trace}"
    stem.with_suffix(".txt").write_text(text, encoding="utf-8", errors="backslashreplace")
    last_line = trace.strip().splitlines()[-1] if trace.strip() else "failure"
    return f"{stem.with_suffix('.txt').relative_to(ROOT)}: {last_line[:160]}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="stop after this long")
    parser.add_argument("--examples", type=int, default=0, help="stop after this many (0: no)")
    parser.add_argument("--batch", type=int, default=200, help="examples per round")
    parser.add_argument(
        "--target", choices=["bytes", "big", "chunks", "import", "all"], default="all"
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of the round seeds")
    options = parser.parse_args(argv)

    chooser = random.Random(options.seed)
    started = time.monotonic()
    deadline = started + options.seconds
    failed = 0
    with tempfile.TemporaryDirectory(prefix="reader-fuzz-") as scratch:
        folder = Path(scratch)
        every = targets(folder)
        chosen = [t for t in every if options.target in ("all", t.name)]
        while (now := time.monotonic()) < deadline:
            total = sum(t.examples for t in chosen)
            if options.examples and total >= options.examples:
                break
            target = min(chosen, key=lambda t: t.seconds)  # share the time evenly
            # Rounds of about ROUND_SECONDS, so that the time limit holds and targets alternate.
            rate = target.examples / target.seconds if target.seconds else 2.0
            want = max(5, min(options.batch, int(rate * min(ROUND_SECONDS, deadline - now))))
            if options.examples:
                want = max(1, min(want, options.examples - total))
            seed = chooser.getrandbits(64)
            round_started = time.monotonic()
            failure = run_round(target, want, seed, folder)
            target.seconds += time.monotonic() - round_started
            target.rounds += 1
            if failure:
                failed += 1
                target.failures.append(failure)
                print(f"FAIL {target.name} (seed {seed}): {failure}", flush=True)
    elapsed = time.monotonic() - started
    print(f"\nfuzzed for {elapsed:.0f} s")
    print(f"{'target':8} {'examples':>9} {'rounds':>7} {'seconds':>8} {'per s':>7} failures")
    for t in chosen:
        rate = t.examples / t.seconds if t.seconds else 0.0
        print(
            f"{t.name:8} {t.examples:9d} {t.rounds:7d} {t.seconds:8.1f} {rate:7.1f} "
            f"{len(t.failures)}"
        )
    print(f"{'total':8} {sum(t.examples for t in chosen):9d}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
