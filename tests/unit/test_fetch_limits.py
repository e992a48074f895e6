"""reader add's fetch keeps its time and size limits over the whole page, however it is sent.

Each test serves one answer from a loopback socket written by hand (a drip-fed body, a
chunked one, a compressed one), so the timing and the framing are the test's own.
"""

from __future__ import annotations

import contextlib
import gzip
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from reader.intake.fetch import FetchError, fetch

PAGE = b"<!DOCTYPE html><html><head><title>T</title></head><body>"


class OneAnswer:
    """A loopback server that answers each connection with ``script(connection)``."""

    def __init__(self, script: Callable[[socket.socket], None]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/page"
        self.script = script
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            connection, _ = self.listener.accept()
        except OSError:
            return  # closed by the test
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                piece = connection.recv(4096)
                if not piece:
                    return
                request += piece
            with contextlib.suppress(OSError):  # the client went away, as some tests want
                self.script(connection)

    def close(self) -> None:
        self.listener.close()
        self.thread.join(30)


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[socket.socket], None]], OneAnswer]]:
    servers: list[OneAnswer] = []

    def start(script: Callable[[socket.socket], None]) -> OneAnswer:
        servers.append(OneAnswer(script))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def _gone(connection: socket.socket) -> bool:
    """Whether the client closed its end (it has nothing more to send a server)."""
    readable, _, _ = select.select([connection], [], [], 0)
    return bool(readable) and connection.recv(1, socket.MSG_PEEK) == b""


def test_a_body_dripped_past_the_deadline_times_out_at_the_deadline(serve) -> None:
    """Each piece comes well within the socket's timeout, so only the deadline for the whole
    download can stop it: fetch gives up when it passes, not when the server is done."""
    pieces = 200
    body = PAGE + b"x" * (pieces - 1)
    finished = threading.Event()

    def drip(connection: socket.socket) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n"
        connection.sendall(head.encode() + body[: len(PAGE)])
        for byte in body[len(PAGE) :]:
            time.sleep(0.05)  # 10 s in all, a piece every 50 ms
            if _gone(connection):
                return
            connection.sendall(bytes([byte]))
        finished.set()

    server = serve(drip)
    with pytest.raises(FetchError, match=r"^timed out after 0\.5 s$"):
        fetch(server.url, timeout=0.5)
    assert not finished.is_set()  # given up on long before the last piece


def test_a_body_that_keeps_coming_past_the_deadline_times_out(
    serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pieces that never keep the socket waiting (each there when it is read), on a clock
    that passes the deadline as they come: the deadline is checked between the pieces."""
    import importlib
    import types

    ticks = iter(range(0, 1000, 2))  # two seconds a look at the clock, on this test's clock
    module = importlib.import_module("reader.intake.fetch")  # not the function of that name
    monkeypatch.setattr(module, "time", types.SimpleNamespace(monotonic=lambda: next(ticks)))

    def steady(connection: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
        connection.sendall(head + PAGE)
        for _ in range(50):
            time.sleep(0.01)
            if _gone(connection):
                return
            connection.sendall(b"<p>" + b"x" * 1000 + b"</p>")

    server = serve(steady)
    with pytest.raises(FetchError, match=r"^timed out after 5 s$"):
        fetch(server.url, timeout=5)


def test_a_server_silent_just_before_the_deadline_is_not_waited_for_past_it(serve) -> None:
    """A piece a little before the deadline, then silence shorter than the socket's timeout:
    the wait for the next piece ends at the deadline, not a whole timeout later."""
    client_stayed = threading.Event()

    def late(connection: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
        connection.sendall(head + PAGE)
        time.sleep(1.2)  # within the 1.5 s deadline and the socket's timeout
        connection.sendall(b"<p>more</p>")
        time.sleep(1.2)  # the deadline passes 0.3 s into this silence
        if not _gone(connection):
            client_stayed.set()  # still waiting, 0.9 s past its deadline

    server = serve(late)
    with pytest.raises(FetchError, match="timed out"):
        fetch(server.url, timeout=1.5)
    server.thread.join(30)
    assert not client_stayed.is_set()


def test_a_chunked_body_over_the_size_limit_is_too_large(serve) -> None:
    """No Content-Length to refuse it by: the bytes read are counted as they come."""

    def chunked(connection: socket.socket) -> None:
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        piece = PAGE + b"<p>" + b"word " * 2000 + b"</p>"
        for _ in range(5):  # about 50 kB, the limit 20 kB
            connection.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        connection.sendall(b"0\r\n\r\n")

    server = serve(chunked)
    with pytest.raises(FetchError, match=r"^the page is too large \(over "):
        fetch(server.url, max_bytes=20_000)


def test_a_small_gzip_body_that_inflates_past_the_limit_is_too_large(serve) -> None:
    """A few kilobytes sent, a megabyte once decompressed: refused, not cut at the limit."""
    page = PAGE + b"<p>" + b"all work and no play " * 50_000 + b"</p></body></html>"
    packed = gzip.compress(page)
    assert len(packed) < 20_000 < len(page)

    def compressed(connection: socket.socket) -> None:
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
            + f"Content-Length: {len(packed)}\r\n\r\n".encode()
            + packed
        )

    server = serve(compressed)
    with pytest.raises(FetchError, match=r"^the page is too large \(over "):
        fetch(server.url, max_bytes=20_000)


def test_a_gzip_body_within_the_limit_is_read_whole(serve) -> None:
    """The limits refuse only what is over them: the same page, compressed, under them."""
    page = PAGE + b"<p>" + b"all work and no play " * 500 + b"</p></body></html>"
    packed = gzip.compress(page)

    def compressed(connection: socket.socket) -> None:
        connection.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
            + f"Content-Length: {len(packed)}\r\n\r\n".encode()
            + packed
        )

    server = serve(compressed)
    assert fetch(server.url, max_bytes=len(page)).html == page.decode()


def test_a_body_cut_off_before_its_content_length_is_refused(serve) -> None:
    """The connection closes before the length the server announced: the page is not taken
    cut off."""

    def cut(connection: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n"
        connection.sendall(head + PAGE + b"<p>the beginning of the story</p>")

    server = serve(cut)
    with pytest.raises(FetchError, match=r"^the connection closed 4,\d{3} bytes before the page"):
        fetch(server.url)
