"""The benchmarks' HTTP load: pre-built requests sent by ``wrk`` (``apt-get install wrk``).

wrk is C and an event loop: on this two-core machine, which also runs gunicorn and
PostgreSQL, the client's own CPU must stay small. wrk's Lua cannot sign requests, so
every request's bytes are built before timing (``bench/webhook.py``) and written to a
file that ``bench/wrk_signed.lua`` reads, one block per wrk thread. wrk runs one
connection per thread, so each answer is known by its MessageSid.

A run ends when every thread has sent and had answered its block, or when its time
is up (then each thread may leave one request without an answer: ``cut_off``). Its
elapsed time runs from the first request sent to the last answer, on the client's
monotonic clock; latencies are each request's own. wrk's own percentiles, which it
corrects for coordinated omission (it adds samples for the requests a slow answer
kept from being sent), are kept beside them.
"""
from __future__ import annotations

import os
import resource
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

LUA = Path(__file__).resolve().parent / "wrk_signed.lua"


@dataclass
class Request:
    """One webhook request: its MessageSid and Body, and the bytes sent."""

    sid: str
    body: str
    raw: bytes


@dataclass
class Result:
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds
    answers: dict[str, bytes] = field(default_factory=dict)  # sid -> TwiML (status 200)
    errors: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    duplicates_answered: list[tuple[str, bytes]] = field(default_factory=list)
    cut_off: list[str] = field(default_factory=list)  # sent, unanswered when time was up
    wrk_p99: list[float] = field(default_factory=list)  # ms, corrected, one per run
    client_cpu: float = 0.0  # wrk's CPU seconds

    @property
    def done(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    return path


def write_requests(path: Path, shares: list[list[Request]]) -> None:
    """The requests file ``bench/wrk_signed.lua`` reads: one block per thread."""
    blocks = [b"".join(b"%s %d\n%s" % (r.sid.encode(), len(r.raw), r.raw) for r in share)
              for share in shares]
    # Fixed-width numbers: the header's size is known before the offsets are.
    header_size = len(b"%d\n" % len(shares)) + len(shares) * (3 * 16 + 3)
    lines = [b"%d\n" % len(shares)]
    offset = header_size
    for share, block in zip(shares, blocks):
        lines.append(b"%016d %016d %016d\n" % (offset, len(block), len(share)))
        offset += len(block)
    with open(path, "wb") as f:
        f.write(b"".join(lines))
        for block in blocks:
            f.write(block)


def run_load(
    port: int, requests: list[Request], connections: int, seconds: float, repeat: bool = False
) -> Result:
    """Send ``requests`` with wrk on ``connections`` connections (request i on connection
    i mod n) until all are answered or ``seconds`` pass (``repeat``: over and over until
    then)."""
    shares = [requests[i::connections] for i in range(connections)]
    with tempfile.TemporaryDirectory(prefix="ksm-wrk-") as tmp:
        req_path, out_path = Path(tmp) / "requests", Path(tmp) / "answers"
        write_requests(req_path, shares)
        command = [
            wrk_path(), "-t", str(connections), "-c", str(connections),
            # wrk's own end is a backstop: the run is ended below with SIGINT.
            "-d", f"{int(seconds) + 30}s", "--timeout", "30s", "-s", str(LUA),
            f"http://127.0.0.1:{port}/webhooks/twilio/messages",
            "--", str(req_path), str(out_path), *(["repeat"] if repeat else []),
        ]
        cpu0 = _children_cpu()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        stderr = _until_done(proc, connections, time.monotonic() + seconds, repeat)
        stdout = proc.stdout.read().decode(errors="replace")
        proc.wait()
        result = Result(client_cpu=_children_cpu() - cpu0)
        if proc.returncode != 0 or not out_path.exists():
            result.errors.append(f"wrk exited {proc.returncode}: {stdout} {stderr}")
            return result
        _parse(out_path.read_bytes(), result)
        if stderr.strip():
            result.errors.append(f"wrk: {stderr.strip()[:500]}")
    return result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _until_done(proc: subprocess.Popen, threads: int, deadline: float, repeat: bool) -> str:
    """Read wrk's stderr until every thread is done or the deadline passes, then end
    wrk with SIGINT (again until it exits: it ignores SIGINT while it starts)."""
    selector = selectors.DefaultSelector()
    selector.register(proc.stderr, selectors.EVENT_READ)
    buf = b""
    interrupted_at = None
    while True:
        now = time.monotonic()
        finished = buf.count(b"ksm-wrk done\n")
        if interrupted_at is None and (now >= deadline or (finished >= threads and not repeat)):
            interrupted_at = now
            proc.send_signal(signal.SIGINT)
        elif interrupted_at is not None and now - interrupted_at > 0.2:
            if proc.poll() is not None:
                break
            interrupted_at = now
            proc.send_signal(signal.SIGINT)
        timeout = 0.05 if interrupted_at is not None else max(0.0, min(deadline - now, 0.05))
        for _key, _ in selector.select(timeout):
            chunk = os.read(proc.stderr.fileno(), 65536)
            if not chunk:
                selector.unregister(proc.stderr)
                proc.wait()
                return _leftover(buf, proc)
            buf += chunk
    selector.close()
    return _leftover(buf, proc)


def _leftover(buf: bytes, proc: subprocess.Popen) -> str:
    rest = proc.stderr.read() if not proc.stderr.closed else b""
    text = (buf + rest).decode(errors="replace")
    return "".join(line + "\n" for line in text.splitlines() if line != "ksm-wrk done")


def _parse(data: bytes, result: Result) -> None:
    """Read the answers file that ``done()`` of ``bench/wrk_signed.lua`` wrote."""
    pos = 0
    first: list[int] = []
    last: list[int] = []
    bodies: dict[int, bytes] = {}
    while pos < len(data):
        end = data.index(b"\n", pos)
        fields = data[pos:end].split(b" ")
        pos = end + 1
        kind = fields[0]
        if kind == b"A":
            sid, status, latency_us, body_id = (
                fields[1].decode(), int(fields[2]), int(fields[3]), int(fields[4]))
            body = bodies[body_id]
            result.latencies.append(latency_us / 1e6)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status == 200:
                if sid in result.answers:
                    result.duplicates_answered.append((sid, body))
                else:
                    result.answers[sid] = body
            elif len(result.errors) < 20:
                result.errors.append(f"{sid}: HTTP {status} {body[:100]!r}")
        elif kind == b"B":
            size = int(fields[2])
            bodies[int(fields[1])] = data[pos:pos + size]
            pos += size + 1
        elif kind == b"T":
            bodies = {}
            if int(fields[2]):
                first.append(int(fields[2]))
                last.append(int(fields[3]))
            if fields[5] != b"-":
                result.cut_off.append(fields[5].decode())
        elif kind == b"W":
            connect, read, write, _status, timeout = (int(x) for x in fields[3:8])
            if connect or read or write or timeout:
                result.errors.append(f"socket errors: connect {connect}, read {read},"
                                     f" write {write}, timeout {timeout}")
            result.wrk_p99.append(int(fields[9]) / 1000)
    if first:
        result.elapsed = (max(last) - min(first)) / 1e6


def merge(results: list[Result]) -> Result:
    """One result from timed rounds (their times add up)."""
    out = Result()
    for r in results:
        out.elapsed += r.elapsed
        out.latencies += r.latencies
        out.answers.update(r.answers)
        out.errors += r.errors
        out.cut_off += r.cut_off
        out.wrk_p99 += r.wrk_p99
        out.client_cpu += r.client_cpu
        for status, n in r.statuses.items():
            out.statuses[status] = out.statuses.get(status, 0) + n
    return out
