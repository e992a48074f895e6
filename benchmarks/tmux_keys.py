"""Key latency through tmux: reader on the sample article and on the book, and ``less`` on the
book, each in a private tmux server.

Run on demand (never in CI) from the project root, with the project's virtualenv::

    .venv/bin/python benchmarks/tmux_keys.py                 # 100 presses per key
    .venv/bin/python benchmarks/tmux_keys.py --quick         # smoke check: 20 presses
    .venv/bin/python benchmarks/tmux_keys.py --cases less,book --keys j,G --presses 300

Each case runs in a fresh tmux server of its own (``tmux -L reader-bench-PID -f /dev/null``:
no user configuration, nothing shared with a tmux the user runs), in a 160x45 window, with the
``TERM`` tmux gives its panes (``screen`` unless ``--term`` says otherwise) and
``READER_DATA_DIR`` pointing to a temporary folder. The server is killed when the case is over,
and on any error or interruption. Nothing needs a network.

The harness talks to the server through a control-mode client (``tmux -C attach``): it sends
each key with ``send-keys`` on that client's standard input, and tmux reports every piece of
output it reads from the program as a ``%output`` line, which the harness time-stamps as it
arrives. This is what tmux itself knows of the screen, before it redraws any terminal.

For each press:

* **first**: from sending the key to the first ``%output`` of the pane (tmux has something
  new to show);
* **last**: to the last ``%output`` before the pane has been quiet for ``--quiet-ms``
  (150 ms): when the screen stops changing;
* **pieces** and **bursts**: how many ``%output`` lines the response came in, and how many
  bursts (runs of output with less than 4 ms between pieces): a program that writes one frame
  per key in one go gives one burst;
* **bytes**: what the program wrote for the key.

With ``--terminal`` the harness also attaches an ordinary tmux client, in a pseudo-terminal
of its own that it reads as a terminal emulator would, and types each key into that
terminal, as a user does: **screen first** and **screen last** are then the first and last
output tmux writes to that terminal (what the user sees, after tmux has redrawn it), and the
``%output`` times are measured from the same key.

Keys: ``j``/``k`` (next/previous paragraph; a line in less), ``space``/``b`` (page down/up),
``G``/``g`` (end/top). Each series starts where the key moves (``j`` and ``space`` from the
top, ``k`` and ``b`` from the end) and, in the short sample article, goes back there with an
unmeasured ``g`` or ``G`` often enough that every press moves. ``G`` and ``g`` alternate.
The first ``--warm-up`` presses of each series (10) are not counted. Medians and 95th
percentiles (nearest rank) are printed, with the load average.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import itertools
import math
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# What the pseudo-terminal harness beside this script already knows: how to start reader,
# the book, the load average.
from bench import _book, _loadavg, _reader_argv  # noqa: E402

ROOT = HERE.parent
SAMPLE = ROOT / "articles" / "canada-us-talks-digital-services-tax.md"

COLS, ROWS = 160, 45
BURST_GAP = 0.004  # output pieces closer than this belong to one burst
KEY_TIMEOUT = 2.0
START_TIMEOUT, START_QUIET = 60.0, 1.0
KEYS = ("j", "k", "space", "b", "G", "g")
# tmux's names for what send-keys sends, and the bytes a terminal sends.
TMUX_KEY = {"j": "j", "k": "k", "space": "Space", "b": "b", "G": "G", "g": "g"}
KEY_BYTES = {"j": b"j", "k": b"k", "space": b" ", "b": b"b", "G": b"G", "g": b"g"}
# In the sample article, presses between two unmeasured resets, few enough that every press
# moves (at 160x45: 33 j or 5 spaces reach its end). The book and less never need a reset.
SAMPLE_RUNS = {"j": 25, "k": 25, "space": 4, "b": 4}

_OCTAL = re.compile(rb"\\([0-7]{3})")


class BenchError(RuntimeError):
    """tmux or the program did not behave as the benchmark expects."""


@dataclass(frozen=True)
class Case:
    """One program to measure."""

    name: str
    argv: list[str]
    marker: str  # text on the first screen: start-up is over once it shows and output stops
    runs: dict[str, int] = field(default_factory=dict)  # key: presses between resets


@dataclass
class Press:
    """What tmux saw after one key."""

    first: float | None  # seconds from the key to the first %output
    last: float | None  # ... to the last
    pieces: int
    bursts: int
    size: int
    screen_first: float | None = None  # ... to tmux's first write to the terminal (--terminal)
    screen_last: float | None = None  # ... to its last


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _decode(data: bytes) -> bytes:
    """A ``%output`` payload as the bytes the program wrote (tmux escapes bytes below 32 and
    the backslash as three octal digits)."""
    return _OCTAL.sub(lambda m: bytes([int(m.group(1), 8)]), data)


class Server:
    """A private tmux server running one program, a control-mode client attached to it and,
    with ``terminal``, an ordinary client in a pseudo-terminal of the harness's."""

    def __init__(self, case: Case, data_dir: Path, term: str | None, terminal: bool) -> None:
        self.name = f"reader-bench-{os.getpid()}-{time.monotonic_ns()}"
        self.case = case
        self._client: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self.outputs: list[tuple[float, int]] = []  # (time, bytes) of each %output
        self.screen_writes: list[float] = []  # times tmux wrote to the terminal client
        self._terminal: tuple[int, int] | None = None  # (pid, fd) of the terminal client
        self.replies = 0  # %end or %error lines: commands tmux has answered
        self.exited = False
        env = {k: v for k, v in os.environ.items() if not k.startswith(("READER_", "TEXTUAL"))}
        env.pop("TMUX", None)  # a tmux inside the user's own tmux is still a fresh server
        env.pop("NO_COLOR", None)
        self._env = env
        command = " ".join(_quote(part) for part in case.argv)
        launch = (
            f"cd {_quote(str(ROOT))} && exec env READER_DATA_DIR={_quote(str(data_dir))} "
            f"LESSHISTFILE=- LESS= {command}"
        )
        try:
            self._tmux(
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "bench",
                "-x",
                str(COLS),
                "-y",
                str(ROWS),
                *(["-e", f"TERM={term}"] if term else []),
                launch,
            )
            # Keep the window 160x45 whatever the control client's size, and keep the pane when
            # the program exits (so a crash is reported, not mistaken for a quiet screen).
            self._tmux("set-option", "-g", "window-size", "manual")
            self._tmux("set-option", "-g", "remain-on-exit", "on")
            self._tmux("set-option", "-g", "status", "off")  # all 45 rows for the pane
            self._tmux("resize-window", "-t", "bench", "-x", str(COLS), "-y", str(ROWS))
            self.pane = self._tmux("display-message", "-p", "-t", "bench", "#{pane_id}").strip()
            self._client = subprocess.Popen(
                ["tmux", "-L", self.name, "-C", "attach-session", "-t", "bench"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
            )
            assert self._client.stdout is not None
            self._fd = self._client.stdout.fileno()
            os.set_blocking(self._fd, False)
            if terminal:
                self._attach_terminal()
        except BaseException:
            self.close()  # a server half set up is killed too
            raise

    def _attach_terminal(self) -> None:
        """Attach an ordinary client in a 160x45 pseudo-terminal (an xterm, to tmux)."""
        env = dict(self._env, TERM="xterm-256color")
        argv = ["tmux", "-L", self.name, "attach-session", "-t", "bench"]
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become the client
            try:
                winsize = struct.pack("HHHH", ROWS, COLS, 0, 0)
                fcntl.ioctl(sys.stdin.fileno(), termios.TIOCSWINSZ, winsize)
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self._terminal = (pid, fd)

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.name, *args],
            capture_output=True,
            text=True,
            env=self._env,
            timeout=10,
        )
        if done.returncode != 0:
            raise BenchError(f"tmux {' '.join(args[:3])}: {done.stderr.strip()}")
        return done.stdout

    def size(self) -> str:
        return self._tmux("display-message", "-p", "-t", "bench", "#{pane_width}x#{pane_height}")

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.pane)

    def dead(self) -> bool:
        return self._tmux("display-message", "-p", "-t", self.pane, "#{pane_dead}").strip() == "1"

    # --- the control client ---------------------------------------------------------------

    def command(self, text: str) -> None:
        """Send one tmux command through the control client."""
        assert self._client is not None and self._client.stdin is not None
        self._client.stdin.write(text.encode() + b"\n")
        self._client.stdin.flush()

    def pump(self, timeout: float) -> bool:
        """Read what the clients have written within ``timeout`` (False: nothing)."""
        fds = [self._fd] if self._terminal is None else [self._fd, self._terminal[1]]
        ready, _, _ = select.select(fds, [], [], max(0.0, timeout))
        if not ready:
            return False
        now = time.perf_counter()
        if self._terminal is not None and self._terminal[1] in ready:
            try:
                if os.read(self._terminal[1], 1 << 16):
                    self.screen_writes.append(now)
            except OSError:  # EIO: the client has gone
                self.exited = True
        if self._fd not in ready:
            return True
        try:
            data = os.read(self._fd, 1 << 16)
        except BlockingIOError:
            return True
        if not data:
            self.exited = True
            return False
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            if line.startswith(b"%output "):
                _, pane, payload = line.split(b" ", 2)
                if pane.decode() == self.pane:
                    self.outputs.append((now, len(_decode(payload))))
            elif line.startswith((b"%end ", b"%error ")):
                self.replies += 1
            elif line.startswith(b"%exit"):
                self.exited = True
        return True

    def wait_quiet(self, quiet: float, limit: float) -> bool:
        """Read until the pane has written nothing for ``quiet`` seconds."""
        deadline = time.perf_counter() + limit
        while True:
            now = time.perf_counter()
            last = max(
                self.outputs[-1][0] if self.outputs else 0.0,
                self.screen_writes[-1] if self.screen_writes else 0.0,
            )
            left = quiet - (now - last)
            if left <= 0:
                return True
            if now > deadline or self.exited:
                return False
            self.pump(min(left, deadline - now))

    def start(self) -> None:
        """Wait for the first screen, then for the program to go quiet."""
        deadline = time.perf_counter() + START_TIMEOUT
        self.command("refresh-client -C 160x45")
        while self.case.marker not in self.screen():
            if time.perf_counter() > deadline or self.dead():
                raise BenchError(f"{self.case.name}: never showed {self.case.marker!r}")
            self.pump(0.05)
        if not self.wait_quiet(START_QUIET, START_TIMEOUT):
            raise BenchError(f"{self.case.name}: still writing {START_TIMEOUT:.0f} s after start")
        if self.size().strip() != f"{COLS}x{ROWS}":
            raise BenchError(f"{self.case.name}: the pane is {self.size().strip()}")

    def press(self, key: str, quiet: float) -> Press:
        """Send ``key`` and time what tmux reads from the program until it goes quiet."""
        self.wait_quiet(quiet, 5.0)
        seen, seen_screen = len(self.outputs), len(self.screen_writes)
        start = time.perf_counter()
        if self._terminal is not None:
            os.write(self._terminal[1], KEY_BYTES[key])
        else:
            self.command(f"send-keys -t {self.pane} {TMUX_KEY[key]}")
        while len(self.outputs) == seen and time.perf_counter() - start < KEY_TIMEOUT:
            if self.exited:
                break
            self.pump(start + KEY_TIMEOUT - time.perf_counter())
        if len(self.outputs) == seen:
            return Press(None, None, 0, 0, 0)
        self.wait_quiet(quiet, 5.0)
        got = self.outputs[seen:]
        bursts = 1 + sum(b[0] - a[0] >= BURST_GAP for a, b in itertools.pairwise(got))
        shown = self.screen_writes[seen_screen:]
        return Press(
            got[0][0] - start,
            got[-1][0] - start,
            len(got),
            bursts,
            sum(n for _, n in got),
            shown[0] - start if shown else None,
            shown[-1] - start if shown else None,
        )

    def close(self) -> None:
        """Kill the server (and with it the program and the client)."""
        with contextlib.suppress(Exception):
            subprocess.run(
                ["tmux", "-L", self.name, "kill-server"],
                capture_output=True,
                env=self._env,
                timeout=10,
            )
        if self._terminal is not None:
            pid, fd = self._terminal
            with contextlib.suppress(Exception):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(Exception):
                os.waitpid(pid, 0)
            with contextlib.suppress(OSError):
                os.close(fd)
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.kill()
                self._client.wait(timeout=5)
            for stream in (self._client.stdin, self._client.stdout):
                with contextlib.suppress(Exception):
                    if stream is not None:
                        stream.close()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


_open_servers: list[Server] = []


def _close_all() -> None:
    while _open_servers:
        _open_servers.pop().close()


@contextlib.contextmanager
def server(case: Case, term: str | None, terminal: bool = False) -> Iterator[Server]:
    """A fresh server running ``case``, killed afterwards whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix="reader-tmux-bench-"))
    running: Server | None = None
    try:
        running = Server(case, folder, term, terminal)
        _open_servers.append(running)
        yield running
    finally:
        if running is not None:
            running.close()
            with contextlib.suppress(ValueError):
                _open_servers.remove(running)
        shutil.rmtree(folder, ignore_errors=True)


# --- the measurements --------------------------------------------------------------------


def measure(
    case: Case,
    keys: Sequence[str],
    presses: int,
    warm_up: int,
    quiet: float,
    term: str | None,
    terminal: bool,
) -> dict[str, list[Press]]:
    """Every key's presses, all from one program."""
    results: dict[str, list[Press]] = {}
    with server(case, term, terminal) as running:
        running.start()
        for key in keys:
            if key in ("G", "g"):
                if "G" in results or "g" in results:
                    continue
                running.press("g", quiet)
                ends: list[Press] = []
                tops: list[Press] = []
                for index in range(warm_up + presses):
                    end, top = running.press("G", quiet), running.press("g", quiet)
                    if index >= warm_up:
                        ends.append(end)
                        tops.append(top)
                if "G" in keys:
                    results["G"] = ends
                if "g" in keys:
                    results["g"] = tops
                continue
            reset = "g" if key in ("j", "space") else "G"
            run = case.runs.get(key)
            running.press(reset, quiet)
            done = 0
            series: list[Press] = []
            for index in range(warm_up + presses):
                if run is not None and done == run:
                    running.press(reset, quiet)
                    done = 0
                press = running.press(key, quiet)
                done += 1
                if index >= warm_up:
                    series.append(press)
            results[key] = series
        if running.dead():
            raise BenchError(f"{case.name}: the program exited while keys were pressed")
    return results


# --- reporting ---------------------------------------------------------------------------


def _pair(values: Sequence[float]) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values) * 1000:.1f} / {percentile(values, 0.95) * 1000:.1f}"


def _values(presses: Sequence[Press], what: str) -> list[float]:
    return [value for p in presses if (value := getattr(p, what)) is not None]


def report(results: dict[str, dict[str, list[Press]]], keys: Sequence[str]) -> str:
    """The results as Markdown: a summary per key and case, then the details."""
    names = list(results)
    screen = any(
        p.screen_first is not None for r in results.values() for ps in r.values() for p in ps
    )
    measures = [("first", "first %output"), ("last", "last %output")]
    if screen:
        measures.append(("screen_last", "last write to the terminal"))
    lines: list[str] = []
    for what, title in measures:
        lines += [
            f"{title[0].upper()}{title[1:]} after the key, median / p95 (ms):",
            "",
            "| Key | " + " | ".join(names) + " |",
            "|---" * (len(names) + 1) + "|",
        ]
        for key in keys:
            cells = [_pair(_values(results[name].get(key, []), what)) for name in names]
            lines.append(f"| `{key}` | " + " | ".join(cells) + " |")
        lines.append("")
    header = (
        "| Case | Key | Presses | Timeouts | First %output | Last %output "
        + ("| Screen first | Screen last " if screen else "")
        + "| Pieces | Bursts (median, max) | Bytes |"
    )
    lines += [
        "Medians / p95 in ms; pieces and bytes are medians.",
        "",
        header,
        "|---" * header.count("|", 1) + "|",
    ]
    for name in names:
        for key in keys:
            presses = results[name].get(key)
            if not presses:
                continue
            answered = [p for p in presses if p.first is not None]
            pieces = statistics.median(p.pieces for p in answered) if answered else 0
            bursts = [p.bursts for p in answered] or [0]
            size = statistics.median(p.size for p in answered) if answered else 0
            cells = [
                name,
                f"`{key}`",
                str(len(presses)),
                str(len(presses) - len(answered)),
                _pair(_values(answered, "first")),
                _pair(_values(answered, "last")),
            ]
            if screen:
                cells += [
                    _pair(_values(answered, "screen_first")),
                    _pair(_values(answered, "screen_last")),
                ]
            cells += [
                f"{pieces:g}",
                f"{statistics.median(bursts):g}, {max(bursts)}",
                f"{size:,.0f}",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# --- the command line --------------------------------------------------------------------


def _interrupted(signum: int, frame: object) -> None:
    _close_all()
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=100, help="measured presses per key")
    parser.add_argument("--warm-up", type=int, default=10, help="unmeasured presses per key")
    parser.add_argument(
        "--quiet-ms", type=float, default=150.0, help="silence that ends a key's response"
    )
    parser.add_argument("--quick", action="store_true", help="smoke check: 20 presses per key")
    parser.add_argument(
        "--cases", default="less,sample,book", help="comma-separated subset of less,sample,book"
    )
    parser.add_argument("--keys", default=",".join(KEYS), help="comma-separated subset of keys")
    parser.add_argument(
        "--term", default=None, help="TERM inside tmux (default: tmux's own, 'screen')"
    )
    parser.add_argument(
        "--terminal",
        action="store_true",
        help="also attach a client in a terminal, type the keys there, time its screen",
    )
    options = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 2
    presses = 20 if options.quick else options.presses
    keys = [key for key in options.keys.split(",") if key]
    unknown = set(keys) - set(KEYS)
    if unknown:
        parser.error(f"unknown keys: {', '.join(sorted(unknown))}")
    quiet = options.quiet_ms / 1000
    book = _book()
    cases = {
        "less": Case("less (book)", ["less", str(book)], "The Holy Bible"),
        "sample": Case("reader (sample)", _reader_argv(SAMPLE), "Canada", runs=dict(SAMPLE_RUNS)),
        "book": Case("reader (book)", _reader_argv(book), "The Holy Bible"),
    }
    wanted = [name for name in options.cases.split(",") if name]
    if set(wanted) - set(cases):
        parser.error(f"unknown cases: {', '.join(sorted(set(wanted) - set(cases)))}")
    atexit.register(_close_all)
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGHUP, _interrupted)
    version = subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
    print(
        f"# {version}; {len(wanted)} cases, {presses} presses per key after {options.warm_up} "
        f"warm-up; {os.cpu_count()} CPUs, load average {_loadavg()}",
        file=sys.stderr,
    )
    started = time.perf_counter()
    results: dict[str, dict[str, list[Press]]] = {}
    for name in wanted:
        case = cases[name]
        results[case.name] = measure(
            case, keys, presses, options.warm_up, quiet, options.term, options.terminal
        )
        print(f"# {case.name} done, load average {_loadavg()}", file=sys.stderr)
    print(
        f"# took {time.perf_counter() - started:.0f} s; load average now {_loadavg()}",
        file=sys.stderr,
    )
    print(report(results, keys))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
