"""``reader add``: add sources to the library, several at a time, with a summary.

Prints the path of each new article on standard output and every problem, one line each,
on standard error; exits 1 when any source failed. A list is resumable: what was added
is found again by its address and skipped. Ctrl+C stops at once: no new article is begun,
those being written are finished (every article is written whole or not at all), and the
pages still being fetched are left behind, in threads that do not keep the process alive.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, SimpleQueue
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from reader.intake import AddResult, AddStatus, SourceIndex, add_source
from reader.intake.fetch import TIMEOUT
from reader.intake.shelf import WriteError
from reader.intake.sources import SourceListError, read_sources
from reader.text.addresses import is_web_address, normalise_url
from reader.text.display import visible

if TYPE_CHECKING:  # rich's progress bar is imported when it is shown
    from rich.progress import Progress, TaskID

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
    index = _ClosingIndex(options.library, options.whole)
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
        pending: set[Future[AddResult]] = set()
        try:
            # Within the try: Ctrl+C may come while the threads are being started.
            pending = _start(one, sources, max(1, min(options.jobs, len(sources))))
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    report(future.result())
                    if progress is not None:
                        progress.advance()
        except BaseException as error:  # Ctrl+C; or standard output closed (| head)
            stop.set()
            # The articles being written are finished, whole; no other is begun. Pages
            # still being fetched are not waited for: their threads end with the process.
            index.close()
            if isinstance(error, KeyboardInterrupt):
                for future in pending:
                    if (
                        future.done()
                        and future.exception() is None
                        and future.result().status is AddStatus.ADDED
                    ):
                        report(future.result())  # written while the others stopped
                err(f"Interrupted: {len(results)} of {len(sources)} done; nothing is half-written.")
                _summary(results, len(sources), err, full=False)
            raise
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


def _start(
    work: Callable[[str], AddResult], sources: list[str], count: int
) -> set[Future[AddResult]]:
    """``work`` on every source, ``count`` at a time, in daemon threads.

    Not a ThreadPoolExecutor: its threads are joined as Python exits, so that Ctrl+C among
    pages that never answer took as long as their timeout (20 s) to end the command.
    """
    queue: SimpleQueue[tuple[Future[AddResult], str]] = SimpleQueue()
    futures: set[Future[AddResult]] = set()
    for source in sources:
        future: Future[AddResult] = Future()
        futures.add(future)
        queue.put((future, source))

    def worker() -> None:
        while True:
            try:
                future, source = queue.get_nowait()
            except Empty:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(work(source))
            except BaseException as error:
                future.set_exception(error)

    for number in range(count):
        threading.Thread(target=worker, name=f"reader-add-{number}", daemon=True).start()
    return futures


class _ClosingIndex(SourceIndex):
    """The library's index for one ``reader add``: once closed, it begins no new article,
    and closing waits for those being written (a file is whole or not there)."""

    def __init__(self, folder: Path, whole: Path | None = None) -> None:
        super().__init__(folder, whole)
        self._gate = threading.Condition()
        self._writing = 0
        self._closed = False

    def write(self, title: str, text: str) -> Path:
        with self._gate:
            if self._closed:
                raise WriteError("interrupted")
            self._writing += 1
        try:
            return super().write(title, text)
        finally:
            with self._gate:
                self._writing -= 1
                self._gate.notify_all()

    def close(self) -> None:
        """Begin no more articles; return once those being written are written."""
        with self._gate:
            self._closed = True
            while self._writing:
                self._gate.wait()


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

    def __init__(self, progress: Progress, task: TaskID) -> None:
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
