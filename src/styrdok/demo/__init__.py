"""The Mittköping demo register, built through the public API.

Mittköping is the fictional municipality of the LEDA report the product grew from. Every
date is relative to ``today``, so the demo always has overdue reviews, reviews coming up,
and dispensations in each state. Building it exercises the same rules a real user meets:
nothing here writes to the database behind the registry's back. Each document's own
words are a Markdown file in ``texts/`` (read by :mod:`styrdok.demo.wording`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, BinaryIO, cast

from styrdok.attachment import FileKind
from styrdok.demo.mittkoping import BODIES, DOCUMENTS, PEOPLE, DocSpec
from styrdok.demo.organisation import LEFT, MOVED, UNITS, staff
from styrdok.demo.reading import confirm_reading
from styrdok.demo.wording import text_of
from styrdok.model import (
    Body,
    DispensationRequest,
    Disposition,
    Document,
    Funding,
    Person,
    Unit,
)
from styrdok.registry import Registry, local_zone

if TYPE_CHECKING:
    from styrdok.filestore import FileStore

ADMIN = "eva.ek"
#: Days (before today) of the versions that come after the first: the FAQ answer added to
#: the social media guidelines, their revision, and the action plan's corrected link.
FAQ_DAY, REVISION_DAY, EDITORIAL_DAY = -18, -8, -30


def build_demo(
    registry: Registry,
    *,
    today: dt.date,
    files: FileStore | None = None,
    language: str = "sv",
) -> str:
    """Fill an empty registry with Mittköping's register; returns a one-line summary in
    ``language``."""

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    staff_of = _organisation(registry, day)
    for ref, name, level, contact in BODIES:
        registry.add_body(Body(ref=ref, name=name, level=level, contact=contact), actor=ADMIN)
    for spec in DOCUMENTS:
        _add_document(registry, spec, day)

    _dispensations(registry, day)
    registry.expire(today=today)
    _after_expiry(registry, day)
    # People confirm what they were asked to read, each on their day; for a document that
    # gets a new version below, until that version (a confirmation names the version in
    # force when it is given), and the rest after it.
    confirmed = confirm_reading(
        registry,
        day,
        until={"RIKT-SOC-01": day(FAQ_DAY), "HPL-DIG-01": day(EDITORIAL_DAY)},
    )
    _staff_changes(registry, day, staff_of)
    _questions(registry, day)
    confirmed += confirm_reading(
        registry, day, only={"RIKT-SOC-01"}, until={"RIKT-SOC-01": day(REVISION_DAY)}
    )
    _revise_social_media_guidelines(registry, day)
    _correct_action_plan_link(registry, day)
    _adopt_password_manager(registry, today)
    _prepare_remote_work_revision(registry)
    # The revision asks its readers again; the editorial correction does not.
    confirmed += confirm_reading(registry, day, only={"RIKT-SOC-01", "HPL-DIG-01"})
    if files is not None:
        _attach_decision(registry, files)

    counts = (len(registry.list_documents()), len(registry.list_dispensations()))
    people = len(registry.list_persons())
    from babel.numbers import format_decimal

    from styrdok.i18n import translations

    def number(value: int) -> str:
        return format_decimal(value, locale="sv_SE" if language == "sv" else "en_GB")

    return (
        translations(language)
        .gettext(
            "{documents} documents, {dispensations} dispensations, {people} people in "
            "{units} units, {confirmations} read confirmations"
        )
        .format(
            documents=number(counts[0]),
            dispensations=number(counts[1]),
            people=number(people),
            units=number(len(UNITS)),
            confirmations=number(confirmed),
        )
    )


def _organisation(registry: Registry, day: Callable[[int], dt.date]) -> dict[str, list[str]]:
    """The registrar, then the units, then everyone in them, then each unit's manager (a
    unit is named before anyone can work in it, and a manager must work somewhere).
    Returns the refs of the staff made for each unit, managers aside."""
    named = {ref: (name, title, unit, admin) for ref, name, title, unit, admin in PEOPLE}
    name, title, unit, _ = named[ADMIN]
    # The first person: registered before any unit exists, in the unit to come.
    registry.add_person(_person(ADMIN, name, title, unit, day(-3200), admin=True), actor=None)
    for spec in UNITS:
        registry.add_unit(Unit(spec.ref, spec.name, spec.kind, spec.parent), actor=ADMIN)
    for ref, (name, title, unit, admin) in named.items():
        if ref != ADMIN:
            registry.add_person(_person(ref, name, title, unit, day(-2400), admin), actor=ADMIN)
    managers = {spec.ref: spec.manager for spec in UNITS if isinstance(spec.manager, str)}
    staff_of: dict[str, list[str]] = {}
    for member, manages in staff(set(named), {name for name, *_ in named.values()}):
        person = _person(member.ref, member.name, member.title, member.unit, day(member.joined))
        registry.add_person(person, actor=ADMIN)
        if manages:
            managers[member.unit] = member.ref
        else:
            staff_of.setdefault(member.unit, []).append(member.ref)
    for spec in UNITS:
        registry.edit_unit(spec.ref, {"manager": managers[spec.ref]}, actor=ADMIN)
    return staff_of


def _person(
    ref: str, name: str, title: str, unit: str, since: dt.date, admin: bool = False
) -> Person:
    return Person(
        ref=ref,
        name=name,
        email=f"{ref}@mittkoping.example",
        unit=unit,
        title=title,
        is_admin=admin,
        unit_since=since,
    )


def _staff_changes(
    registry: Registry, day: Callable[[int], dt.date], staff_of: dict[str, list[str]]
) -> None:
    """Some have left (kept, but no longer asked to read anything), and one moved to
    another förvaltning last week: what applies there is asked of them from that day."""
    for unit, n in LEFT:
        registry.edit_person(staff_of[unit][n], {"active": False}, actor=ADMIN)
    unit, n, to, title = MOVED
    last_week = Registry(registry.store, clock=lambda: _at(day(-5)))
    last_week.edit_person(staff_of[unit][n], {"unit": to, "title": title}, actor=ADMIN)


def _at(on: dt.date) -> dt.datetime:
    """10 o'clock on that day, where the municipality is."""
    return dt.datetime.combine(on, dt.time(10, tzinfo=local_zone())).astimezone(dt.UTC)


def _add_document(registry: Registry, spec: DocSpec, day: Callable[[int], dt.date]) -> None:
    document = Document(
        ref=spec.ref,
        title=spec.title,
        doc_type=spec.doc_type,
        owner=spec.owner,
        guardian=spec.guardian,
        purpose=spec.purpose,
        intended_effects=spec.effects,
        audience=spec.audience,
        applies_to=spec.applies_to,
        limits=spec.limits,
        follow_up=spec.follow_up,
        review_interval_months=spec.review_months,
        valid_until=day(spec.valid_until) if spec.valid_until is not None else None,
        non_compliance=spec.non_compliance,
        dispensation_rules=spec.rules,
        faq=spec.faq,
        parent=spec.parent,
        supersedes=spec.supersedes,
        registry_number=spec.registry_number,
        text_url=f"https://mittkoping.example/styrdokument/{spec.ref.lower()}",
        text=text_of(spec.ref),
    )
    registry.add_document(document, actor=spec.owner)
    if spec.adopted is None:
        return  # stays a draft
    body, offset, minute = spec.adopted
    registry.adopt_document(
        spec.ref, actor=spec.owner, body=body, on=day(offset), minute_ref=minute
    )
    for review_offset, outcome, notes in spec.reviews:
        registry.review_document(
            spec.ref, actor=spec.guardian, outcome=outcome, on=day(review_offset), notes=notes
        )


def _request(
    registry: Registry,
    day: Callable[[int], dt.date],
    *,
    document: str,
    by: str,
    on: int,
    scope: str,
    responsible: str,
    span: tuple[int, int],
    funding: Funding,
    **extra: object,
) -> str:
    request = DispensationRequest(
        document_ref=document,
        scope=scope,
        responsible=responsible,
        valid_from=day(span[0]),
        valid_until=day(span[1]),
        funding=funding,
        **extra,
    )
    return registry.request_dispensation(request, actor=by, on=day(on)).ref


def _dispensations(registry: Registry, day: Callable[[int], dt.date]) -> None:
    # 1. A school pilots a cloud service for one term, funded by the education committee.
    pilot = _request(
        registry,
        day,
        document="RIKT-MOLN-SKOLA",
        by="lisa.holm",
        on=-70,
        scope="Pilot av digitalt provverktyg (molntjänst) i årskurs 7 under en termin",
        responsible="lisa.holm",
        span=(-60, 20),
        funding=Funding(
            funded_by="Barn- och utbildningsnämndens budget",
            estimated_cost=_sek("18500"),
            note="Licens för en termin",
        ),
        applies_to=("BUF-GR-NORD",),
        clause="3.2 Endast godkända molntjänster",
        limits="Inga personnummer eller känsliga personuppgifter i tjänsten",
        justification="Pröva om digitala prov minskar rättningstiden",
        conditions="Konsekvensbedömning (DPIA) klar; pseudonyma elevkonton",
    )
    registry.approve_dispensation(
        pilot,
        actor="erik.makinen",
        on=day(-65),
        reasoning="Tidsbegränsad pilot med skyddsåtgärder",
        delegated=True,
        reported_to="BUN",
    )
    # 2. A legacy system cannot do multi-factor login; compensating measures instead.
    legacy = _request(
        registry,
        day,
        document="RIKT-IS-02",
        by="amir.yusuf",
        on=-160,
        scope="Verksamhetssystemet Omsorg 4 saknar stöd för tvåfaktorsinloggning",
        responsible="amir.yusuf",
        span=(-150, 30),
        funding=Funding(no_extra_cost=True),
        applies_to=("SOC-HT",),
        clause="2.1 Tvåfaktorsautentisering",
        conditions="Åtkomst endast från kommunens nät; loggar granskas varje månad",
    )
    registry.approve_dispensation(
        legacy, actor="gustav.berg", on=day(-155), reasoning="Systemet byts ut inom ett år"
    )
    # 3. Its renewal has been requested and waits for a decision.
    registry.renew_dispensation(
        legacy,
        actor="amir.yusuf",
        valid_until=day(200),
        justification="Upphandlingen av nytt system är försenad",
        on=day(-3),
    )
    # 4. A youth centre wants to try TikTok: requested, not yet decided.
    _request(
        registry,
        day,
        document="RIKT-SOC-01",
        by="maria.nystrom",
        on=-2,
        scope="Ungdomens hus testar ett TikTok-konto för att nå unga",
        responsible="maria.nystrom",
        span=(10, 130),
        funding=Funding(funded_by="Kultur- och fritidsförvaltningen", estimated_cost=_sek("0")),
        applies_to=("KFF-UNG",),
        clause="4 Godkända kanaler",
        justification="Unga finns inte i kommunens nuvarande kanaler",
    )
    # 5. Personal Dropbox for class photos: rejected.
    dropbox = _request(
        registry,
        day,
        document="RIKT-MOLN-SKOLA",
        by="sara.jansson",
        on=-40,
        scope="Dela klassfoton via lärarens privata Dropbox",
        responsible="sara.jansson",
        span=(-30, 60),
        funding=Funding(no_extra_cost=True),
        applies_to=("BUF-GR-SODRA",),
    )
    registry.reject_dispensation(
        dropbox,
        actor="erik.makinen",
        on=day(-35),
        reasoning="Privata konton saknar avtal; använd skolans lärplattform",
    )
    # 6. A finished pilot that expired and was evaluated (see _after_expiry).
    chat = _request(
        registry,
        day,
        document="RIKT-SOC-01",
        by="olle.strand",
        on=-215,
        scope="Chattfunktion på webben bemannas av extern leverantör",
        responsible="maria.nystrom",
        span=(-200, -30),
        funding=Funding(
            funded_by="Kommunstyrelsens utvecklingsmedel", estimated_cost=_sek("45000")
        ),
        applies_to=("KLF-KC",),
    )
    registry.approve_dispensation(
        chat, actor="karin.sjoberg", on=day(-205), reasoning="Pröva under en säsong"
    )
    # 7. Shared login in home care: revoked when the conditions were not kept.
    shared = _request(
        registry,
        day,
        document="RIKT-IS-02",
        by="amir.yusuf",
        on=-100,
        scope="Gemensamt konto för nattpersonal på surfplattor",
        responsible="lena.oberg",
        span=(-90, 90),
        funding=Funding(no_extra_cost=True),
        applies_to=("SOC-HT-NATT",),
        conditions="Namnad inloggning i verksamhetssystemet efteråt",
    )
    registry.approve_dispensation(shared, actor="gustav.berg", on=day(-95))
    registry.revoke_dispensation(
        shared,
        actor="gustav.berg",
        on=day(-20),
        reason="Villkoret om namngiven inloggning följdes inte",
    )
    # 8. Remote-work exception closed early when no longer needed.
    remote = _request(
        registry,
        day,
        document="POL-IS-01",
        by="jonas.ali",
        on=-130,
        scope="Distansarbete från Åland under sommaren för en utvecklare",
        responsible="hanna.persson",
        span=(-120, 40),
        funding=Funding(no_extra_cost=True),
        applies_to=("KLF-IT",),
    )
    registry.approve_dispensation(remote, actor="gustav.berg", on=day(-125))
    registry.close_dispensation(
        remote, actor="hanna.persson", on=day(-50), reason="Uppdraget avslutades i förtid"
    )
    # 9. A web publishing exception granted under the old guidelines, moved to the new
    #    ones when they replaced the old (supersede with --dispensations move).
    web = _request(
        registry,
        day,
        document="RIKT-WEBB-01",
        by="olle.strand",
        on=-15,
        scope="Publicera valresultat i PDF utan tillgänglighetsanpassning",
        responsible="olle.strand",
        span=(-10, 5),
        funding=Funding(no_extra_cost=True),
        applies_to=("KLF-VAL",),
        justification="Valmyndighetens format; tillgänglig version följer",
    )
    registry.approve_dispensation(web, actor="maria.nystrom", on=day(-12))
    registry.adopt_document(
        "RIKT-WEBB-02",
        actor="maria.nystrom",
        body="KS",
        on=day(-8),
        minute_ref="§ 131",
        dispensations=Disposition.MOVE,
    )
    # 10. A dispensation from the digital strategy's action plan, approved, long-running.
    lab = _request(
        registry,
        day,
        document="HPL-DIG-01",
        by="sofia.karlsson",
        on=-30,
        scope="Innovationslabb får köpa tjänster utan ramavtal upp till 50 000 kr",
        responsible="sofia.karlsson",
        span=(-20, 160),
        funding=Funding(funded_by="Digitaliseringsfonden", estimated_cost=_sek("50000")),
        applies_to=("KLF-INNO",),
    )
    registry.approve_dispensation(
        lab, actor="karin.sjoberg", on=day(-25), reasoning="Våga prova på ett sanktionerat sätt"
    )


def _after_expiry(registry: Registry, day: Callable[[int], dt.date]) -> None:
    expired = [d for d in registry.list_dispensations() if d.status.value == "expired"]
    for disp in expired:
        registry.evaluate_dispensation(
            disp.ref,
            actor=disp.responsible,
            on=day(-5),
            outcome="Invånarna fick svar snabbare; leverantören följde avtalet",
            lessons="Riktlinjen bör tillåta bemannad chatt via upphandlad leverantör",
            rule_change_suggested=True,
        )


def _questions(registry: Registry, day: Callable[[int], dt.date]) -> None:
    first = registry.ask(
        "RIKT-SOC-01",
        "Får jag svara på kommentarer från min privata telefon?",
        actor="sara.jansson",
        on=day(-20),
    )
    registry.answer(
        first.id or 0,
        "Ja, om du är inloggad i kommunens konto med "
        "tvåfaktorsinloggning och inte sparar bilder lokalt.",
        actor="olle.strand",
        promote_to_faq=True,
        on=day(FAQ_DAY),
    )
    registry.ask(
        "RIKT-MOLN-SKOLA", "Gäller vägledningen även fritidshemmet?", actor="lisa.holm", on=day(-4)
    )
    # The same question again, in other words: `styrdok questions` counts it twice.
    registry.ask(
        "RIKT-MOLN-SKOLA",
        "gäller vägledningen även fritidshemmet",
        actor="sara.jansson",
        on=day(-2),
    )
    registry.ask(
        "RIKT-IS-02",
        "Behöver jag tvåfaktorsinloggning när jag arbetar hemifrån?",
        actor="maria.nystrom",
        on=day(-6),
    )


def _attach_decision(registry: Registry, files: FileStore) -> None:
    # The minutes' extract of the board's decision on the revised guidelines, as a PDF.
    name = "protokollsutdrag-ks-132.pdf"
    with (resources.files("styrdok.demo") / "files" / name).open("rb") as pdf:
        registry.attach_file(
            "RIKT-SOC-01",
            cast(BinaryIO, pdf),  # an open binary file: what importlib.resources types as IO
            name=name,
            title="Protokollsutdrag KS § 132",
            kind=FileKind.DECISION,
            actor="maria.nystrom",
            storage=files,
        )


def _revise_social_media_guidelines(registry: Registry, day: Callable[[int], dt.date]) -> None:
    # The FAQ answer about private phones (see _questions) is written into the guidelines
    # themselves, and the board adopts the revision: `doc diff RIKT-SOC-01` shows the
    # new wording word by word against the version before.
    current = registry.get_document("RIKT-SOC-01")
    registry.edit_document(
        "RIKT-SOC-01",
        {"text": text_of("RIKT-SOC-01", edition=2)},
        actor="maria.nystrom",
        expected_revision=current.revision,
    )
    registry.adopt_document(
        "RIKT-SOC-01", actor="maria.nystrom", body="KS", on=day(REVISION_DAY), minute_ref="§ 132"
    )


def _adopt_password_manager(registry: Registry, today: dt.date) -> None:
    # The review a year ago asked for a password manager; the board has now adopted the
    # revised guidelines, to take effect on the first of next month. Until then version 1
    # applies: `doc show RIKT-IS-02` says so, and `doc show RIKT-IS-02 --version 2` shows
    # what is coming. A draft revision is prepared first (doc edit), then adopted.
    current = registry.get_document("RIKT-IS-02")
    registry.edit_document(
        "RIKT-IS-02",
        {"text": text_of("RIKT-IS-02", edition=2)},
        actor="anna.lind",
        expected_revision=current.revision,
    )
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    registry.adopt_document(
        "RIKT-IS-02",
        actor="anna.lind",
        body="KS",
        on=today - dt.timedelta(days=5),
        effective_from=next_month,
        minute_ref="§ 141",
    )


def _prepare_remote_work_revision(registry: Registry) -> None:
    # The information security guidelines are being revised: a paragraph about working on
    # the train is drafted. Until the board adopts it, what applies is unchanged; `doc show
    # RIKT-IS-01` mentions the draft and `doc diff RIKT-IS-01 --draft` shows it.
    current = registry.get_document("RIKT-IS-01")
    registry.edit_document(
        "RIKT-IS-01",
        {"text": text_of("RIKT-IS-01", edition=2)},
        actor="anna.lind",
        expected_revision=current.revision,
    )


def _correct_action_plan_link(registry: Registry, day: Callable[[int], dt.date]) -> None:
    # The action plan's address broke when the intranet moved. An editorial change: the
    # new version asks nobody to read it again, and confirmations of the first still
    # count (`ack ask HPL-DIG-01` would ask again, had the change mattered).
    current = registry.get_document("HPL-DIG-01")
    registry.edit_document(
        "HPL-DIG-01",
        {"text_url": "https://intranat.mittkoping.example/digitalisering/handlingsplan-2026"},
        actor="karin.sjoberg",
        expected_revision=current.revision,
    )
    registry.adopt_document(
        "HPL-DIG-01",
        actor="karin.sjoberg",
        body="KS",
        on=day(EDITORIAL_DAY),
        minute_ref="§ 176",
        material=False,
    )


def _sek(amount: str) -> Decimal:
    return Decimal(amount)


__all__ = ["build_demo"]
