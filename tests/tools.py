"""The project's own checkers (mypy, ruff), run inside the suite, so that CI runs them.

ruff takes a tenth of a second; mypy over reader/ takes 6-8 s with a cold cache (measured on
this 2-core machine). So when mypy's test is among those to run, :func:`start_mypy` starts
mypy as soon as collection ends, in a process of its own, on the core the single pytest
process leaves idle, and the test, near the end of the run, only collects its result. Its
cache is a temporary folder of this run alone: a cache left by another run, another mypy or
another branch never decides a result.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MYPY_TEST = "test_reader_passes_mypy_strict"
"""The test that needs mypy's result: mypy starts early only when it is selected."""
TIMEOUT = 300.0


@dataclass(frozen=True, slots=True)
class Result:
    """What a checker said, and how long it took from its start."""

    code: int
    output: str
    seconds: float


class _Mypy:
    """mypy running in the background; its output and its cache in a temporary folder."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="reader-mypy-"))
        self.started = time.monotonic()
        self._log = (self.folder / "output.txt").open("wb")
        self.process = subprocess.Popen(
            # As pyproject.toml configures it: strict, over reader/.
            [sys.executable, "-m", "mypy", "--cache-dir", str(self.folder / "cache")],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._result: Result | None = None

    def result(self) -> Result:
        if self._result is None:
            code = self.process.wait(timeout=TIMEOUT)
            seconds = time.monotonic() - self.started
            self._log.close()
            output = (self.folder / "output.txt").read_text(encoding="utf-8", errors="replace")
            self._result = Result(code, output, seconds)
        return self._result

    def stop(self) -> None:
        """End the process if it still runs (a run interrupted), and remove its folder."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_mypy: _Mypy | None = None


def start_mypy() -> None:
    """Start mypy now, unless it runs already."""
    global _mypy
    if _mypy is None:
        _mypy = _Mypy()


def mypy_result() -> Result:
    """mypy's result: of the run started early, else of one started now."""
    start_mypy()
    assert _mypy is not None
    return _mypy.result()


def stop() -> None:
    """End and clean up what was started (at the end of the test session)."""
    global _mypy
    if _mypy is not None:
        _mypy.stop()
        _mypy = None


def ruff(*args: str) -> Result:
    """ruff, as pyproject.toml configures it, over reader/ and tests/ (quick: run inline).
    No cache: a test writes nothing into the working tree."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", "reader", "tests"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    return Result(done.returncode, done.stdout + done.stderr, time.monotonic() - started)
