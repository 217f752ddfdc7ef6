"""The public API: one :class:`Registry` over one store.

``Registry`` is a facade. Each use case lives in a module of :mod:`styrdok.usecases`
(documents, dispensations, corrections, people, organisation, reading, questions, dates,
insight, exporting, importing, reminding, …) as a function whose first parameter is the
registry; the class binds each one as a method of the same name, so adding a use case is
one new function and one line here. Every write runs in one
:class:`~styrdok.usecases.work.Work`: resolve the acting person, load, apply the rules
(:mod:`styrdok.rules`), write and audit in one transaction, checking the caller's expected
revision wherever a record changes. Reads need no actor.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

from styrdok.opening import local_zone, open_store, url_scheme
from styrdok.store.base import Store
from styrdok.usecases import (
    attachments,
    browsing,
    browsing_cases,
    confirm_links,
    content,
    corrections,
    dates,
    dispensations,
    document_views,
    documents,
    drafts,
    exporting,
    faq,
    handover,
    importing,
    insight,
    organisation,
    people,
    preferences,
    questions,
    reading,
    reminding,
    sheets,
    staff,
    tokens,
)
from styrdok.usecases.work import SYSTEM_ACTOR, Session

__all__ = ["SYSTEM_ACTOR", "Registry", "local_zone", "url_scheme"]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Registry:
    """A register of governing documents and dispensations.

    Open one with :meth:`open`; use it as a context manager or call :meth:`close`.
    ``Registry(store)`` wraps a store you opened yourself (a backend's tests do); ``clock``
    replaces the UTC clock (tests, simulations), and with ``events=False`` no events are
    handed to plugins.
    """

    def __init__(
        self, store: Store, *, clock: Callable[[], dt.datetime] = _utcnow, events: bool = True
    ) -> None:
        self.store = store
        """The backend it reads and writes (see :mod:`styrdok.store.base`)."""
        self._clock = clock
        self.session = Session(store, clock=clock, emit=events)
        """Transactions and the events waiting for their commit (for use cases)."""

    @classmethod
    def open(
        cls,
        target: str | os.PathLike[str] | None = None,
        *,
        create: bool = False,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> Registry:
        """Open the registry at ``target`` (a SQLAlchemy URL or a SQLite file path; default
        ``$STYRDOK_DB`` or ``./styrdok.db``). With ``create=True`` the schema is created or
        upgraded first, as ``styrdok init`` does (see :mod:`styrdok.opening`)."""
        return cls(open_store(target, create=create), clock=clock)

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def now(self) -> dt.datetime:
        """The registry's clock (UTC); tests and simulations may set their own."""
        return self._clock()

    def today(self) -> dt.date:
        """Today's date where the municipality is (``STYRDOK_TZ``, default Europe/Stockholm):
        a review due on the 1st is due from local midnight, not from 01:00 or 02:00."""
        return self._clock().astimezone(local_zone()).date()

    # --- people and bodies (usecases/people.py) -----------------------------------------
    add_person = people.add_person
    anonymise_person = people.anonymise_person
    get_person = people.get_person
    list_persons = people.list_persons
    add_body = people.add_body
    get_body = people.get_body
    list_bodies = people.list_bodies
    edit_person = handover.edit_person
    muted_notices = preferences.muted_notices
    set_notices = preferences.set_notices
    edit_body = handover.edit_body
    hand_over = handover.hand_over

    # --- personal API tokens (usecases/tokens.py) ---------------------------------------
    create_token = tokens.create_token
    list_tokens = tokens.list_tokens
    revoke_token = tokens.revoke_token
    authenticate_token = tokens.authenticate_token

    # --- the organisation (usecases/organisation.py) ------------------------------------
    add_unit = organisation.add_unit
    edit_unit = organisation.edit_unit
    get_unit = organisation.get_unit
    unit_tree = organisation.unit_tree
    unit_headcounts = organisation.unit_headcounts
    map_units = organisation.map_units
    sync_staff = staff.sync_staff

    # --- communicated and accepted (usecases/reading.py) --------------------------------
    acknowledge = reading.acknowledge
    ask_to_read = reading.ask_to_read
    documents_to_read = reading.documents_to_read
    acknowledgement_of = reading.acknowledgement_of
    reading_status = reading.reading_status
    acceptance = reading.acceptance

    # --- confirming by a link in a reminder (usecases/confirm_links.py) -----------------
    confirmation_link = confirm_links.confirmation_link
    confirmation_by_link = confirm_links.confirmation_by_link
    acknowledge_by_link = confirm_links.acknowledge_by_link

    # --- documents (usecases/documents.py, usecases/document_views.py) ------------------
    add_document = documents.add_document
    edit_document = documents.edit_document
    adopt_document = documents.adopt_document
    review_document = documents.review_document
    repeal_document = documents.repeal_document
    get_document = document_views.get_document
    document_applying = document_views.document_applying
    list_documents = document_views.list_documents
    document_versions = document_views.document_versions
    reviews = document_views.reviews
    history = document_views.history
    documents_in_force = document_views.documents_in_force
    check_document = document_views.check_document
    search_documents = content.search_documents
    compare_versions = content.compare_versions
    compare_draft = drafts.compare_draft
    discard_draft = drafts.discard_draft
    add_faq_entry = faq.add_faq_entry
    edit_faq_entry = faq.edit_faq_entry
    remove_faq_entry = faq.remove_faq_entry

    # --- a page at a time: lists, filters' choices, people named (usecases/browsing.py) ---
    browse_documents = browsing.browse_documents
    due_page = browsing.due_page
    document_types = browsing.document_types
    person_units = browsing.person_units
    body_names = browsing.body_names
    persons_by_ref = browsing.persons_by_ref
    browse_dispensations = browsing_cases.browse_dispensations
    browse_questions = browsing_cases.browse_questions

    # --- files of documents (usecases/attachments.py) ----------------------------------
    attach_file = attachments.attach_file
    detach_file = attachments.detach_file
    document_files = attachments.document_files
    fetch_file = attachments.fetch_file
    verify_files = attachments.verify_files

    # --- dispensations (usecases/dispensations.py) ---------------------------------------
    request_dispensation = dispensations.request_dispensation
    renew_dispensation = dispensations.renew_dispensation
    approve_dispensation = dispensations.approve_dispensation
    reject_dispensation = dispensations.reject_dispensation
    revoke_dispensation = dispensations.revoke_dispensation
    close_dispensation = dispensations.close_dispensation
    evaluate_dispensation = dispensations.evaluate_dispensation
    get_dispensation = dispensations.get_dispensation
    list_dispensations = dispensations.list_dispensations
    dispensations_active_on = dispensations.dispensations_active_on

    # --- corrections (usecases/corrections.py) -------------------------------------------
    withdraw_dispensation = corrections.withdraw_dispensation
    annul_dispensation_decision = corrections.annul_dispensation_decision
    annul_adoption = corrections.annul_adoption

    # --- questions (usecases/questions.py) -----------------------------------------------
    ask = questions.ask
    answer = questions.answer
    open_questions = questions.open_questions
    get_question = questions.get_question
    questions = questions.questions  # last: from here on the name is the method

    # --- time passing and reminders (usecases/dates.py, usecases/reminding.py) ----------
    expire = dates.expire
    due = dates.due
    iter_due = dates.iter_due
    remind = reminding.remind

    # --- insight (usecases/insight.py) ---------------------------------------------------
    report = insight.report
    streamed_report = insight.streamed_report
    verify_audit = insight.verify_audit
    audit_head = insight.audit_head
    rekey_audit = insight.rekey_audit
    audit_events = insight.audit_events

    # --- export and import (usecases/exporting.py, usecases/importing.py) ------------
    export_json = exporting.export_json
    export_csv = exporting.export_csv
    export_public = exporting.export_public
    import_json = importing.import_json

    # --- spreadsheets (usecases/sheets.py) -----------------------------------------------
    import_spreadsheet = sheets.import_spreadsheet
    export_xlsx = sheets.export_xlsx
