"""Run reader's command line and kill it outright (SIGKILL) at one step of its file work.

A tool of the tests, not of reader: ``python -m tests.kill_at ARGS`` runs ``reader ARGS``
with ``os.replace``, ``os.rename``, ``os.link``, ``os.unlink`` and ``os.fsync`` counted,
and the process kills itself just before (``READER_KILL_WHEN=before``) or just after
(``after``) the step numbered ``READER_KILL_AT`` (from 1), wherever in reader it comes.
A run that ends before that step exits as reader does; one killed exits by SIGKILL.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

STEPS = ("replace", "rename", "link", "unlink", "fsync")


def _counted(real: Callable[..., Any], at: int, when: str, count: list[int], lock) -> Callable:
    def step(*args: Any, **kwargs: Any) -> Any:
        with lock:
            count[0] += 1
            number = count[0]
        if number == at and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        result = real(*args, **kwargs)
        if number == at and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    return step


def main() -> int:
    at = int(os.environ["READER_KILL_AT"])
    when = os.environ.get("READER_KILL_WHEN", "before")
    count, lock = [0], threading.Lock()
    for name in STEPS:
        setattr(os, name, _counted(getattr(os, name), at, when, count, lock))
    from reader.cli import main as reader

    return reader(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
