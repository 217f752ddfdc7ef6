"""What the browser is told to refuse, and the one way a page links outside the app.

Every response carries a strict Content-Security-Policy — only this app's own files, no
inline script or style, no plugins, forms post only here — and ``frame-ancestors`` says who
may show the pages in a frame: this app by default, or the municipality's intranet portal
(``--frame-ancestors "https://intranet.kommun.se"``).

Links to other sites come from the register (a document's full text). The model refuses
anything but ``https``/``http`` addresses, but a register may hold one stored before that
rule; so the templates make such a link only through :func:`web_href`, which checks it
again, and e-mail links only through :func:`mailto_href`.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from styrdok.weblinks import is_web_url

#: What may be written as a ``frame-ancestors`` source: the keywords ``'self'`` and
#: ``'none'``, or an http(s) origin, optionally with a ``*.`` wildcard for subdomains and
#: a port. Nothing that could end the directive (``;``, ``,``) or start another.
_HOST = (
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]{1,5})?"
)
_ORIGIN = re.compile(rf"https?://(?:\*\.)?{_HOST}")
#: One origin exactly, as a browser sends it (scheme, host, optional port; no wildcard).
ORIGIN = re.compile(rf"https?://{_HOST}")
_KEYWORDS = {"'self'": "'self'", "'none'": "'none'", "self": "'self'", "none": "'none'"}


def check_frame_ancestors(value: str) -> str:
    """``value`` as a ``frame-ancestors`` source list: ``'self'``, ``'none'`` or
    space-separated http(s) origins (``'self'`` and ``self`` both do). ``ValueError`` with
    one line for anything else, such as a path, a scheme without host or a ``;``."""
    sources = value.split()
    if not sources:
        raise ValueError("give 'self', 'none' or the origins that may frame the pages")
    written = []
    for source in sources:
        keyword = _KEYWORDS.get(source.lower())
        if keyword is not None:
            written.append(keyword)
        elif _ORIGIN.fullmatch(source):
            written.append(source)
        else:
            raise ValueError(
                f"{source!r} is not an origin: write 'self', 'none' or an address such as "
                "https://intranet.kommun.se (no path, no ';')"
            )
    if "'none'" in written and len(written) > 1:
        raise ValueError("'none' cannot be combined with other sources")
    return " ".join(written)


def security_headers(ancestors: str) -> dict[str, str]:
    """The headers every response is sent with, ``ancestors`` checked by
    :func:`check_frame_ancestors`. ``X-Frame-Options`` (for browsers that predate CSP) is sent
    only when it says the same as ``frame-ancestors``; naming other origins it cannot, so
    it is left out rather than contradict them."""
    policy = "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        )
    )
    headers = {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": (
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
        ),
    }
    legacy = {"'self'": "SAMEORIGIN", "'none'": "DENY"}.get(ancestors)
    if legacy is not None:
        headers["X-Frame-Options"] = legacy
    return headers


def web_href(value: object) -> str | None:
    """``value`` if it is a web address a reader may safely click (the model's own check,
    :func:`styrdok.weblinks.is_web_url`), else ``None``: the template then shows no link."""
    return value if isinstance(value, str) and is_web_url(value) else None


def mailto_href(address: object) -> str | None:
    """A ``mailto:`` link to one e-mail address (the model allows only a plain
    ``local@domain``), percent-encoded so that it can only ever be that address."""
    if not isinstance(address, str) or address.count("@") != 1:
        return None
    return "mailto:" + quote(address, safe="@.+-_")
