"""CSRF protection for every form (webhooks and the token API are exempt), the
session cookie, and the headers that keep pages from being framed or fed scripts."""
from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building the cookie signer for a request
    that carries no session cookie (every Twilio webhook): Flask builds it first, and
    on the webhook's hot path that was a few per cent of the CPU."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and ("HTTP_COOKIE" not in request.environ
                               or not request.cookies.get(self.get_cookie_name(app))):
            return self.session_class()
        return super().open_session(app, request)


# No inline script or style anywhere: every script and style sheet is a static file.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# Production only: a browser told this keeps to https for a year, which a developer's
# http://localhost must not be.
HSTS = "max-age=31536000; includeSubDomains"


def init_headers(app: Flask, production: bool) -> None:
    """Send the security headers on every response."""
    # Officers' pages and exports carry residents' names and numbers: no browser on a
    # shared phone or proxy keeps them (Cache-Control: no-store). Public pages and static
    # files say their own.
    wanted = {**HEADERS, **({"Strict-Transport-Security": HSTS} if production else {}),
              "Cache-Control": "no-store"}
    headers = [(name.lower(), name, value) for name, value in wanted.items()]

    @app.after_request
    def _security_headers(response: Response) -> Response:
        # Each header unless the view set its own: one pass over the response's headers
        # instead of one per header (every webhook pays this).
        present = {name.lower() for name in response.headers.keys()}
        response.headers.extend([(name, value) for key, name, value in headers
                                 if key not in present])
        return response
