"""Mittköping's organisation and staff (fictional; Swedish as in real life).

The municipality, its six förvaltningar and the avdelningar and enheter under them, each
with a manager, and a few hundred staff with names and titles drawn from seeded lists, so
every build of the demo has the same people in the same units. The people the demo's
documents and dispensations name (:data:`styrdok.demo.mittkoping.PEOPLE`) are placed among
them; everyone else is made here.

Each unit also says how diligently its staff confirm what they are asked to read
(:attr:`UnitSpec.reads`): the demo's acknowledgements follow it, so the report and the
intranet show an office where nearly everyone has read the policies beside a care home
where a third have.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator

import attrs

from styrdok.enums import UnitKind

MUNICIPALITY = UnitKind.MUNICIPALITY
ADMINISTRATION = UnitKind.ADMINISTRATION
DEPARTMENT = UnitKind.DEPARTMENT
UNIT = UnitKind.UNIT


@attrs.frozen
class Hire:
    """A manager made for the demo, with this title."""

    title: str


@attrs.frozen
class UnitSpec:
    ref: str
    name: str
    kind: UnitKind
    parent: str | None
    manager: str | Hire
    """A named demo person's ref (``anna.lind``), or a manager made here."""
    staff: int = 0
    """How many people work here besides the manager."""
    titles: tuple[str, ...] = ()
    """Their titles, the most common first."""
    reads: float | None = None
    """The share of its staff who confirm what they are asked to read (``None``: as the
    unit above)."""


UNITS: list[UnitSpec] = [
    UnitSpec("MK", "Mittköpings kommun", MUNICIPALITY, None, "karin.sjoberg", reads=0.7),
    # --- Kommunledningsförvaltningen -----------------------------------------------------
    UnitSpec("KLF", "Kommunledningsförvaltningen", ADMINISTRATION, "MK", "karin.sjoberg"),
    UnitSpec(
        "KLF-KANS", "Kansliavdelningen", DEPARTMENT, "KLF", Hire("Kanslichef"), 4,
        ("Nämndsekreterare", "Utredare", "Registrator", "Kommunjurist"), 0.92,
    ),
    UnitSpec(
        "KLF-VAL", "Valkansliet", UNIT, "KLF-KANS", Hire("Valsamordnare"), 2,
        ("Valhandläggare",), 0.7,
    ),
    UnitSpec(
        "KLF-EKO", "Ekonomiavdelningen", DEPARTMENT, "KLF", Hire("Ekonomichef"), 5,
        ("Controller", "Redovisningsekonom", "Upphandlare", "Budgetstrateg"), 0.88,
    ),
    UnitSpec(
        "KLF-HR", "HR-avdelningen", DEPARTMENT, "KLF", "hanna.persson", 4,
        ("HR-konsult", "Lönespecialist", "Arbetsmiljöstrateg"), 0.95,
    ),
    UnitSpec(
        "KLF-KOM", "Kommunikationsenheten", UNIT, "KLF", "maria.nystrom", 3,
        ("Kommunikatör",), 0.9,
    ),
    UnitSpec(
        "KLF-KC", "Kontaktcenter", UNIT, "KLF-KOM", Hire("Gruppledare kontaktcenter"), 5,
        ("Kommunvägledare",), 0.55,
    ),
    UnitSpec(
        "KLF-IT", "IT-enheten", UNIT, "KLF", "anna.lind", 5,
        ("IT-tekniker", "Systemförvaltare", "Nätverkstekniker", "IT-supporttekniker"), 0.96,
    ),
    UnitSpec(
        "KLF-UTV", "Utvecklingsavdelningen", DEPARTMENT, "KLF", Hire("Utvecklingschef"), 3,
        ("Verksamhetsutvecklare", "Utredare"), 0.8,
    ),
    UnitSpec(
        "KLF-INNO", "Innovationslabbet", UNIT, "KLF-UTV", Hire("Labbledare"), 2,
        ("Tjänstedesigner",), 0.6,
    ),
    # --- Barn- och utbildningsförvaltningen ----------------------------------------------
    UnitSpec("BUF", "Barn- och utbildningsförvaltningen", ADMINISTRATION, "MK", "per.ahmadi"),
    UnitSpec(
        "BUF-STAB", "Förvaltningsstaben", DEPARTMENT, "BUF", Hire("Stabschef"), 3,
        ("Controller", "Skoladministratör", "Utredare"), 0.85,
    ),
    UnitSpec(
        "BUF-FSK", "Förskoleavdelningen", DEPARTMENT, "BUF", Hire("Verksamhetschef förskola"),
        1, ("Utvecklingsledare",), 0.6,
    ),
    UnitSpec(
        "BUF-FSK-SOL", "Solrosens förskola", UNIT, "BUF-FSK", Hire("Rektor"), 7,
        ("Förskollärare", "Barnskötare"), 0.45,
    ),
    UnitSpec(
        "BUF-FSK-EK", "Ekbackens förskola", UNIT, "BUF-FSK", Hire("Rektor"), 6,
        ("Förskollärare", "Barnskötare"), 0.75,
    ),
    UnitSpec(
        "BUF-FSK-LUN", "Lundens förskola", UNIT, "BUF-FSK", Hire("Rektor"), 6,
        ("Barnskötare", "Förskollärare"), 0.3,
    ),
    UnitSpec(
        "BUF-GR", "Grundskoleavdelningen", DEPARTMENT, "BUF", Hire("Verksamhetschef grundskola"),
        1, ("Utvecklingsledare",), 0.8,
    ),
    UnitSpec(
        "BUF-GR-NORD", "Nordskolan", UNIT, "BUF-GR", "lisa.holm", 9,
        ("Lärare", "Fritidspedagog", "Speciallärare", "Elevassistent"), 0.88,
    ),
    UnitSpec(
        "BUF-GR-SODRA", "Södra skolan", UNIT, "BUF-GR", Hire("Rektor"), 9,
        ("Lärare", "Elevassistent", "Fritidspedagog"), 0.32,
    ),
    UnitSpec(
        "BUF-GR-ALM", "Almskolan", UNIT, "BUF-GR", Hire("Rektor"), 7,
        ("Lärare", "Fritidspedagog", "Speciallärare"), 0.7,
    ),
    UnitSpec(
        "BUF-GR-BJORK", "Björkhagsskolan", UNIT, "BUF-GR", Hire("Rektor"), 8,
        ("Lärare", "Elevassistent", "Fritidspedagog"), 0.55,
    ),
    UnitSpec(
        "BUF-GR-VAST", "Västra skolan", UNIT, "BUF-GR", Hire("Rektor"), 6,
        ("Lärare", "Fritidspedagog"), 0.9,
    ),
    UnitSpec(
        "BUF-GY", "Mittköpings gymnasieskola", UNIT, "BUF", Hire("Rektor"), 9,
        ("Gymnasielärare", "Studie- och yrkesvägledare", "Elevassistent"), 0.5,
    ),
    UnitSpec(
        "BUF-EH", "Elevhälsan", UNIT, "BUF", Hire("Elevhälsochef"), 4,
        ("Skolsköterska", "Kurator", "Skolpsykolog", "Specialpedagog"), 0.82,
    ),
    # --- Socialförvaltningen -------------------------------------------------------------
    UnitSpec("SOC", "Socialförvaltningen", ADMINISTRATION, "MK", "lena.oberg"),
    UnitSpec(
        "SOC-IFO", "Individ- och familjeomsorgen", DEPARTMENT, "SOC", Hire("Avdelningschef"),
        1, ("Utvecklingsledare",), 0.75,
    ),
    UnitSpec(
        "SOC-IFO-BOU", "Barn och unga", UNIT, "SOC-IFO", Hire("Enhetschef"), 6,
        ("Socialsekreterare", "Familjebehandlare"), 0.78,
    ),
    UnitSpec(
        "SOC-IFO-VUX", "Vuxenenheten", UNIT, "SOC-IFO", Hire("Enhetschef"), 4,
        ("Socialsekreterare", "Behandlare"), 0.6,
    ),
    UnitSpec(
        "SOC-IFO-EKB", "Ekonomiskt bistånd", UNIT, "SOC-IFO", Hire("Enhetschef"), 4,
        ("Socialsekreterare", "Budget- och skuldrådgivare"), 0.86,
    ),
    UnitSpec(
        "SOC-AO", "Äldreomsorgen", DEPARTMENT, "SOC", Hire("Verksamhetschef äldreomsorg"), 2,
        ("Biståndshandläggare", "Medicinskt ansvarig sjuksköterska"), 0.7,
    ),
    UnitSpec(
        "SOC-HT", "Hemtjänsten", UNIT, "SOC-AO", "amir.yusuf", 10,
        ("Undersköterska", "Vårdbiträde"), 0.42,
    ),
    UnitSpec(
        "SOC-HT-NATT", "Hemtjänst natt", UNIT, "SOC-HT", Hire("Samordnare nattpatrullen"), 4,
        ("Undersköterska",), 0.25,
    ),
    UnitSpec(
        "SOC-AO-SOLG", "Solgårdens äldreboende", UNIT, "SOC-AO", Hire("Enhetschef"), 9,
        ("Undersköterska", "Vårdbiträde", "Sjuksköterska"), 0.3,
    ),
    UnitSpec(
        "SOC-AO-TALL", "Tallbackens äldreboende", UNIT, "SOC-AO", Hire("Enhetschef"), 8,
        ("Undersköterska", "Sjuksköterska", "Vårdbiträde"), 0.65,
    ),
    UnitSpec(
        "SOC-LSS", "Funktionsstödsavdelningen", DEPARTMENT, "SOC", Hire("Avdelningschef"),
        1, ("Utvecklingsledare",), 0.7,
    ),
    UnitSpec(
        "SOC-LSS-BOS", "Bostad med särskild service", UNIT, "SOC-LSS", Hire("Enhetschef"), 6,
        ("Stödassistent", "Boendestödjare"), 0.45,
    ),
    UnitSpec(
        "SOC-LSS-DV", "Daglig verksamhet", UNIT, "SOC-LSS", Hire("Enhetschef"), 4,
        ("Arbetshandledare", "Stödassistent"), 0.6,
    ),
    # --- Samhällsbyggnadsförvaltningen ---------------------------------------------------
    UnitSpec(
        "SBF", "Samhällsbyggnadsförvaltningen", ADMINISTRATION, "MK",
        Hire("Samhällsbyggnadschef"), reads=0.6,
    ),
    UnitSpec(
        "SBF-PLAN", "Plan- och byggavdelningen", DEPARTMENT, "SBF", Hire("Plan- och byggchef"),
        5, ("Bygglovshandläggare", "Planarkitekt", "Byggnadsinspektör", "GIS-ingenjör"), 0.82,
    ),
    UnitSpec(
        "SBF-GATA", "Gatu- och parkavdelningen", DEPARTMENT, "SBF", Hire("Gatu- och parkchef"),
        6, ("Parkarbetare", "Maskinförare", "Gatuingenjör"), 0.3,
    ),
    UnitSpec(
        "SBF-VA", "VA-avdelningen", DEPARTMENT, "SBF", Hire("VA-chef"), 4,
        ("Drifttekniker", "VA-ingenjör"), 0.55,
    ),
    UnitSpec(
        "SBF-FAST", "Fastighetsavdelningen", DEPARTMENT, "SBF", Hire("Fastighetschef"), 4,
        ("Fastighetstekniker", "Fastighetsförvaltare", "Lokalvårdare"), 0.45,
    ),
    # --- Kultur- och fritidsförvaltningen ------------------------------------------------
    UnitSpec(
        "KFF", "Kultur- och fritidsförvaltningen", ADMINISTRATION, "MK",
        Hire("Kultur- och fritidschef"), reads=0.6,
    ),
    UnitSpec(
        "KFF-BIB", "Stadsbiblioteket", UNIT, "KFF", Hire("Bibliotekschef"), 4,
        ("Bibliotekarie", "Biblioteksassistent"), 0.9,
    ),
    UnitSpec(
        "KFF-FRI", "Fritidsavdelningen", DEPARTMENT, "KFF", Hire("Fritidschef"), 2,
        ("Fritidskonsulent", "Föreningssamordnare"), 0.6,
    ),
    UnitSpec(
        "KFF-UNG", "Ungdomens hus", UNIT, "KFF-FRI", Hire("Föreståndare"), 4,
        ("Fritidsledare",), 0.3,
    ),
    UnitSpec(
        "KFF-KS", "Kulturskolan", UNIT, "KFF", Hire("Kulturskolechef"), 4,
        ("Musiklärare", "Dramapedagog", "Danspedagog"), 0.5,
    ),
    # --- Miljö- och hälsoskyddsförvaltningen ---------------------------------------------
    UnitSpec(
        "MHF", "Miljö- och hälsoskyddsförvaltningen", ADMINISTRATION, "MK", Hire("Miljöchef"),
        reads=0.88,
    ),
    UnitSpec("MHF-MILJO", "Miljötillsyn", UNIT, "MHF", Hire("Enhetschef"), 3, ("Miljöinspektör",)),
    UnitSpec(
        "MHF-LIV", "Livsmedelskontroll", UNIT, "MHF", Hire("Enhetschef"), 3,
        ("Livsmedelsinspektör",), 0.95,
    ),
    UnitSpec(
        "MHF-HALSA", "Hälsoskydd", UNIT, "MHF", Hire("Enhetschef"), 3,
        ("Miljö- och hälsoskyddsinspektör",),
    ),
]  # fmt: skip

#: Who has left: (unit, which of its staff, counting from 0). They keep their history.
LEFT: tuple[tuple[str, int], ...] = (("SOC-AO-SOLG", 2), ("BUF-GR-BJORK", 4), ("SBF-GATA", 0))
#: Who moved last week: (unit, which of its staff, new unit, new title).
MOVED = ("KLF-KC", 1, "SOC-IFO-EKB", "Socialsekreterare")

# First names and surnames as common in Sweden today, including names from Finland, the
# Balkans, the Middle East and the Horn of Africa, as a municipality's staff list has them.
WOMEN = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Emma", "Kerstin", "Malin", "Jenny",
    "Linda", "Susanne", "Elin", "Johanna", "Annika", "Ida", "Camilla", "Helena", "Birgitta",
    "Ulla", "Therese", "Frida", "Emelie", "Amanda", "Julia", "Matilda", "Lina", "Caroline",
    "Jessica", "Petra", "Åsa", "Ebba", "Moa", "Agnes", "Cecilia", "Louise", "Josefin",
    "Katarina", "Sanna", "Mirja", "Fatima", "Amina", "Leila", "Hodan", "Zeynep", "Jelena",
    "Paula", "Märta", "Astrid", "Elsa",
)  # fmt: skip
MEN = (
    "Lars", "Anders", "Johan", "Erik", "Karl", "Peter", "Mikael", "Jan", "Thomas", "Daniel",
    "Fredrik", "Hans", "Stefan", "Mattias", "Magnus", "Andreas", "Niklas", "Martin", "Björn",
    "Oskar", "Henrik", "Marcus", "Viktor", "Simon", "Emil", "Linus", "Axel", "Olof", "Göran",
    "Ulf", "Tobias", "Pontus", "Sven", "Leif", "Rasmus", "Jesper", "Robin", "Kristoffer",
    "Mohammed", "Ahmed", "Omar", "Hassan", "Juha", "Mehmet", "Dragan", "Abdi", "Reza",
    "Pekka", "Åke", "Måns",
)  # fmt: skip
SURNAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Hansson", "Bengtsson",
    "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström", "Lindqvist",
    "Lindgren", "Axelsson", "Bergström", "Lundberg", "Lundgren", "Lundqvist", "Mattsson",
    "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Forsberg", "Wallin", "Engström",
    "Eklund", "Danielsson", "Håkansson", "Lundin", "Björk", "Gunnarsson", "Samuelsson",
    "Fransson", "Bergman", "Isaksson", "Nyberg", "Holmberg", "Arvidsson", "Löfgren",
    "Söderberg", "Blom", "Åberg", "Ström", "Hedlund", "Dahlberg", "Sundberg", "Hosseini",
    "Mohammadi", "Hassan", "Yilmaz", "Korhonen", "Virtanen", "Nieminen", "Petrović",
    "Hodžić", "Abdullahi", "Warsame", "Kaya", "Rahimi", "Ekström",
)  # fmt: skip


@attrs.frozen
class StaffMember:
    ref: str
    name: str
    title: str
    unit: str
    joined: int
    """Day offset on which they joined the unit (``-30`` is 30 days ago)."""


def ascii_ref(first: str, last: str) -> str:
    """``Åsa Hodžić`` → ``asa.hodzic``: the ref a directory would give them."""
    folded = unicodedata.normalize("NFKD", f"{first}.{last}".casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)).replace(" ", "")


def staff(taken: set[str], taken_names: set[str]) -> Iterator[tuple[StaffMember, bool]]:
    """Every person made for the demo, unit by unit, each with whether they manage it.
    ``taken`` (refs) and ``taken_names`` are the demo's named people, never repeated.
    Seeded: the same people every build."""
    rng = random.Random("mittkoping-staff")
    refs, names = set(taken), set(taken_names)

    def person(unit: UnitSpec, title: str) -> StaffMember:
        while True:
            first = rng.choice(WOMEN if rng.random() < 0.62 else MEN)  # as in the sector
            last = rng.choice(SURNAMES)
            name = f"{first} {last}"
            if name not in names:
                break
        names.add(name)
        ref, n = ascii_ref(first, last), 2
        while ref in refs:
            ref, n = f"{ascii_ref(first, last)}{n}", n + 1
        refs.add(ref)
        # Most have been here for years; a few started in the last weeks and have not yet
        # read anything (the intranet's "Att läsa" is full for them).
        joined = -rng.randint(8, 12) if rng.random() < 0.04 else -rng.randint(60, 4000)
        return StaffMember(ref, name, title, unit.ref, joined)

    for unit in UNITS:
        if isinstance(unit.manager, Hire):
            yield person(unit, unit.manager.title), True
        weights = [len(unit.titles) - i for i in range(len(unit.titles))]
        for _ in range(unit.staff):
            yield person(unit, rng.choices(unit.titles, weights)[0]), False


def reading_rates() -> dict[str, float]:
    """Each unit's share of staff who confirm what they are asked to read."""
    rates: dict[str, float] = {}
    for unit in UNITS:  # parents come before their units
        rate = unit.reads if unit.reads is not None else rates.get(unit.parent or "", 0.7)
        rates[unit.ref] = rate
    return rates
