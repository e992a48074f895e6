"""``reader add``: add sources to the library, several at a time, with a summary.

Prints the path of each new article on standard output and every problem, one line each,
on standard error; exits 1 when any source failed. A list is resumable: what was added
is found again by its address and skipped. Ctrl+C stops at once between writes: every
article is written whole or not at all.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from reader.intake import AddResult, AddStatus, SourceIndex, add_source
from reader.intake.fetch import TIMEOUT
from reader.intake.sources import SourceListError, read_sources
from reader.layout import visible
from reader.urls import is_web_address, normalise_url

JOBS = 4
"""Sources added at the same time."""
PER_HOST = 2
"""Pages fetched from one site at the same time: a polite crawler's limit."""


class AddCommandError(Exception):
    """A mistake in the command (no sources, an unreadable list); one line for the user."""


@dataclass(frozen=True, slots=True)
class Options:
    """What ``reader add`` was asked to do."""

    sources: Sequence[str]
    library: Path
    from_file: Path | None = None
    jobs: int = JOBS
    per_host: int = PER_HOST
    timeout: float = TIMEOUT
    # The whole library, when ``library`` is a folder of it (--to lib/news): a page in any
    # of its folders is already there.
    whole: Path | None = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``reader add``'s arguments, on the parser the command line made for it."""
    parser.description = (
        "Add web pages (addresses or saved .html files) and .epub books to the library "
        "as Markdown articles; prints the path of each new article."
    )
    parser.add_argument(
        "sources", nargs="*", metavar="SOURCE", help="a web address, an .html/.htm file or an .epub"
    )
    parser.add_argument(
        "--from",
        dest="from_file",
        metavar="FILE",
        help="a list of addresses: one a line, a Pocket export (ril_export.html) "
        "or an Instapaper CSV export",
    )
    parser.add_argument("--to", metavar="DIR", help="the folder to add to (default: the library)")
    parser.add_argument(
        "--jobs", type=int, default=JOBS, metavar="N", help=f"sources at a time (default {JOBS})"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=TIMEOUT,
        metavar="SECONDS",
        help=f"longest wait for one page (default {TIMEOUT:g})",
    )


def gather_sources(options: Options) -> list[str]:
    """The sources named and listed, each address once (after normalisation)."""
    sources = list(options.sources)
    if options.from_file is not None:
        try:
            sources += read_sources(options.from_file)
        except SourceListError as error:
            raise AddCommandError(str(error)) from None
    seen: set[str] = set()
    unique = []
    for source in (s.strip() for s in sources):
        key = normalise_url(source) if is_web_address(source) else source
        if source and key not in seen:
            seen.add(key)
            unique.append(source)
    return unique


def run(options: Options, out: Callable[[str], None], err: Callable[[str], None]) -> int:
    """Add every source; ``out`` gets new articles' paths, ``err`` every other line."""
    sources = gather_sources(options)
    if not sources:
        if options.from_file is not None:
            raise AddCommandError(f"{options.from_file} lists no addresses")
        raise AddCommandError("name a web address, an .html/.htm file or an .epub (or --from FILE)")
    index = SourceIndex(options.library, options.whole)
    results: list[AddResult] = []
    stop = threading.Event()
    hosts = _HostLimits(max(1, options.per_host))
    batch = len(sources) > 1

    def report(result: AddResult) -> None:
        results.append(result)
        if result.status is AddStatus.ADDED:
            out(result.message())  # the new article's path, for scripts
        else:
            err(f"reader: {result.message()}")  # as every command's problems begin

    def one(source: str) -> AddResult:
        with hosts.slot(source):
            if stop.is_set():
                return AddResult(source, AddStatus.FAILED, reason="interrupted")
            return add_source(source, options.library, index=index, timeout=options.timeout)

    with ExitStack() as stack:
        progress = _progress(stack, len(sources)) if batch and sys.stderr.isatty() else None
        if progress is not None:
            # Lines go above the bar; paths stay on stdout when that is a pipe or file.
            err = progress.wrap(err)
            out = progress.wrap(out) if sys.stdout.isatty() else out
        pool = ThreadPoolExecutor(max_workers=max(1, min(options.jobs, len(sources))))
        pending: set[Future[AddResult]] = {pool.submit(one, s) for s in sources}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    report(future.result())
                    if progress is not None:
                        progress.advance()
        except KeyboardInterrupt:
            stop.set()
            pool.shutdown(wait=False, cancel_futures=True)
            # The adds under way finish (each writes its file whole); no new one starts.
            err(f"Interrupted: {len(results)} of {len(sources)} done; nothing is half-written.")
            _summary(results, len(sources), err, full=False)
            raise
        pool.shutdown(wait=True)
    if batch:
        _summary(results, len(sources), err, full=True)
    return 0 if all(r.ok for r in results) else 1


def _summary(
    results: list[AddResult], total: int, err: Callable[[str], None], *, full: bool
) -> None:
    counts = Counter(r.status for r in results)
    line = (
        f"Added {counts[AddStatus.ADDED]}, already there {counts[AddStatus.EXISTS]}, "
        f"failed {counts[AddStatus.FAILED]}"
    )
    if len(results) < total:
        line += f", not tried {total - len(results)}"
    err(line + ".")
    if full:
        for result in results:
            if result.status is AddStatus.FAILED:
                err(f"  failed: {result.message()}")


class _HostLimits:
    """At most ``limit`` sources of one host in progress at a time."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}

    def slot(self, source: str) -> threading.Semaphore | ExitStack:
        if not is_web_address(source):
            return ExitStack()  # a file: no site to be polite to
        try:
            host = (urlsplit(source.strip()).hostname or "").lower()
        except ValueError:
            host = ""
        with self._lock:
            return self._slots.setdefault(host, threading.BoundedSemaphore(self.limit))


class _Progress:
    """A rich progress bar on standard error; lines printed above it."""

    def __init__(self, progress, task) -> None:  # rich objects, imported lazily
        self.progress = progress
        self.task = task

    def advance(self) -> None:
        self.progress.advance(self.task)

    def wrap(self, _stream: Callable[[str], None]) -> Callable[[str], None]:
        from rich.text import Text

        def printer(line: str) -> None:
            self.progress.console.print(Text(visible(line)), soft_wrap=True)

        return printer


def _progress(stack: ExitStack, total: int) -> _Progress:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    stack.enter_context(progress)
    return _Progress(progress, progress.add_task("Adding", total=total))
