"""A fake Twilio REST API on 127.0.0.1 for the real ``twilio`` client to talk to.

It records every Messages.create request and can be told to answer with errors, the
way Twilio does (JSON body with code/message/status). Nothing else is faked.
"""
from __future__ import annotations

from typing import Any

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Failure:
    status: int
    code: int
    times: int  # how many requests get this answer; -1 = all
    to: str | None = None  # only requests to this number (E.164, channel prefix dropped)
    message: str | None = None  # Twilio's text for the error (default: "fake error <code>")


@dataclass
class FakeTwilio:
    """Start with :meth:`start`; ``url`` is the base URL for TWILIO_API_BASE_URL."""

    requests: list[dict[str, object]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    record_bodies: bool = True
    count: int = 0
    delay: float = 0.0  # seconds each send takes (a worker busy sending)
    runtime: Any = None  # the app's, to tell replies apart (:attr:`notices`)

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeTwilio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in two writes; with Nagle on, the body waits for the
            # client's delayed ACK (~40 ms per request on Linux).
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v if len(v) > 1 else v[0]
                        for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if fake.delay:
                    time.sleep(fake.delay)
                status, payload = fake._answer(self.path, form)
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.failures.clear()
            self.count = 0
            self.delay = 0.0

    def fail(self, status: int, code: int, times: int = 1, to: str | None = None,
             message: str | None = None) -> None:
        """Answer the next ``times`` sends (to ``to``, if given) with this error."""
        with self.lock:
            self.failures.append(Failure(status, code, times, to, message))

    @property
    def messages(self) -> list[dict[str, object]]:
        """Accepted Messages.create requests, in order."""
        with self.lock:
            return [r for r in self.requests if r.get("_accepted")]

    @property
    def notices(self) -> list[dict[str, object]]:
        """Accepted sends other than the replies a test phone has read already from the
        outbox (``tests.transcript``): what a test of notices, reminders and officers'
        answers reads. Needs the app's runtime (set by the ``app`` fixture)."""
        sent = self.messages
        read = self.runtime.extras.get("replies_read") if self.runtime is not None else None
        if not read:
            return sent
        from sqlalchemy import select

        from bot.models import Message

        with self.runtime.db.session() as session:
            replies = set(session.scalars(select(Message.external_id).where(
                Message.id.in_(read), Message.external_id.in_([m["_sid"] for m in sent]))))
        return [m for m in sent if m["_sid"] not in replies]

    def _answer(self, path: str, form: dict[str, object]) -> tuple[int, dict[str, object]]:
        if not path.endswith("/Messages.json"):
            return 404, {"code": 20404, "message": "not found", "status": 404}
        to = str(form.get("To", "")).removeprefix("whatsapp:")
        with self.lock:
            self.count += 1
            for failure in self.failures:
                if failure.times != 0 and (failure.to is None or failure.to == to):
                    if failure.times > 0:
                        failure.times -= 1
                    if self.record_bodies:
                        self.requests.append({**form, "_accepted": False, "_code": failure.code})
                    return failure.status, {
                        "code": failure.code,
                        "message": failure.message or f"fake error {failure.code}",
                        "more_info": f"https://www.twilio.com/docs/errors/{failure.code}",
                        "status": failure.status,
                    }
            sid = "SM" + uuid.uuid4().hex
            if self.record_bodies:
                self.requests.append({**form, "_accepted": True, "_sid": sid})
        return 201, {
            "sid": sid, "status": "queued", "to": form.get("To"), "from": form.get("From"),
            "body": form.get("Body"), "num_segments": "1", "direction": "outbound-api",
            "account_sid": path.split("/")[3] if path.count("/") > 3 else "",
            "messaging_service_sid": form.get("MessagingServiceSid"),
        }
