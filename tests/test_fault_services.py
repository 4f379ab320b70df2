"""The fault tooling itself: a private Redis that hangs and comes back empty, a proxy
that cuts."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.fault_services import RedisServer, TcpProxy, require_redis_server


class EchoServer:
    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.address = self.listener.getsockname()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    @staticmethod
    def _echo(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(4096):
                conn.sendall(data)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def echo():
    server = EchoServer()
    yield server
    server.close()


def roundtrip(port: int, payload: bytes = b"ping") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
        conn.sendall(payload)
        return conn.recv(100)


def test_proxy_passes_bytes_cuts_and_restores(echo: EchoServer) -> None:
    with TcpProxy(echo.address) as proxy:
        assert roundtrip(proxy.port) == b"ping"
        held = socket.create_connection(("127.0.0.1", proxy.port), timeout=1)
        held.sendall(b"a")
        assert held.recv(10) == b"a"

        proxy.cut()
        with pytest.raises(OSError):
            roundtrip(proxy.port)
        # The open connection is gone too: the peer sees EOF or a reset.
        try:
            assert held.recv(10) == b""
        except OSError:
            pass
        held.close()

        proxy.restore()
        assert roundtrip(proxy.port) == b"ping"


def test_proxy_hang_holds_bytes_until_resume(echo: EchoServer) -> None:
    with TcpProxy(echo.address) as proxy:
        conn = socket.create_connection(("127.0.0.1", proxy.port), timeout=0.3)
        proxy.hang()
        conn.sendall(b"x")
        with pytest.raises(socket.timeout):
            conn.recv(10)
        proxy.resume()
        conn.settimeout(1)
        assert conn.recv(10) == b"x"
        conn.close()


def test_proxy_rewrites_a_database_url() -> None:
    proxy = TcpProxy(("db.example", 5432), port=6543)
    assert proxy.url_for("postgresql+psycopg://u:p@db.example:5432/ksm") == (
        "postgresql+psycopg://u:p@127.0.0.1:6543/ksm")
    assert TcpProxy.for_database("postgresql://postgres@10.0.0.9/x").target == ("10.0.0.9", 5432)


def test_redis_server_hangs_resumes_and_restarts_empty() -> None:
    require_redis_server()
    with RedisServer() as server:
        client = server.client(socket_timeout=0.3)
        client.set("k", "v")
        server.hang()
        started = time.monotonic()
        with pytest.raises(Exception):  # noqa: B017 - redis raises TimeoutError here
            client.get("k")
        assert time.monotonic() - started < 2
        server.resume()
        client = server.client()
        assert client.get("k") == b"v"

        server.restart_empty()
        client = server.client()
        assert client.get("k") is None
        pid = server.process.pid
    with pytest.raises(ProcessLookupError):
        import os

        for _ in range(50):
            os.kill(pid, 0)
            time.sleep(0.02)


def test_proxy_in_front_of_postgresql_cuts_a_session() -> None:
    from tests.conftest import SERVER_DB, libpq_url

    if not SERVER_DB:
        pytest.skip("needs DATABASE_URL (PostgreSQL)")
    import psycopg

    with TcpProxy.for_database(SERVER_DB) as proxy:
        url = libpq_url(proxy.url_for(SERVER_DB))
        with psycopg.connect(url, connect_timeout=2) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
            proxy.cut()
            with pytest.raises(psycopg.OperationalError):
                conn.execute("SELECT 1")
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(url, connect_timeout=2)
        proxy.restore()
        with psycopg.connect(url, connect_timeout=2) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
