"""A deterministic synthetic national register: 290 municipalities and 21 regions.

At scale 1.0: 311 organisations × ~1,000 governing documents ≈ 311,000 documents and
1,000,000 dispensations, with realistic dates: review intervals of 12/24/36/48 months,
a good share overdue (as in real registers), dispensations in every state. The same seed
always gives the same register, so runs are comparable.

Output is a styrdok export file (the input of ``styrdok import``), written as a stream.
``rows()`` yields the same records as table rows, for the raw-SQL baseline.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

TODAY = dt.date(2026, 11, 22)
ORGANISATIONS = [f"K{n:04d}" for n in range(290)] + [f"R{n:02d}" for n in range(21)]
PEOPLE_PER_ORG = 20
BODIES = [
    ("KF", "council"),
    ("KS", "executive_board"),
    ("BUN", "committee"),
    ("SN", "committee"),
    ("KLF", "administration"),
]
DOC_TYPES = [
    "policy",
    "strategy",
    "programme",
    "plan",
    "action_plan",
    "guideline",
    "rule",
    "routine",
    "instruction",
    "charter",
    "ordinance",
    "tariff",
]
DOC_WEIGHTS = [8, 3, 3, 6, 5, 25, 8, 25, 10, 2, 3, 2]
DISP_STATES = ["approved", "expired", "closed", "revoked", "rejected", "requested"]
DISP_WEIGHTS = [30, 40, 10, 5, 10, 5]


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, 28))


# Words of governing documents; texts are sentences of these and of compounds of two,
# so a search meets common words, rarer compounds and prefixes, as in real registers.
_PARAGRAPH = (
    "kommun förvaltning nämnd verksamhet medarbetare chef ansvar beslut uppföljning risk "
    "information säkerhet personuppgifter dokument avtal upphandling leverantör system "
    "tjänst moln lagring behörighet lösenord inloggning incident rapport arkiv diarium "
    "elev skola omsorg brukare vård stöd ekonomi budget kostnad investering miljö klimat "
    "energi fastighet lokal fordon resa kommunikation webb publicering sociala medier "
    "telefon dator utrustning utbildning kompetens rekrytering lön arbetsmiljö hälsa "
    "jämställdhet tillgänglighet delaktighet trygghet krisberedskap kontinuitet styrning "
    "granskning revision kontroll avvikelse åtgärd plan mål strategi rutin riktlinje policy"
)
WORDS = tuple(_PARAGRAPH.split())
SENTENCE_WORDS = (8, 16)


def _vocabulary() -> tuple[list[str], list[float]]:
    """The words of every text and their cumulative weights: the base words and every
    compound of two, in a fixed shuffled order, drawn by Zipf's law (the n-th most common
    word 1/n as often as the most common), as words are in real texts — a few in every
    document, most in a few."""
    words = list(WORDS) + [a + b for a in WORDS for b in WORDS if a != b]
    random.Random(1122).shuffle(words)
    cumulative, total = [], 0.0
    for rank in range(len(words)):
        total += 1 / (rank + 1)
        cumulative.append(total)
    return words, cumulative


VOCABULARY, CUMULATIVE = _vocabulary()


def zipf_words(rng: random.Random, count: int) -> list[str]:
    """``count`` words drawn from the vocabulary by Zipf's law."""
    return rng.choices(VOCABULARY, cum_weights=CUMULATIVE, k=count)


def text_for(rng: random.Random, words: int = 300) -> str:
    """A document text of about ``words`` words: Markdown paragraphs under a heading."""
    out, count = [f"## {rng.choice(WORDS).capitalize()}"], 0
    while count < words:
        size = rng.randint(*SENTENCE_WORDS)
        out.append(" ".join(zipf_words(rng, size)).capitalize() + ".")
        count += size
    return "\n\n".join(out)


class Register:
    """The synthetic register at a given scale (1.0 = national); with ``text``, every
    document gets a text of about 300 words (for the search bench)."""

    def __init__(self, scale: float = 1.0, seed: int = 20261122, *, text: bool = False) -> None:
        self.scale = scale
        self.seed = seed
        self.text = text
        self.docs_per_org = max(3, round(1000 * scale))
        self.dispensations = max(10, round(1_000_000 * scale))
        self.organisations = ORGANISATIONS

    # --- records as styrdok export data ---------------------------------------------------

    def persons(self) -> Iterator[dict[str, Any]]:
        for org in self.organisations:
            for n in range(PEOPLE_PER_ORG):
                yield {
                    "ref": f"{org}.p{n:02d}",
                    "name": f"Person {n} i {org}",
                    "email": f"p{n}@{org.lower()}.example",
                    "unit": f"{org} enhet {n % 5}",
                    "title": "Handläggare",
                    "is_admin": n == 0,
                }

    def bodies(self) -> Iterator[dict[str, Any]]:
        for org in self.organisations:
            for code, level in BODIES:
                yield {
                    "ref": f"{org}-{code}",
                    "name": f"{code} {org}",
                    "level": level,
                    "contact": f"{org}.p00",
                }

    def _documents(self) -> Iterator[tuple[dict[str, Any], bool]]:
        rng = random.Random(self.seed)
        for org in self.organisations:
            for n in range(self.docs_per_org):
                doc_type = rng.choices(DOC_TYPES, DOC_WEIGHTS)[0]
                interval = rng.choice((12, 24, 36, 48))
                decided = TODAY - dt.timedelta(days=rng.randint(30, 6 * 365))
                status = rng.choices(("in_force", "draft", "repealed"), (92, 5, 3))[0]
                # Reviews keep some documents on time; many slip, as in real registers.
                next_review = _add_months(decided, interval)
                while next_review < TODAY - dt.timedelta(days=400) and rng.random() < 0.8:
                    next_review = _add_months(next_review, interval)
                allowed = rng.random() < 0.3
                owner, guardian = rng.sample(range(PEOPLE_PER_ORG), 2)
                body = rng.choice(BODIES)[0]
                valid_until = (
                    TODAY + dt.timedelta(days=rng.randint(-100, 900))
                    if rng.random() < 0.1
                    else None
                )
                doc = {
                    "ref": f"{org}-{doc_type[:4].upper()}-{n:04d}",
                    "title": f"{doc_type.capitalize()} {n} för {org}",
                    "doc_type": doc_type,
                    "owner": f"{org}.p{owner:02d}",
                    "guardian": f"{org}.p{guardian:02d}",
                    "status": status,
                    "version": 0 if status == "draft" else 1,
                    "adopted_by": None if status == "draft" else f"{org}-{body}",
                    "decided_on": None if status == "draft" else decided.isoformat(),
                    "minute_ref": None if status == "draft" else f"§ {rng.randint(1, 250)}",
                    "registry_number": f"{body} {decided.year}/{rng.randint(1, 999)}",
                    "purpose": "Att styra verksamheten tydligt.",
                    "intended_effects": "Likabehandling och kvalitet.",
                    "audience": "Medarbetare",
                    "applies_to": [f"{org} alla"],
                    "limits": "",
                    "follow_up": {"method": "Årlig uppföljning", "by": "KS"},
                    "review_interval_months": interval,
                    "next_review_on": next_review.isoformat(),
                    "valid_until": valid_until.isoformat() if valid_until else None,
                    "non_compliance": "Avvikelse rapporteras.",
                    "dispensation_rules": {
                        "allowed": allowed,
                        "requirements": "",
                        "approvers": [],
                        "max_duration_days": 365,
                        "max_renewals": 1,
                    },
                    "faq": [{"question": "Vem frågar jag?", "answer": "Väktaren."}],
                    "parent": None,
                    "supersedes": None,
                    "related": [],
                    "text_url": None,
                    "word_count": rng.randint(300, 6000),
                    "reminder_offsets": None,
                    "revision": 1,
                }
                if self.text:
                    doc["text"] = text_for(rng)
                    del doc["word_count"]
                yield doc, allowed and status == "in_force"

    def documents(self) -> Iterator[dict[str, Any]]:
        for doc, _ in self._documents():
            yield doc

    def dispensations_(self) -> Iterator[dict[str, Any]]:
        targets = [
            (doc["ref"], doc["owner"], doc["guardian"]) for doc, takes in self._documents() if takes
        ]
        rng = random.Random(self.seed + 1)
        counters: dict[int, int] = {}
        for _ in range(self.dispensations):
            ref, _owner, guardian = rng.choice(targets)
            org = ref.split("-")[0]
            status = rng.choices(DISP_STATES, DISP_WEIGHTS)[0]
            if status in ("approved", "requested"):
                start = TODAY - dt.timedelta(days=rng.randint(-30, 300))
            else:
                start = TODAY - dt.timedelta(days=rng.randint(200, 1100))
            end = start + dt.timedelta(days=rng.randint(30, 364))
            if status == "approved" and end < TODAY:
                end = TODAY + dt.timedelta(days=rng.randint(0, 120))
            requested = start - dt.timedelta(days=rng.randint(5, 40))
            counters[requested.year] = counters.get(requested.year, 0) + 1
            requester = f"{org}.p{rng.randint(2, PEOPLE_PER_ORG - 1):02d}"
            decided = status != "requested"
            ended = {
                "expired": end + dt.timedelta(days=1),
                "closed": start + (end - start) / 2,
                "revoked": start + (end - start) / 3,
            }.get(status)
            cost = rng.random() < 0.5
            yield {
                "ref": f"D-{requested.year}-{counters[requested.year]:04d}",
                "document_ref": ref,
                "scope": f"Undantag för pilot {counters[requested.year]}",
                "requested_by": requester,
                "requested_on": requested.isoformat(),
                "responsible": requester,
                "valid_from": start.isoformat(),
                "valid_until": end.isoformat(),
                "funding": {
                    "funded_by": "Verksamhetens budget" if cost else None,
                    "estimated_cost": f"{rng.randint(0, 90000)}.00" if cost else None,
                    "currency": "SEK",
                    "no_extra_cost": not cost,
                    "note": "",
                },
                "status": status,
                "applies_to": [f"{org} enhet {rng.randint(0, 4)}"],
                "clause": "",
                "limits": "",
                "justification": "Behövs för piloten.",
                "conditions": "",
                "decision": {
                    "by": guardian,
                    "on": (requested + dt.timedelta(days=3)).isoformat(),
                    "reasoning": "",
                    "delegated": False,
                    "reported_to": None,
                }
                if decided
                else None,
                "renewal_of": None,
                "ended_on": ended.isoformat() if ended else None,
                "end_reason": "",
                "evaluation": None,
                "revision": 1,
            }

    # --- output ------------------------------------------------------------------------------

    def write_export(self, out: IO[str]) -> dict[str, int]:
        """The register as a styrdok export file, streamed."""
        counts: dict[str, int] = {}
        out.write('{"format": "styrdok-export", "version": 1')
        sections = (
            ("persons", self.persons()),
            ("bodies", self.bodies()),
            ("documents", self.documents()),
            ("document_versions", iter(())),
            ("reviews", iter(())),
            ("dispensations", self.dispensations_()),
            ("questions", iter(())),
        )
        for name, records in sections:
            out.write(f',\n"{name}": [')
            count = 0
            for record in records:
                out.write("\n" if count == 0 else ",\n")
                out.write(json.dumps(record, ensure_ascii=False, sort_keys=True))
                count += 1
            out.write("\n]" if count else "]")
            counts[name] = count
        out.write("\n}\n")
        return counts


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    with args.output.open("w", encoding="utf-8") as handle:
        print(Register(args.scale).write_export(handle))


if __name__ == "__main__":
    main()
