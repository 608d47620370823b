"""The run lock, held by a real second process: refusal, waiting, and SIGKILL release."""

from __future__ import annotations

import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from newsdesk.errors import LockedError, StoreError
from newsdesk.store import open_store

HOLDER = """
import sys, time
from newsdesk.store import open_store

store = open_store(sys.argv[1])
with store.run_lock("holder-test"):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@contextmanager
def holder(url: str, *, hold: float = 60) -> Iterator[subprocess.Popen[str]]:
    """Another process that holds the run lock of ``url`` for ``hold`` seconds."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url, str(hold)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        line = proc.stdout.readline() if ready else ""
        if line.strip() != "locked":
            proc.kill()
            raise AssertionError(f"holder did not take the lock: {proc.communicate()[1]}")
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def test_second_process_gets_locked_error_naming_the_holder(store_url: str) -> None:
    with open_store(store_url) as store, holder(store_url) as proc:
        with pytest.raises(LockedError) as caught, store.run_lock("second"):
            pass
        message = str(caught.value)
        assert f"pid {proc.pid}" in message
        assert "owner 'holder-test'" in message
        assert "locked by another newsdesk run" in message


def test_lock_is_released_when_the_holder_is_sigkilled(store_url: str) -> None:
    with open_store(store_url) as store, holder(store_url) as proc:
        with pytest.raises(LockedError), store.run_lock("second"):
            pass
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL
        with store.run_lock("after-the-crash", wait=10):
            pass


def test_wait_gets_the_lock_once_the_holder_finishes(store_url: str) -> None:
    with open_store(store_url) as store, holder(store_url, hold=1.0):
        started = time.monotonic()
        with pytest.raises(LockedError, match=r"waited 0.2s"), store.run_lock("x", wait=0.2):
            pass
        with store.run_lock("patient", wait=20):
            assert time.monotonic() - started < 20


def test_lock_is_exclusive_within_one_process_and_reusable(store_url: str) -> None:
    with open_store(store_url) as store, open_store(store_url) as twin:
        with store.run_lock("first"), pytest.raises(LockedError), twin.run_lock("twin"):
            pass
        with twin.run_lock("twin"):  # released on leaving the block
            pass


def test_errors_in_the_block_pass_through_and_release(store_url: str) -> None:
    with open_store(store_url) as store:
        with pytest.raises(KeyError), store.run_lock("first"):
            raise KeyError("boom")
        with store.run_lock("again"):
            pass


def test_locked_error_is_a_store_error() -> None:
    assert issubclass(LockedError, StoreError)
