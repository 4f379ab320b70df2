"""A fake SMS Gateway for Android API on 127.0.0.1 for the real ``android-sms-gateway``
client to talk to.

It records every request (method, path, JSON body, Authorization header), answers
``POST /messages`` as the gateway does (202, the message's id and state ``Pending``),
keeps registered webhooks (``/webhooks``), answers ``/health``, and can be told to
answer sends with errors or to hang past the client's timeout.

It also plays the phone behind the server: while ``phone_offline`` the server accepts
messages and holds them (as the cloud server does for a phone that is away);
:meth:`phone_returns` lets the phone fetch them, and, as the app does, it sends those
still valid and drops those whose ``validUntil`` has passed.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Failure:
    status: int  # 0: do not answer for ``delay`` seconds (a timeout)
    times: int
    message: str = "fake error"
    delay: float = 0.0


@dataclass
class FakeSmsGate:
    """Start with :meth:`start`; ``url`` is the API base for SMSGATE_URL."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    webhooks: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    health: str = "pass"
    device_id: str = "dev-fake-1"
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None
    phone_offline: bool = False
    held: list[dict[str, Any]] = field(default_factory=list)
    # What GET /messages/<id> answers for a message (default "Pending"), set by a test:
    # the phone's delivery reports as the gateway keeps them.
    states: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/3rdparty/v1"

    def start(self) -> FakeSmsGate:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                status, payload = fake._answer(self.command, self.path, body,
                                               self.headers.get("Authorization", ""))
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = do_PATCH = _handle  # noqa: N815

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that timed out closed the socket before the answer

        self.server = Server(("127.0.0.1", 0), Handler)
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
            self.webhooks.clear()
            self.settings.clear()
            self.health = "pass"
            self.phone_offline = False
            self.held.clear()
            self.states.clear()

    def fail(self, status: int, times: int = 1, message: str = "fake error",
             delay: float = 0.0) -> None:
        """Answer the next ``times`` sends with ``status`` (0: hang for ``delay`` s)."""
        with self.lock:
            self.failures.append(Failure(status, times, message, delay))

    def phone_returns(self, now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The phone is back at ``now`` and fetches what the server held: (sent, dropped
        because their ``validUntil`` had passed), each the message as posted plus ``_id``."""
        with self.lock:
            held, self.held = self.held, []
            self.phone_offline = False
        sent, dropped = [], []
        for message in held:
            until = message.get("validUntil")
            stale = until is not None and now >= datetime.fromisoformat(until)
            (dropped if stale else sent).append(message)
        return sent, dropped

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Accepted sends, in order: the JSON the client posted plus ``_id``."""
        with self.lock:
            return [r["body"] | {"_id": r["id"]} for r in self.requests
                    if r["path"].startswith("/3rdparty/v1/messages") and r.get("id")]

    def _answer(self, method: str, path: str, body: Any,
                auth: str) -> tuple[int, Any]:
        record: dict[str, Any] = {"method": method, "path": path, "body": body, "auth": auth}
        with self.lock:
            self.requests.append(record)
        if not auth:
            return 401, {"message": "unauthorized"}
        route = path.split("?", 1)[0].removeprefix("/3rdparty/v1")
        if method == "POST" and route == "/messages":
            return self._send(record, body)
        if method == "GET" and route.startswith("/messages/"):
            return self._state(route.removeprefix("/messages/"))
        if method == "GET" and route == "/health":
            return 200, {"status": self.health, "version": "fake", "checks": {}}
        if route == "/webhooks":
            with self.lock:
                if method == "GET":
                    return 200, list(self.webhooks)
                hook = {**body, "id": body.get("id") or uuid.uuid4().hex[:21]}
                self.webhooks.append(hook)
                return 201, hook
        if method == "PATCH" and route == "/settings":
            with self.lock:
                self.settings.update(body)
            return 200, {}
        return 404, {"message": "not found"}

    def _state(self, message_id: str) -> tuple[int, Any]:
        sent = [m for m in self.messages if m["_id"] == message_id]
        if not sent:
            return 404, {"message": "message not found"}
        state = self.states.get(message_id, "Pending")
        return 200, {
            "id": message_id, "state": state, "deviceId": self.device_id,
            "recipients": [{"phoneNumber": p, "state": state,
                            "error": "RESULT_ERROR_GENERIC_FAILURE" if state == "Failed" else None}
                           for p in sent[0].get("phoneNumbers", [])],
            "isHashed": False, "isEncrypted": False,
        }

    def _send(self, record: dict[str, Any], body: Any) -> tuple[int, Any]:
        failure = None
        with self.lock:
            for candidate in self.failures:
                if candidate.times != 0:
                    candidate.times -= 1
                    failure = candidate
                    break
        if failure is not None:
            if failure.status == 0:
                time.sleep(failure.delay)
                return 503, {"message": "too late"}
            return failure.status, {"message": failure.message}
        message_id = uuid.uuid4().hex[:21]
        record["id"] = message_id
        if self.phone_offline:
            with self.lock:
                self.held.append(body | {"_id": message_id})
        return 202, {
            "id": message_id, "state": "Pending",
            "deviceId": body.get("deviceId") or self.device_id,
            "recipients": [{"phoneNumber": p, "state": "Pending"}
                           for p in body.get("phoneNumbers", [])],
            "isHashed": False, "isEncrypted": False,
        }
