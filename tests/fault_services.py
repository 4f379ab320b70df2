"""Servers that tests can break: a private ``redis-server`` and a TCP proxy.

Fault tests never touch the shared PostgreSQL or Redis. They start their own
``redis-server`` on a spare port (:class:`RedisServer`) and put a :class:`TcpProxy` in
front of PostgreSQL, then hang, kill or cut those. Both are context managers and clean up
after themselves even when a test fails half-way.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time
from typing import Any

import pytest

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def require_redis_server() -> str:
    """The ``redis-server`` binary, or skip the test."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    return REDIS_SERVER


class RedisServer:
    """A private ``redis-server`` on a free port, with no persistence.

    ``hang()`` stops the process (SIGSTOP): the kernel still accepts connections, but
    nothing is ever answered, which is what a wedged or overloaded Redis looks like to a
    client. ``kill()`` makes connections fail at once; ``restart_empty()`` brings back a
    server on the same port with no data (a Redis restarted without persistence).
    """

    def __init__(self, port: int | None = None) -> None:
        self.binary = require_redis_server()
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.stopped = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no",
             "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.stopped = False
        try:
            wait_for_port(self.port)
        except OSError:
            self.kill()
            raise
        return self

    def hang(self) -> None:
        """Stop the process: connections are accepted by the kernel, never answered."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)
        self.stopped = True

    def resume(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)
        self.stopped = False

    def kill(self) -> None:
        """Kill the process at once (connections are refused until a restart)."""
        if self.process is None:
            return
        self.process.kill()
        if self.stopped:
            os.kill(self.process.pid, signal.SIGCONT)
        self.process.wait(timeout=5)
        self.process = None
        self.stopped = False

    def restart_empty(self) -> None:
        """Kill and start again on the same port, with no data."""
        self.kill()
        self.start()

    def client(self, **options: Any) -> Any:
        from redis import Redis

        options.setdefault("socket_timeout", 2)
        options.setdefault("socket_connect_timeout", 2)
        return Redis.from_url(self.url, **options)

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()


class TcpProxy:
    """A threaded TCP proxy on 127.0.0.1 in front of ``target``.

    ``cut()`` resets every open connection and stops listening, so new connections are
    refused; ``restore()`` listens again on the same port. ``hang()`` keeps connections
    open but stops passing bytes either way until ``resume()``.
    """

    def __init__(self, target: tuple[str, int], port: int | None = None) -> None:
        self.target = target
        self.port = port or free_port()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._flowing = threading.Event()
        self._flowing.set()
        self._closed = False

    @classmethod
    def for_database(cls, database_url: str) -> "TcpProxy":
        """A proxy in front of the server that ``database_url`` names."""
        from sqlalchemy.engine import make_url

        url = make_url(database_url)
        return cls((url.host or "127.0.0.1", url.port or 5432))

    def url_for(self, database_url: str) -> str:
        """``database_url`` rewritten to go through this proxy."""
        from sqlalchemy.engine import make_url

        url = make_url(database_url).set(host="127.0.0.1", port=self.port)
        return url.render_as_string(hide_password=False)

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._connections) // 2

    def start(self) -> "TcpProxy":
        self._closed = False
        self._listen()
        return self

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        self._accept_thread = threading.Thread(
            target=self._accept_loop, args=(listener,), name=f"tcp-proxy-{self.port}", daemon=True)
        self._accept_thread.start()

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                downstream, _ = listener.accept()
            except OSError:
                return  # the listener was closed: cut() or stop()
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(downstream)
                continue
            with self._lock:
                if self._listener is not listener:
                    _reset(downstream)
                    _reset(upstream)
                    return
                self._connections.update((downstream, upstream))
            for source, sink in ((downstream, upstream), (upstream, downstream)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                self._flowing.wait()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._connections.discard(source)
                self._connections.discard(sink)
            _reset(source)
            _reset(sink)

    def cut(self) -> None:
        """Reset every open connection and refuse new ones."""
        with self._lock:
            listener, self._listener = self._listener, None
            connections, self._connections = list(self._connections), set()
        if listener is not None:
            # shutdown() wakes the thread blocked in accept() and stops listening; a bare
            # close() would leave the socket open under that thread on Linux.
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        if self._accept_thread is not None:
            self._accept_thread.join(timeout=2)
        for conn in connections:
            _reset(conn)
        self._flowing.set()  # hung pumps wake up, find their sockets closed and exit

    def restore(self) -> None:
        """Listen again on the same port."""
        if self._listener is None and not self._closed:
            self._listen()

    def hang(self) -> None:
        """Keep connections open (and accept new ones) but pass no bytes."""
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def stop(self) -> None:
        self._closed = True
        self.cut()

    def __enter__(self) -> "TcpProxy":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _reset(sock: socket.socket) -> None:
    """Close with a TCP reset, so the peer sees the connection fail at once."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
