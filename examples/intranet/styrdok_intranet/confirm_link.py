"""The confirmation link of a reminder to read: ``/bekrafta/<token>``, opened from an
e-mail — usually on a phone, outside the intranet's login.

``GET`` shows what the link is about — the document's title, type, ref and version, a link
to read it, whose confirmation it is — and one button, "Jag har läst och förstått", a
POST form to the same address. **GET never confirms**: mail scanners, link previews and
"safe links" services open every link in a message before its reader does.
``POST`` confirms (:meth:`~styrdok.registry.Registry.acknowledge_by_link`, channel
``email``) and redirects to the page, which then says so in a ``role="status"`` region
(Post/Redirect/Get). A link that is forged, altered, expired or for someone who has left
(403), or for a version no longer in force (409), is an error page in Swedish that
changes nothing.

No login is asked for: the signed token in the address is the credential for exactly that
one confirmation, so the form needs no form token either — a page on another site could
only post to an address whose token it already holds, and with it could confirm anyway.
The registry decides everything; this module says it in Swedish.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from styrdok.confirm_links import ExpiredLink
from styrdok.enums import DocStatus
from styrdok.errors import Conflict, PermissionDenied, RuleViolation
from styrdok.labels import label
from styrdok.model import Acknowledgement, Document, Person
from styrdok_intranet import errors
from styrdok_intranet.api.context import registry
from styrdok_intranet.errors import Back
from styrdok_intranet.reading import local_day

#: Said (403) for a link that is not one this register made, or whose person has left.
UNUSABLE = (
    "Länken går inte att använda",
    "Länken kan ha blivit avkortad eller ändrad på vägen, eller gälla någon som inte längre "
    "finns i registret. Inget har sparats. Logga in på intranätet och bekräfta under "
    "”Att läsa” i stället.",
)
#: Said (403) for a genuine link whose last day has passed.
EXPIRED = (
    "Länken har gått ut",
    "Bekräftelselänkar i påminnelser fungerar en tid och sedan inte längre. Inget har "
    "sparats. Logga in på intranätet och bekräfta under ”Att läsa” i stället.",
)

About = tuple[Person, Document, int, Acknowledgement | None]


def _refused(status: int, heading: str, message: str, back: Back | None = None) -> Response:
    """The app's error page (its layout, the menu, a way back) with ``status``."""
    g.back = back or Back("to_read", {}, "Till Att läsa")
    response = Response(errors.page(heading, message))
    response.status_code = status
    return response


def _not_confirmable(document: Document, version: int) -> Response | None:
    """The 409 page when the link's version can no longer be confirmed, else ``None``."""
    back = Back("document", {"ref": document.ref}, "Läs dokumentet på intranätet")
    if document.status is not DocStatus.IN_FORCE:
        return _refused(
            409,
            "Dokumentet gäller inte",
            f"”{document.title}” gäller inte ({label(document.status)}) och behöver inte "
            "bekräftas. Inget har sparats.",
            back,
        )
    if document.version != version:
        return _refused(
            409,
            "Det finns en ny version",
            f"”{document.title}” har fått en ny version (version {document.version}) sedan "
            f"påminnelsen skickades, och länken gällde version {version}. Läs den nya "
            "versionen och bekräfta den på dokumentets sida. Inget har sparats.",
            back,
        )
    return None


def _about(token: str) -> About | Response:
    """What the link is about, or the page that refuses it."""
    try:
        return registry().confirmation_by_link(token)
    except ExpiredLink:
        return _refused(403, *EXPIRED)
    except PermissionDenied:
        return _refused(403, *UNUSABLE)


def blueprint() -> Blueprint:
    """The link's page and its one form."""
    pages = Blueprint("confirm_link", __name__)

    @pages.get("/bekrafta/<token>")
    def show(token: str) -> ResponseReturnValue:
        """What the link is about and its button; after the POST (``?klart=1``), that it
        is confirmed — said only when the registry has the confirmation."""
        about = _about(token)
        if isinstance(about, Response):
            return about
        person, document, version, ack = about
        refused = _not_confirmable(document, version)
        if refused is not None:
            return refused
        confirmed = ack is not None and request.args.get("klart") == "1"
        return render_template(
            "confirm_link.html",
            token=token,
            person=person,
            doc=document,
            version=version,
            ack=ack,
            confirmed=confirmed,
            title_note="Bekräftat" if confirmed else None,
            local_day=local_day,
        )

    @pages.post("/bekrafta/<token>")
    def confirm(token: str) -> ResponseReturnValue:
        """Confirm as the link's person (channel email), then back to the page."""
        about = _about(token)
        if isinstance(about, Response):
            return about
        _person, document, version, _ack = about
        refused = _not_confirmable(document, version)
        if refused is not None:
            return refused
        try:
            registry().acknowledge_by_link(token)
        except (Conflict, RuleViolation):  # changed since the lines above: say how it is now
            now = registry().get_document(document.ref)
            return _not_confirmable(now, version) or _refused(409, *UNUSABLE)
        except ExpiredLink:  # the last day ended between the two calls
            return _refused(403, *EXPIRED)
        except PermissionDenied:
            return _refused(403, *UNUSABLE)
        return redirect(url_for("confirm_link.show", token=token, klart="1") + "#kvitto", 303)

    return pages


__all__ = ["blueprint"]
