"""Who may send a form: someone signed in, with the form token of their own pages.

Every page carries a token bound to the signed-in user (:func:`.identity.form_token`, an
HMAC with the app's secret). A form post without it, or with another user's, is refused
before anything is read or written: a page on another site cannot make a signed-in
browser ask, answer, request or decide anything (CSRF). One helper for every form of the
app, so the pages of :mod:`.selfservice` and those of the app module refuse alike.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, g, request

from styrdok_intranet.identity import token_ok

#: Where :func:`install` leaves the secret the form tokens are made with.
SECRET_KEY = "styrdok.form_secret"

#: Said (403) to someone who sends a question or an answer without being signed in.
LOGIN_TO_ASK = "Logga in via intranätet för att ställa eller besvara frågor."
#: Said (400) when the form's token does not hold: the page is old, or not this user's.
EXPIRED = "Formuläret har gått ut. Gå tillbaka, ladda om sidan och skicka igen."


def install(app: Flask, secret: bytes) -> None:
    """Make ``secret`` the one :func:`require_form_user` checks tokens with on ``app``."""
    app.extensions[SECRET_KEY] = secret


def require_form_user(not_signed_in: str = LOGIN_TO_ASK) -> str:
    """The signed-in user's ref, once the form's token is theirs: 403 with
    ``not_signed_in`` when nobody is signed in, 400 (:data:`EXPIRED`) when the token is
    missing or not theirs — both as the app's Swedish error page."""
    user: str | None = g.get("user")
    if user is None:
        abort(403, not_signed_in)
    secret: bytes = current_app.extensions[SECRET_KEY]
    if not token_ok(secret, user, request.form.get("token", "")):
        abort(400, EXPIRED)
    return user


__all__ = ["EXPIRED", "LOGIN_TO_ASK", "SECRET_KEY", "install", "require_form_user"]
