"""reader's one garbage-collection policy (reader/memory.py)."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from reader import memory


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    """Each test leaves the process's collector as it found it."""
    enabled, thresholds = gc.isenabled(), gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)
    memory._want(True)
    if not enabled:
        gc.disable()


def test_the_young_threshold_is_raised_on_every_python_and_never_lowered() -> None:
    assert memory.policy((3, 11), (700, 10, 10)) == memory.Policy(memory.YOUNG, False)
    assert memory.policy((3, 13), (2_000, 10, 10)) == memory.Policy(memory.YOUNG, False)
    assert memory.policy((3, 14), (2_000, 10, 0)).young == memory.YOUNG
    assert memory.policy((3, 15), (90_000, 10, 10)).young == 90_000


def test_only_an_incremental_collector_is_treated_as_one() -> None:
    # 3.14.0 collects incrementally (no third threshold); a later 3.14 brought the
    # generational collector back: the version alone cannot say.
    assert memory.policy((3, 14), (2_000, 10, 0)).incremental
    assert not memory.policy((3, 14), (2_000, 10, 10)).incremental
    # Before 3.14, a third threshold of 0 is a program's choice, not another collector.
    assert not memory.policy((3, 12), (700, 10, 0)).incremental


def _pythons() -> list[str]:
    """This interpreter, and any other supported one the machine has on its PATH."""
    found = [sys.executable]
    for minor in range(11, 16):
        path = shutil.which(f"python3.{minor}")
        if path is not None:
            found.append(path)
    return found


@pytest.mark.parametrize("python", _pythons())
def test_the_policy_knows_each_python_the_machine_has(python: str) -> None:
    # What a fresh interpreter reports is what policy() was written for: if a new Python
    # changes its collector's thresholds, this fails and reader/memory.py needs a look.
    probe = "import gc, sys; print(sys.version_info[0], sys.version_info[1], *gc.get_threshold())"
    done = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"{python} does not run here")
    major, minor, young, middle, old = (int(word) for word in done.stdout.split())
    if (major, minor) < (3, 11):
        pytest.skip(f"{python} is {major}.{minor}, older than reader supports")
    assert young == (2_000 if (major, minor) >= (3, 13) else 700), (major, minor)
    assert middle == 10
    assert old in ((0, 10) if (major, minor) >= (3, 14) else (10,)), (major, minor)
    chosen = memory.policy((major, minor), (young, middle, old))
    assert chosen.young == memory.YOUNG > young
    assert chosen.incremental == (old == 0)


def test_building_keeps_collection_off_until_the_app_starts_it() -> None:
    with memory.building():
        assert not gc.isenabled()
        memory.start()
        assert gc.isenabled()
        assert gc.get_threshold()[0] == memory.YOUNG
    assert gc.isenabled()


def test_collection_is_on_again_however_building_ends() -> None:
    with pytest.raises(KeyboardInterrupt), memory.building():
        raise KeyboardInterrupt
    assert gc.isenabled()


def test_a_pause_under_way_when_the_app_starts_collecting_is_kept() -> None:
    # The notes index is built in a worker thread with collection paused; the app may
    # turn collection on in the meantime (its first paint): the pause still holds, and
    # collection is on once it ends.
    with memory.building():
        with memory.paused():
            memory.start()
            assert not gc.isenabled()
        assert gc.isenabled()


def test_overlapping_pauses_in_two_threads_end_with_collection_on() -> None:
    first_in, second_done = threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with memory.paused():
            first_in.set()
            second_done.wait(5)
            seen.append(gc.isenabled())  # the other pause ended: this one still holds

    worker = threading.Thread(target=first)
    worker.start()
    first_in.wait(5)
    with memory.paused():
        pass
    second_done.set()
    worker.join(5)
    assert seen == [False]
    assert gc.isenabled()


def test_a_pause_leaves_collection_off_if_it_was_not_wanted() -> None:
    with memory.building():
        with memory.paused():
            pass
        assert not gc.isenabled()


def test_collecting_between_keys_waits_out_a_pause() -> None:
    collections: list[int] = []

    def heard(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    idle = memory.IdleCollections()
    gc.callbacks.append(heard)
    try:
        with memory.paused():
            idle.collect()
        assert collections == []
        idle.collect()
        assert collections
    finally:
        gc.callbacks.remove(heard)


def test_forked_workers_share_what_was_frozen_and_it_is_thawed_after() -> None:
    gc.unfreeze()
    kept = [object() for _ in range(10)]
    with memory.shared_with_forks():
        assert gc.get_freeze_count() >= len(kept)
    assert gc.get_freeze_count() == 0


def test_a_loaded_article_is_frozen_and_the_next_collects_what_the_first_left() -> None:
    gc.unfreeze()

    class Node:
        def __init__(self) -> None:
            self.me = self  # a cycle: only the collector frees it

    import weakref

    left = Node()
    gone = weakref.ref(left)
    memory.settle_loaded(first=True)
    del left
    gc.collect()
    assert gone() is not None  # frozen: the collector leaves it alone
    memory.settle_loaded(first=False)
    assert gone() is None
    gc.unfreeze()


def test_no_module_but_reader_memory_tunes_the_collector() -> None:
    from pathlib import Path

    import reader

    root = Path(reader.__file__).parent
    tuning = ("gc.disable(", "gc.enable(", "gc.freeze(", "gc.unfreeze(", "gc.set_threshold(")
    tuners = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if any(call in path.read_text(encoding="utf-8") for call in tuning)
    )
    assert tuners == ["memory.py"]
