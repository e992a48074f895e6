"""Benchmark reader's start-up, key latency and memory against a bare Textual app.

Run on demand (never in CI) from the project root, with the project's virtualenv::

    .venv/bin/python benchmarks/bench.py            # 5 start-ups per case, 200 presses per key
    .venv/bin/python benchmarks/bench.py --quick    # smoke check: 2 start-ups, 30 presses
    .venv/bin/python benchmarks/bench.py --runs 9 --presses 400

Three cases are measured: the sample article (``articles/canada-us-talks-digital-services-tax.md``),
the big book (``benchmarks/.cache/kjv-and-shakespeare.md``, 5.5 MB, built with
``benchmarks/build_book.py`` when missing) and the floor, ``benchmarks/floor_app.py``: a bare
``textual.app.App`` showing one ``Static``, i.e. what any Textual app costs.

Every program runs as a real process under a pseudo-terminal sized 160x45, with
``TERM=xterm-256color``, ``COLUMNS``/``LINES`` set and ``READER_DATA_DIR`` pointing to a
temporary folder (no user data is read or written). The start-ups of a case share one folder,
so that the unmeasured warm-up creates the database the measured starts open, as every start
but a user's very first does; each key-press process gets a fresh one. The parent
reads the terminal output continuously and plays the part of a terminal that supports
synchronized output: Textual asks (``CSI ? 2026 $ p``) and only brackets its frames with
``CSI ? 2026 h`` ... ``CSI ? 2026 l`` when the terminal answers, so the harness answers
``CSI ? 2026 ; 2 $ y`` as kitty, WezTerm, foot, iTerm2 or Windows Terminal would. A frame ends with
``CSI ? 2026 l``.

What is measured:

* **First paint**: from just before the process is forked until the end of the first frame
  written after a known string from the document (its first words) has appeared in the output.
  Median of ``--runs`` fresh processes per case (cases interleaved, after one unmeasured warm-up
  start per case so that byte-compilation and a cold disk cache do not count).
* **Key latency** (sample and book only): from writing the key's bytes to the terminal until the
  end of the next frame. Between presses the harness waits until the program has been quiet for
  ``--quiet-ms`` (100 ms: reader paints up to three frames per key over ~55 ms, so a shorter
  pause would let one key's late frames be taken for the next key's response). The first 10
  presses of each key are warm-up and discarded; a key with no frame within 1 s is a timeout.
  ``j`` (next paragraph) and ``space`` (page down) go on from the top of the book, and in the
  short sample article they are pressed in runs of 25 and 4 with an unmeasured ``g`` (top) in
  between, so that every press moves (the first ~6 ``j`` of each run move the cursor without
  scrolling: a little cheaper; in the book only the first ~15 do); ``G`` (end) and
  ``g`` (top) alternate, and only the ``G`` presses are in the main table (``g`` is reported
  below it). All keys of a case come from one process.
* **Start-up over** (for interest): the last frame before a second without output; for the book
  this includes reader loading the rest of the document in the background. Keys are pressed
  only after it.
* **Peak RSS**: ``VmHWM`` from ``/proc/PID/status``, read just before the program is told to
  quit; the largest over all the processes of a case (the key-press process included).
* **CPU per key** (for interest): CPU time of all the program's threads
  (``/proc/PID/task/*/schedstat``) from writing a key until its last frame, averaged.

The machine may be busy; the load average is printed with the results.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import math
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "articles" / "canada-us-talks-digital-services-tax.md"
FLOOR_APP = HERE / "floor_app.py"

COLS, ROWS = 160, 45
FRAME_BEGIN, FRAME_END = b"\x1b[?2026h", b"\x1b[?2026l"
UNBRACKETED_GAP = 0.010  # silence that ends a frame drawn without synchronized output
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
_TAIL = max(len(FRAME_END), len(SYNC_QUERY)) - 1

KEY_J, KEY_SPACE, KEY_END, KEY_TOP = b"j", b" ", b"G", b"g"
QUIT_READER, QUIT_TEXTUAL = b"q", b"\x11"
WARM_UP = 10
KEY_TIMEOUT = 1.0
PAINT_TIMEOUT = 60.0
# Start-up is over when the program has painted nothing for this long (reader goes on loading a
# long document in the background after its first paint, updating the header as it goes).
SETTLE_QUIET, SETTLE_LIMIT = 1.0, 60.0
# In the sample article, presses of j (next paragraph) and space (page down) between two
# unmeasured g (top), few enough that every press moves (at 160x45 it takes 33 j or 5 spaces to
# reach its end). The book is long enough for 200+ presses of either without going back.
J_RUN = 25
SPACE_RUN = 4


class BenchError(RuntimeError):
    """The program did not behave as the benchmark expects (reported, not hidden)."""


@dataclass(frozen=True)
class Case:
    """One program to measure."""

    name: str
    argv: list[str]
    marker: bytes
    quit_key: bytes
    keys: bool
    j_run: int | None = None  # presses of j between two unmeasured g (None: never go back)
    space_run: int | None = None  # the same for space


@dataclass
class Press:
    """What one key press produced."""

    first: float | None  # seconds from writing the key to the end of the next frame
    settle: float | None  # ... to the end of the last frame before the program went quiet
    frames: int
    size: int  # bytes written up to the end of the first frame (roughly: whole reads)
    cpu: float  # seconds of CPU used by the program meanwhile


@dataclass
class KeyStats:
    """The measured presses of one key."""

    presses: list[Press] = field(default_factory=list)

    @property
    def latencies(self) -> list[float]:
        return [p.first for p in self.presses if p.first is not None]

    @property
    def settles(self) -> list[float]:
        return [p.settle for p in self.presses if p.settle is not None]

    @property
    def timeouts(self) -> int:
        return sum(p.first is None for p in self.presses)


@dataclass
class CaseResult:
    """Everything measured for one case."""

    case: Case
    first_paints: list[float] = field(default_factory=list)
    settled: list[float] = field(default_factory=list)
    peak_rss_kb: list[int] = field(default_factory=list)
    keys: dict[str, KeyStats] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class Session:
    """One program running under a pseudo-terminal, its output read as it arrives."""

    def __init__(self, case: Case, data_dir: Path, quiet: float) -> None:
        self.case = case
        self.quiet = quiet
        env = {k: v for k, v in os.environ.items() if not k.startswith(("READER_", "TEXTUAL"))}
        env.update(
            TERM="xterm-256color",
            COLUMNS=str(COLS),
            LINES=str(ROWS),
            READER_DATA_DIR=str(data_dir),
        )
        env.pop("NO_COLOR", None)
        # A user's Python caches byte-code; without the cache every start compiles reader anew.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.frame_ends: list[float] = []
        self.frame_end_bytes: list[int] = []  # bytes read when each frame end arrived
        self.bytes_read = 0
        self.text = bytearray()  # all output, kept until the first paint is found
        self._chunks: list[tuple[int, float]] = []  # (end offset in text, time read)
        self._keep_text = True
        self._tail = b""
        self._search_from = 0
        self.eof = False
        self.exit_status: int | None = None
        self.t0 = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become the program
            try:
                winsize = struct.pack("HHHH", ROWS, COLS, 0, 0)
                fcntl.ioctl(sys.stdin.fileno(), termios.TIOCSWINSZ, winsize)
                os.chdir(ROOT)
                os.execve(case.argv[0], case.argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.last_output = self.t0

    # --- reading -------------------------------------------------------------------------

    def pump(self, timeout: float) -> bool:
        """Read one chunk of output if some arrives within ``timeout`` seconds."""
        if self.eof:
            time.sleep(max(0.0, timeout))
            return False
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:  # EIO: the program has exited and closed the terminal
            data = b""
        now = time.perf_counter()
        if not data:
            self.eof = True
            return False
        self.last_output = now
        self.bytes_read += len(data)
        window = self._tail + data
        if window.count(SYNC_QUERY) > self._tail.count(SYNC_QUERY):
            os.write(self.fd, SYNC_REPLY)
        ends = window.count(FRAME_END) - self._tail.count(FRAME_END)
        self.frame_ends.extend([now] * ends)
        self.frame_end_bytes.extend([self.bytes_read] * ends)
        self._tail = window[-_TAIL:]
        if self._keep_text:
            self.text += data
            self._chunks.append((len(self.text), now))
        return True

    def wait_quiet(self, quiet: float | None = None, limit: float = 10.0) -> bool:
        """Read until nothing has arrived for ``quiet`` seconds (False: gave up at ``limit``)."""
        quiet = self.quiet if quiet is None else quiet
        deadline = time.perf_counter() + limit
        while not self.eof:
            now = time.perf_counter()
            left = quiet - (now - self.last_output)
            if left <= 0:
                return True
            if now > deadline:
                return False
            self.pump(left)
        return True

    def first_paint(self) -> float:
        """Seconds from fork to the end of the first frame showing the document's text."""
        marker = self.case.marker
        deadline = self.t0 + PAINT_TIMEOUT
        while time.perf_counter() < deadline:
            found = self.text.find(marker, self._search_from)
            if found < 0:
                self._search_from = max(0, len(self.text) - len(marker) + 1)
            elif self.text.rfind(FRAME_BEGIN, 0, found) > self.text.rfind(FRAME_END, 0, found):
                end = self.text.find(FRAME_END, found)
                if end >= 0:
                    return self._painted(end + len(FRAME_END))
            else:
                # Drawn before the program knew the terminal synchronizes output (Textual
                # paints before the answer to its query arrives): the frame is the burst of
                # output around the marker, over when nothing more arrives for a moment.
                while self.pump(UNBRACKETED_GAP):
                    pass
                return self._painted(len(self.text))
            if self.eof:
                break
            self.pump(deadline - time.perf_counter())
        tail = bytes(self.text[-400:])
        what = "exited" if self.eof else f"showed nothing for {PAINT_TIMEOUT:.0f} s"
        raise BenchError(
            f"{self.case.name}: {what} before painting {marker!r}; "
            f"frames seen: {len(self.frame_ends)}; last output: {tail!r}"
        )

    def _painted(self, end: int) -> float:
        """Seconds from fork until the output up to offset ``end`` had arrived."""
        when = next(t for offset, t in self._chunks if offset >= end)
        self._keep_text = False
        self.text = bytearray()
        self._chunks = []
        return when - self.t0

    # --- keys ----------------------------------------------------------------------------

    def press(self, key: bytes) -> Press:
        """Write ``key`` and time the program's response, then wait for it to go quiet."""
        seen = len(self.frame_ends)
        cpu_before = self.cpu_seconds()
        bytes_before = self.bytes_read
        start = time.perf_counter()
        os.write(self.fd, key)
        while len(self.frame_ends) == seen and not self.eof:
            left = start + KEY_TIMEOUT - time.perf_counter()
            if left <= 0:
                break
            self.pump(left)
        first, size = None, 0
        if len(self.frame_ends) > seen:
            first = self.frame_ends[seen] - start
            size = self.frame_end_bytes[seen] - bytes_before
        self.wait_quiet()
        settle = self.frame_ends[-1] - start if len(self.frame_ends) > seen else None
        cpu = self.cpu_seconds() - cpu_before
        return Press(first, settle, len(self.frame_ends) - seen, size, cpu)

    # --- the process ---------------------------------------------------------------------

    def cpu_seconds(self) -> float:
        """CPU time used so far by all the program's threads."""
        total = 0
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{self.pid}/task"):
                with contextlib.suppress(OSError, ValueError, IndexError):
                    text = Path(f"/proc/{self.pid}/task/{task}/schedstat").read_text()
                    total += int(text.split()[0])
        return total / 1e9

    def peak_rss_kb(self) -> int | None:
        """``VmHWM`` of the running program, in kB."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return None

    def _reap(self, limit: float) -> bool:
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.exit_status = os.waitstatus_to_exitcode(status)
                return True
            self.pump(0.02)
        return False

    def close(self) -> str | None:
        """Ask the program to quit; kill it if it will not. Returns a problem, if any."""
        problem = None
        try:
            if self.exit_status is None:
                os.write(self.fd, self.case.quit_key)
                if not self._reap(5.0):
                    problem = f"did not quit on {self.case.quit_key!r} within 5 s"
                    os.write(self.fd, QUIT_TEXTUAL)
                    if not self._reap(2.0):
                        for sig in (signal.SIGTERM, signal.SIGKILL):
                            os.kill(self.pid, sig)
                            if self._reap(2.0):
                                break
                        problem += "; killed"
        except OSError as error:
            problem = f"error while quitting: {error}"
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
        finally:
            os.close(self.fd)
        if problem is None and self.exit_status not in (0, None):
            problem = f"exit status {self.exit_status}"
        return problem


@contextlib.contextmanager
def session(case: Case, quiet: float, data_dir: Path | None = None) -> Iterator[Session]:
    """Run ``case`` in ``data_dir`` (default: a fresh folder, removed afterwards); always quit
    (or kill) it."""
    fresh = data_dir is None
    folder = Path(tempfile.mkdtemp(prefix="reader-bench-")) if data_dir is None else data_dir
    running = Session(case, folder, quiet)
    try:
        yield running
    finally:
        problem = running.close()
        if fresh:
            shutil.rmtree(folder, ignore_errors=True)
        if problem:
            print(f"  ! {case.name}: {problem}", file=sys.stderr)


# --- the measurements --------------------------------------------------------------------


def measure_start(
    case: Case, result: CaseResult | None, quiet: float, data_dir: Path | None = None
) -> None:
    """One start-up: first paint and peak RSS (nothing is recorded when ``result`` is None)."""
    with session(case, quiet, data_dir) as running:
        paint = running.first_paint()
        if not running.wait_quiet(SETTLE_QUIET, SETTLE_LIMIT):
            raise BenchError(f"{case.name}: still painting {SETTLE_LIMIT:.0f} s after start")
        settled = running.frame_ends[-1] - running.t0
        rss = running.peak_rss_kb()
    if result is not None:
        result.first_paints.append(paint)
        result.settled.append(settled)
        if rss is not None:
            result.peak_rss_kb.append(rss)


def _series(
    running: Session, key: bytes, count: int, run: int | None, reset: bytes = KEY_TOP
) -> KeyStats:
    """Press ``key`` ``WARM_UP + count`` times (an unmeasured ``reset`` after every ``run``)."""
    stats = KeyStats()
    running.press(reset)
    done = 0
    for index in range(WARM_UP + count):
        if run is not None and done == run:
            running.press(reset)
            done = 0
        press = running.press(key)
        done += 1
        if index >= WARM_UP:
            stats.presses.append(press)
    return stats


def measure_keys(case: Case, result: CaseResult, presses: int, quiet: float) -> None:
    """One process: j, space, then G and g alternating; its peak RSS is recorded too."""
    with session(case, quiet) as running:
        running.first_paint()
        if not running.wait_quiet(SETTLE_QUIET, SETTLE_LIMIT):
            raise BenchError(f"{case.name}: still painting {SETTLE_LIMIT:.0f} s after start")
        result.keys["j"] = _series(running, KEY_J, presses, case.j_run)
        result.keys["space"] = _series(running, KEY_SPACE, presses, case.space_run)
        ends, tops = KeyStats(), KeyStats()
        running.press(KEY_TOP)
        for index in range(WARM_UP + presses):
            end, top = running.press(KEY_END), running.press(KEY_TOP)
            if index >= WARM_UP:
                ends.presses.append(end)
                tops.presses.append(top)
        result.keys["G"], result.keys["g"] = ends, tops
        rss = running.peak_rss_kb()
        if rss is not None:
            result.peak_rss_kb.append(rss)


# --- reporting ---------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _ms_pair(values: Sequence[float]) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values) * 1000:.1f} / {percentile(values, 0.95) * 1000:.1f}"


def _key_cell(stats: KeyStats | None) -> str:
    if stats is None:
        return "—"
    cell = _ms_pair(stats.latencies)
    if stats.timeouts:
        cell += f" ({stats.timeouts} of {len(stats.presses)} timed out)"
    return cell


def report(results: list[CaseResult], runs: int) -> str:
    """The results as Markdown."""
    floor = statistics.median(results[0].first_paints) if results[0].first_paints else None
    lines = [
        f"| Case | First paint (s, median of {runs} runs) | × floor | j median/p95 (ms) "
        "| space median/p95 | G median/p95 | Peak RSS (MB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        paint = statistics.median(result.first_paints) if result.first_paints else None
        ratio = f"{paint / floor:.2f}" if paint is not None and floor else "—"
        rss = f"{max(result.peak_rss_kb) / 1024:.0f}" if result.peak_rss_kb else "—"
        lines.append(
            f"| {result.case.name} | {'—' if paint is None else f'{paint:.3f}'} | {ratio} | "
            f"{_key_cell(result.keys.get('j'))} | {_key_cell(result.keys.get('space'))} | "
            f"{_key_cell(result.keys.get('G'))} | {rss} |"
        )
    lines += [
        "",
        "First paint, all runs (s): "
        + "; ".join(
            f"{r.case.name}: " + ", ".join(f"{p:.3f}" for p in r.first_paints) for r in results
        ),
        "Start-up over (last frame before 1 s without output; median, s): "
        + "; ".join(
            f"{r.case.name}: {statistics.median(r.settled):.3f}" for r in results if r.settled
        ),
        "",
        "| Case | Key | Presses | Timeouts | First frame median/p95 (ms) "
        "| Last frame median/p95 (ms) | Frames per key (median) | CPU per key (ms, mean) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for name, stats in result.keys.items():
            frames = statistics.median(p.frames for p in stats.presses) if stats.presses else 0
            cpu = statistics.fmean(p.cpu for p in stats.presses) * 1000 if stats.presses else 0
            lines.append(
                f"| {result.case.name} | {name} | {len(stats.presses)} | {stats.timeouts} | "
                f"{_ms_pair(stats.latencies)} | {_ms_pair(stats.settles)} | {frames:g} | "
                f"{cpu:.1f} |"
            )
    for result in results:
        lines += [f"- {result.case.name}: {note}" for note in result.notes]
    return "\n".join(lines)


# --- the command line --------------------------------------------------------------------


def _first_words(path: Path, count: int = 3) -> bytes:
    """The first words of the document's first paragraph (front matter, headings, numbers
    skipped): a string that appears in the output only once the text has been painted."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if lines and lines[0].strip() == "---":
        closing = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[closing + 1 :]
    for line in lines:
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0].rstrip(".").isdigit():
            words = words[1:]
        return " ".join(words[:count]).encode()
    raise BenchError(f"{path}: no paragraph to look for")


def _reader_argv(path: Path) -> list[str]:
    script = Path(sys.executable).with_name("reader")
    if script.exists():
        return [str(script), str(path)]
    return [sys.executable, "-m", "reader", str(path)]


def _book() -> Path:
    sys.path.insert(0, str(HERE))
    from build_book import build  # imported late: it lives next to this script

    return build()


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="start-ups per case (default 5)")
    parser.add_argument(
        "--presses", type=int, default=200, help="measured presses per key (default 200)"
    )
    parser.add_argument(
        "--quiet-ms",
        type=float,
        default=100.0,
        help="silence that ends a key's response (default 100)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke check: 2 runs, 30 presses per key"
    )
    parser.add_argument(
        "--start-only", action="store_true", help="measure start-up and memory, press no keys"
    )
    parser.add_argument(
        "--cases", default="floor,sample,book", help="comma-separated subset of floor,sample,book"
    )
    options = parser.parse_args(argv)
    runs, presses = (2, 30) if options.quick else (options.runs, options.presses)
    quiet = options.quiet_ms / 1000
    book = _book()
    wanted = set(options.cases.split(","))
    cases = [
        Case("floor", [sys.executable, str(FLOOR_APP)], b"reader floor", QUIT_TEXTUAL, False),
        Case(
            "sample article",
            _reader_argv(SAMPLE),
            _first_words(SAMPLE),
            QUIT_READER,
            keys=True,
            j_run=J_RUN,
            space_run=SPACE_RUN,
        ),
        Case("book (5.5 MB)", _reader_argv(book), _first_words(book), QUIT_READER, keys=True),
    ]
    cases = [c for c, key in zip(cases, ("floor", "sample", "book"), strict=True) if key in wanted]
    results = [CaseResult(case) for case in cases]
    print(
        f"# {len(cases)} cases, {runs} start-ups each, {presses} presses per key; "
        f"{os.cpu_count()} CPUs, load average {_loadavg()}",
        file=sys.stderr,
    )
    started = time.perf_counter()
    # One data folder per case for the start-ups: the warm-up start creates the database
    # that the measured starts open, as every start after a user's first one does.
    folders = {
        result.case.name: Path(tempfile.mkdtemp(prefix="reader-bench-")) for result in results
    }
    try:
        for result in results:  # unmeasured warm-up start
            measure_start(result.case, None, quiet, folders[result.case.name])
        for run in range(runs):
            for result in results:
                measure_start(result.case, result, quiet, folders[result.case.name])
            print(f"# start-up run {run + 1}/{runs} done", file=sys.stderr)
    finally:
        for folder in folders.values():
            shutil.rmtree(folder, ignore_errors=True)
    for result in results:
        if result.case.keys and not options.start_only:
            measure_keys(result.case, result, presses, quiet)
            print(f"# keys done for {result.case.name}", file=sys.stderr)
    print(
        f"# took {time.perf_counter() - started:.0f} s; load average now {_loadavg()}",
        file=sys.stderr,
    )
    print(report(results, runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
