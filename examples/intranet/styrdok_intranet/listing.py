"""The register's list and the due list, a page at a time: what the search form filters,
which page (``?sida=N``), the links between pages, and what each filter offers.

Each page is counted and read by the registry (:meth:`~styrdok.Registry.browse_documents`,
:meth:`~styrdok.Registry.due_page`), never the whole register. A page number that is not a
whole number from 1 (``sida=abc``, ``sida=-1``, ``sida=0``) is a 400 in the app's layout —
a mistyped address says so instead of quietly showing another page; a page after the last
is an empty page that says how many there are.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

import attrs
from flask import Response, url_for
from markupsafe import Markup
from werkzeug.exceptions import BadRequest

from styrdok.enums import DocStatus
from styrdok.labels import label
from styrdok.model import Person
from styrdok.registry import Registry
from styrdok.text import normalise_query
from styrdok.usecases.browsing import MAX_PER_PAGE, PER_PAGE, DocumentPage, Paging

#: A page number or size as typed in an address: a whole number from 1, at most nine digits.
_WHOLE = re.compile(r"[1-9][0-9]{0,8}")

#: The register's filters: query parameter and its value when not given.
FILTERS = {"q": "", "typ": "", "instans": "", "enhet": "", "status": DocStatus.IN_FORCE.value}


@attrs.frozen
class Listing:
    """The register page's documents, as its search form asked."""

    filters: dict[str, str]
    """What the form shows as chosen, by query parameter."""
    found: DocumentPage


@attrs.frozen
class Pager:
    """Where a page is in its list, and which pages its links lead to (the template makes
    each address with ``url_for(pager.endpoint, **pager.args(number))``)."""

    endpoint: str
    params: dict[str, str]
    """The query parameters every page keeps (the filters; empty ones left out)."""
    page: int
    pages: int
    first: int
    """The number of the page's first row (1-based); with ``last``, "visar 51–100"."""
    last: int
    previous: int | None
    """The page before (after the last page: the last page); ``None`` on the first."""
    next: int | None
    beyond: bool
    """The page asked for comes after the last one."""

    def args(self, page: int) -> dict[str, str]:
        """The query parameters of ``page`` (page 1 without ``sida``)."""
        return _args(self.params, page)


def page_number(args: Mapping[str, str], name: str = "sida") -> int:
    """The page ``args`` asks for (1 if none); a 400 unless a whole number from 1."""
    return _whole(args, name, 1, "Sidnumret (sida) ska vara ett heltal från 1 och uppåt.")


def page_size(args: Mapping[str, str]) -> int:
    """Rows per page an API client asks for with ``per_sida`` (default
    :data:`~styrdok.usecases.browsing.PER_PAGE`, at most
    :data:`~styrdok.usecases.browsing.MAX_PER_PAGE`); a 400 otherwise."""
    wrong = f"Antal per sida (per_sida) ska vara ett heltal från 1 till {MAX_PER_PAGE}."
    size = _whole(args, "per_sida", PER_PAGE, wrong)
    if size > MAX_PER_PAGE:
        raise BadRequest(wrong)
    return size


def _whole(args: Mapping[str, str], name: str, default: int, wrong: str) -> int:
    text = args.get(name, "")
    if text == "":
        return default
    if not _WHOLE.fullmatch(text):
        raise BadRequest(wrong)
    return int(text)


def filtered(
    reg: Registry, args: Mapping[str, str], reader: Person | None, *, per_page: int = PER_PAGE
) -> Listing:
    """One page of the register list as the search form (``args``) asks: words searched
    in the full text (title, purpose, text, FAQ, best first; a ref typed whole or in part
    also finds its document), type, body, unit, status and overdue review; documents in
    force unless asked otherwise. Drafts only for a ``reader`` who works on them."""
    filters = {name: args.get(name, default) for name, default in FILTERS.items()}
    filters["q"] = normalise_query(filters["q"])
    filters["forsenad"] = "ja" if args.get("forsenad") else ""
    status = DocStatus(filters["status"]) if filters["status"] in set(DocStatus) else None
    found = reg.browse_documents(
        words=filters["q"] or None,
        status=status,
        doc_type=filters["typ"] or None,
        body=filters["instans"] or None,
        unit=filters["enhet"] or None,
        overdue=bool(filters["forsenad"]),
        reader=reader,
        page=page_number(args),
        per_page=per_page,
    )
    return Listing(filters, found)


def choices(reg: Registry) -> dict[str, list[tuple[str, str]]]:
    """What each of the register's filters offers: (value, text) pairs, each list read
    as such (the types and units in use), not gathered from every document."""
    tree = reg.unit_tree()
    # A unit of the organisation by its name; free text from before there were units as is.
    names = {ref: unit.name for ref, unit in tree.units.items()}
    return {
        "typ": [(t, label(t)) for t in reg.document_types()],
        "instans": reg.body_names(),
        "enhet": sorted(
            ((u, names.get(u, u)) for u in reg.person_units()), key=lambda c: c[1].casefold()
        ),
        "status": [(s.value, label(s.value)) for s in DocStatus],
    }


#: How long a process keeps the register's filter options: the types, bodies and units in
#: use change when someone adds one, rarely, and a filter a minute behind is harmless. On a
#: register with 1,555 bodies, building and escaping the options each time was two thirds
#: of the register page's time.
OPTIONS_FOR = 60.0


@attrs.frozen
class FilterOptions:
    """The register's filters as ready ``<option>`` lists, escaped once, by filter."""

    html: Mapping[str, Markup]

    @classmethod
    def of(cls, offered: Mapping[str, list[tuple[str, str]]]) -> FilterOptions:
        """The options of :func:`choices`' lists."""
        return cls(
            {
                name: Markup("").join(
                    Markup('<option value="{}">{}</option>').format(value, text)
                    for value, text in pairs
                )
                for name, pairs in offered.items()
            }
        )

    def options(self, name: str, selected: str) -> Markup:
        """Filter ``name``'s options, ``selected`` (a value as typed) marked chosen."""
        html = self.html[name]
        if not selected:
            return html
        chosen = Markup(' value="{}">').format(selected)
        return Markup(html.replace(chosen, chosen[:-1] + Markup(" selected>"), 1))


_kept: dict[int, tuple[float, FilterOptions]] = {}


def filter_options(reg: Registry) -> FilterOptions:
    """:func:`choices` as :class:`FilterOptions`, kept :data:`OPTIONS_FOR` seconds."""
    now = time.monotonic()
    kept = _kept.get(id(reg))
    if kept is not None and now - kept[0] < OPTIONS_FOR:
        return kept[1]
    options = FilterOptions.of(choices(reg))
    _kept[id(reg)] = (now, options)
    return options


def pager(paging: Paging, endpoint: str, params: Mapping[str, str]) -> Pager:
    """The links between pages of ``endpoint``, with the query parameters ``params`` kept
    (the filters; empty ones are left out)."""
    page, pages = paging.page, paging.pages
    start = (page - 1) * paging.per_page
    return Pager(
        endpoint=endpoint,
        params={name: value for name, value in params.items() if value and name != "sida"},
        page=page,
        pages=pages,
        first=start + 1,
        last=min(start + paging.per_page, paging.total),
        previous=min(page - 1, pages) if page > 1 else None,
        next=page + 1 if page < pages else None,
        beyond=paging.beyond,
    )


def link_headers(
    response: Response, paging: Paging, endpoint: str, params: Mapping[str, str]
) -> None:
    """Paging for an API list that stays a JSON list: ``X-Total-Count`` and a ``Link``
    header (RFC 8288) to the first, previous, next and last pages."""
    links = [("first", 1)]
    if paging.page > 1:
        links.append(("prev", min(paging.page - 1, paging.pages)))
    if paging.page < paging.pages:
        links.append(("next", paging.page + 1))
    links.append(("last", paging.pages))
    response.headers["X-Total-Count"] = str(paging.total)
    response.headers["Link"] = ", ".join(
        f'<{_address(endpoint, params, page)}>; rel="{rel}"' for rel, page in links
    )


def _address(endpoint: str, params: Mapping[str, str], page: int) -> str:
    """``endpoint``'s address for ``page``."""
    return url_for(endpoint, **_args(params, page))


def _args(params: Mapping[str, str], page: int) -> dict[str, Any]:
    """``params`` without the empty ones, with ``sida`` for a page after the first."""
    kept: dict[str, Any] = {name: v for name, v in params.items() if v and name != "sida"}
    if page > 1:
        kept["sida"] = str(page)
    return kept
