"""The self-service forms for dispensations — request, decide, withdraw, renew, evaluate —
read from a post and checked, in Swedish, by the rules the registry will apply.

As for questions (:mod:`.forms`), the registry is the judge: it refuses a request that
lasts longer than its document allows, that does not say how it is funded, whose dates
are the wrong way round, or a rejection without reasons — but in English, naming
attributes. So each form is checked here first by the same rules (the document's own
:class:`~styrdok.model.DispensationRules` for durations), and every mistake is said next
to its field and in a summary at the top of the form, in words a reader understands, with
what was typed kept. What the registry still refuses is shown with its own reason
(:data:`.forms.REFUSED`). Nothing here decides who may do what: that is
:mod:`styrdok.rules`, called by the registry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal

import attrs
from werkzeug.datastructures import MultiDict

from styrdok.dispensation import DispensationRequest, Funding
from styrdok.errors import InvalidValue
from styrdok.fields import EARLIEST_DAY, LATEST_DAY
from styrdok.model import DispensationRules
from styrdok.organisation import UnitTree
from styrdok.text import REF_PATTERN, is_clean_line, is_clean_text, normalise, normalise_text
from styrdok_intranet.errors import registry_reason
from styrdok_intranet.forms import REFUSED, Field, swedish_number

#: The registry's limits on each text (``styrdok.dispensation``; a test holds them equal).
LIMITS = {"clause": 500, "text": 5_000, "note": 2_000, "end_reason": 2_000, "line": 200}

#: An amount of kronor as people type it: ``12500``, ``12 500``, ``12 500,50``, ``12500.5``.
_AMOUNT = re.compile(r"[0-9]{1,12}(?:[.,][0-9]{1,2})?")
#: A date as ``<input type="date">`` sends it.
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@attrs.frozen
class Form:
    """A form as its page shows it again: each field by name as typed, with its mistake."""

    prefix: str = ""
    """Put before each field's name to make its ``id`` (several forms share a page)."""
    fields: Mapping[str, Field] = attrs.field(factory=dict)
    refused: str | None = None
    """The registry's own reason (English) when it refused what passed the checks here."""
    message: str = REFUSED
    """Said in Swedish before ``refused``."""

    def __getitem__(self, name: str) -> Field:
        """The field ``name`` (empty if the form has none by that name yet)."""
        return self.fields.get(name, Field())

    @property
    def errors(self) -> list[tuple[str, str]]:
        """Each mistake as (field id, message), in the form's order: the summary's links."""
        return [(self.prefix + n, f.error) for n, f in self.fields.items() if f.error]

    @property
    def failed(self) -> bool:
        """Whether the page must say something went wrong (a mistake, or a refusal)."""
        return bool(self.errors) or self.refused is not None

    def refuse(self, reason: str, message: str = REFUSED) -> Form:
        """This form again, with the registry's ``reason`` for refusing it."""
        return attrs.evolve(self, refused=reason, message=message)


class Reader:
    """Reads one post field by field, noting what was typed and what is wrong with it
    (each form of :mod:`.disp_forms` and :mod:`.step_forms` is read with one)."""

    def __init__(self, data: MultiDict[str, str], prefix: str) -> None:
        self.data = data
        self.prefix = prefix
        self.fields: dict[str, Field] = {}

    def fail(self, name: str, message: str) -> None:
        """Mark ``name`` wrong (the first mistake found in a field is the one said)."""
        field = self.fields.get(name, Field())
        if field.error is None:
            self.fields[name] = attrs.evolve(field, error=message)

    def text(self, name: str, label: str, limit: int, *, empty: str | None = None) -> str:
        """A multi-line text (line breaks as LF, stripped); ``empty`` is said when it is
        required and blank."""
        typed = self.data.get(name, "")
        self.fields[name] = Field(typed)
        text = normalise_text(typed)
        wrong = text_problem(text, label, limit, empty=empty, one_line=False)
        if wrong:
            self.fail(name, wrong)
        return text

    def line(self, name: str, label: str, limit: int, *, empty: str | None = None) -> str:
        """One line of text, as :meth:`text`."""
        typed = self.data.get(name, "")
        self.fields[name] = Field(typed)
        text = normalise(typed)
        wrong = text_problem(text, label, limit, empty=empty, one_line=True)
        if wrong:
            self.fail(name, wrong)
        return text

    def flag(self, name: str) -> bool:
        """A checkbox: ticked or not."""
        checked = self.data.get(name) == "ja"
        self.fields[name] = Field("ja" if checked else "", checked=checked)
        return checked

    def day(self, name: str, label: str) -> dt.date | None:
        """A required date (``YYYY-MM-DD``), or ``None`` with the mistake noted."""
        typed = self.data.get(name, "")
        self.fields[name] = Field(typed)
        text = typed.strip()
        if not text:
            self.fail(name, f"Ange {label}.")
            return None
        try:
            day = dt.date.fromisoformat(text) if _DAY.fullmatch(text) else None
        except ValueError:
            day = None
        if day is None:
            self.fail(name, f"Ange {label} som ÅÅÅÅ-MM-DD, till exempel 2027-01-31.")
        elif not EARLIEST_DAY <= day <= LATEST_DAY:
            self.fail(name, f"Ange {label} mellan år {EARLIEST_DAY.year} och {LATEST_DAY.year}.")
            day = None
        return day

    def form(self) -> Form:
        """What was read, as the page shows it again."""
        return Form(prefix=self.prefix, fields=dict(self.fields))


def text_problem(
    text: str, label: str, limit: int, *, empty: str | None, one_line: bool
) -> str | None:
    """What is wrong with ``text`` (already normalised), in Swedish naming the field by its
    ``label``, or ``None`` if the registry would take it. ``empty`` is said for a blank
    text that is required (``None``: a blank one is fine)."""
    if not text:
        return empty
    if len(text) > limit:
        return (
            f"”{label}” har {swedish_number(len(text))} tecken. Det får vara högst "
            f"{swedish_number(limit)} tecken."
        )
    clean = is_clean_line if one_line else is_clean_text
    bad = next((char for char in text if not clean(char, 1)), None)
    if bad is not None:
        kind = "en radbrytning eller " if one_line and bad in "\r\n" else ""
        return (
            f"”{label}” innehåller {kind}ett osynligt tecken eller styrtecken "
            f"(U+{ord(bad):04X}) som registret inte tar emot. Ta bort det och skicka igen."
        )
    return None


def duration_problem(
    rules: DispensationRules, valid_from: dt.date, valid_until: dt.date
) -> str | None:
    """:func:`styrdok.rules.require_valid_terms` on the dates, in Swedish: the last day
    after the first, and no longer than the document allows."""
    if valid_until <= valid_from:
        return f"Sista giltighetsdagen ({valid_until}) måste komma efter den första ({valid_from})."
    days = (valid_until - valid_from).days + 1
    most = rules.max_duration_days
    if most is not None and days > most:
        latest = valid_from + dt.timedelta(days=most - 1)
        return (
            f"En dispens från dokumentet får gälla högst {swedish_number(most)} dagar. "
            f"{valid_from} till och med {valid_until} är {swedish_number(days)} dagar: "
            f"välj {latest} eller tidigare som sista dag."
        )
    return None


# --- a request ---------------------------------------------------------------------------

#: What the request form is missing, said next to the field.
NO_SCOPE = "Skriv vad undantaget gäller: vilken regel ni vill göra avsteg från, och hur."
NO_RESPONSIBLE = "Ange vem som ansvarar för dispensen och dess konsekvenser (användarnamn)."
NO_FUNDING = (
    "Ange hur kostnaderna finansieras: vem som betalar, eller kryssa i att dispensen inte "
    "medför några extra kostnader."
)


def request_form(
    data: MultiDict[str, str],
    *,
    document: str,
    rules: DispensationRules,
    units: UnitTree,
    known: Callable[[str], bool],
) -> tuple[Form, DispensationRequest | None]:
    """The request form as posted, and the request to send when nothing is wrong with it.
    ``rules`` are the document's dispensation rules; ``units`` the organisation, whose
    units alone ``applies_to`` may name once there is one; ``known`` says whether a person
    is in the register (the responsible must be)."""
    read = Reader(data, "")
    clause = read.text("paragraf", "Paragraf eller avsnitt", LIMITS["clause"])
    scope = read.text("omfattning", "Vad undantaget gäller", LIMITS["text"], empty=NO_SCOPE)
    limits = read.text("avgransning", "Avgränsningar", LIMITS["text"])
    applies_to = _units(read, units)
    responsible = _person(read, "ansvarig", known)
    valid_from = read.day("giltig_fran", "första dagen dispensen gäller")
    valid_until = read.day("giltig_till", "sista dagen dispensen gäller")
    if valid_from and valid_until:
        wrong = duration_problem(rules, valid_from, valid_until)
        if wrong:
            read.fail("giltig_till", wrong)
    funded_by = read.line("finansieras_av", "Vem betalar kostnaderna", LIMITS["line"])
    cost = _amount(read, "kostnad")
    no_extra_cost = read.flag("ingen_extra_kostnad")
    note = read.text("finansiering_not", "Kommentar om finansieringen", LIMITS["note"])
    if not funded_by and not no_extra_cost:
        read.fail("finansieras_av", NO_FUNDING)
    justification = read.text("motivering", "Motivering", LIMITS["text"])
    conditions = read.text("villkor", "Villkor och kompenserande åtgärder", LIMITS["text"])
    form = read.form()
    if form.errors or valid_from is None or valid_until is None:
        return form, None
    try:
        wanted = DispensationRequest(
            document_ref=document,
            clause=clause,
            scope=scope,
            limits=limits,
            applies_to=applies_to,
            responsible=responsible,
            valid_from=valid_from,
            valid_until=valid_until,
            funding=Funding(
                funded_by=funded_by or None,
                estimated_cost=cost,
                no_extra_cost=no_extra_cost,
                note=note,
            ),
            justification=justification,
            conditions=conditions,
        )
    except InvalidValue as exc:  # a rule of the model this form does not know of
        return form.refuse(registry_reason(exc)), None
    return form, wanted


def _units(read: Reader, units: UnitTree) -> tuple[str, ...]:
    """Whom it applies to: units chosen in the list when the register has an organisation
    (kept as one per line), else one name per line."""
    if units:
        chosen = tuple(normalise(v) for v in read.data.getlist("enheter") if v.strip())
        read.fields["enheter"] = Field("\n".join(chosen))
        if any(ref not in units for ref in chosen):
            read.fail("enheter", "Välj enheterna i listan: någon av dem finns inte.")
        return chosen
    typed = read.data.get("enheter", "")
    read.fields["enheter"] = Field(typed)
    lines = tuple(normalise(v) for v in normalise_text(typed).split("\n") if v.strip())
    for line in lines:
        wrong = text_problem(
            line, "Vilka undantaget gäller", LIMITS["line"], empty=None, one_line=True
        )
        if wrong:
            read.fail("enheter", wrong + " (En rad per enhet, person eller system.)")
    return lines


def _person(read: Reader, name: str, known: Callable[[str], bool]) -> str:
    """A person's ref, required, in the register."""
    ref = read.line(name, "Ansvarig", 64, empty=NO_RESPONSIBLE)
    if ref and read.fields[name].error is None:
        if not REF_PATTERN.fullmatch(ref):
            read.fail(
                name, "Ange ett användarnamn, till exempel anna.lind (bokstäver, siffror, . _ -)."
            )
        elif not known(ref):
            read.fail(name, f"Det finns ingen person med användarnamnet {ref} i registret.")
    return ref


def _amount(read: Reader, name: str) -> Decimal | None:
    """An amount in kronor (optional): grouped digits, öre after a comma."""
    typed = read.data.get(name, "")
    read.fields[name] = Field(typed)
    text = re.sub(r"[\s\u00a0\u202f]", "", typed)
    text = re.sub(r"(?i)(kr|kronor|sek)\.?$", "", text)
    if not text:
        return None
    if not _AMOUNT.fullmatch(text):
        read.fail(
            name,
            "Skriv beräknad kostnad i kronor med siffror, till exempel 12 500 eller 12 500,50.",
        )
        return None
    return Decimal(text.replace(",", "."))
