"""The benchmarks' HTTP load: pre-built requests sent on keep-alive connections.

The client must stay cheap: on this two-core machine it shares the CPU with gunicorn
and PostgreSQL. So each connection is one thread with a raw socket, with just enough
HTTP/1.1 parsing for gunicorn's answers, and every request's bytes are built before
timing (``bench/webhook.py``).
"""
from __future__ import annotations

import itertools
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Request:
    """One webhook request: its MessageSid and Body, and the bytes sent."""

    sid: str
    body: str
    raw: bytes


class Connection:
    """One keep-alive HTTP/1.1 connection; just enough parsing for gunicorn's answers."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buf = b""
        self.reconnects = -1

    def _connect(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.reconnects += 1

    def exchange(self, raw: bytes) -> tuple[int, bytes]:
        """Send one request, return (status, body); reconnect once if the server
        closed an idle connection before reading it."""
        for attempt in (1, 2):
            if self.sock is None:
                self._connect()
            try:
                self.sock.sendall(raw)
                return self._response()
            except (ConnectionError, _Closed):
                if attempt == 2:
                    raise
                self.sock = None
        raise AssertionError("unreachable")

    def _recv(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise _Closed()
        self.buf += chunk

    def _response(self) -> tuple[int, bytes]:
        while b"\r\n\r\n" not in self.buf:
            self._recv()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length = 0
        close = False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        while len(self.buf) < length:
            self._recv()
        body, self.buf = self.buf[:length], self.buf[length:]
        if close:
            self.sock.close()
            self.sock = None
        return status, body

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()


class _Closed(Exception):
    pass


@dataclass
class Result:
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    answers: dict[str, bytes] = field(default_factory=dict)  # sid -> TwiML (status 200)
    errors: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    reconnects: int = 0
    duplicates_answered: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def run_load(
    port: int, requests: list[Request], connections: int, seconds: float, repeat: bool = False
) -> Result:
    """Send ``requests`` on ``connections`` threads (request i on thread i mod n)
    until all are answered or ``seconds`` pass (``repeat``: over and over until then)."""
    result = Result()
    lock = threading.Lock()
    start_gate = threading.Barrier(connections + 1)
    deadline = [0.0]

    def worker(share: list[Request]) -> None:
        conn = Connection(port)
        latencies: list[float] = []
        answers: list[tuple[str, bytes]] = []
        statuses: dict[int, int] = {}
        errors: list[str] = []
        clock = time.perf_counter
        try:
            conn._connect()
        except OSError as exc:
            errors.append(f"connect: {exc}")
        start_gate.wait()
        for req in (itertools.cycle(share) if repeat else share):
            if clock() > deadline[0]:
                break
            t0 = clock()
            try:
                status, body = conn.exchange(req.raw)
            except (OSError, _Closed, ValueError) as exc:
                errors.append(f"{req.sid}: {type(exc).__name__} {exc}")
                conn.sock = None
                continue
            latencies.append(clock() - t0)
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                answers.append((req.sid, body))
            elif len(errors) < 20:
                errors.append(f"{req.sid}: HTTP {status} {body[:100]!r}")
        conn.close()
        with lock:
            result.latencies.extend(latencies)
            for sid, body in answers:
                if sid in result.answers:
                    result.duplicates_answered.append((sid, body))
                else:
                    result.answers[sid] = body
            for status, n in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + n
            result.errors.extend(errors)
            result.reconnects += max(conn.reconnects, 0)

    shares = [requests[i::connections] for i in range(connections)]
    threads = [threading.Thread(target=worker, args=(s,), daemon=True) for s in shares]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    start_gate.wait()
    for t in threads:
        t.join()
    result.elapsed = time.perf_counter() - started
    return result


def merge(results: list[Result]) -> Result:
    """One result from timed rounds (their times add up)."""
    out = Result()
    for r in results:
        out.elapsed += r.elapsed
        out.latencies += r.latencies
        out.answers.update(r.answers)
        out.errors += r.errors
        out.reconnects += r.reconnects
        for status, n in r.statuses.items():
            out.statuses[status] = out.statuses.get(status, 0) + n
    return out
