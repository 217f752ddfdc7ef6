"""Finding people in text: the one matcher behind ``person anonymise`` (:mod:`styrdok.gdpr`)
and ``export --public`` (:mod:`styrdok.public`).

For a person *Anna Maria Lind*, ref ``anna.lind``, ``Anna.Lind@k.se``, it finds what a
careful human would strike out:

* the full name and the given + family name ("Anna Maria Lind", "Anna Lind"), in any case
  ("ANNA LIND", "anna lind"), with any Unicode white space between the parts (a no-break
  space U+00A0 or U+202F, a line break, a zero-width space), composed or decomposed (NFC or
  NFD "ä"), with ``-`` or a Unicode hyphen inside a double name ("Anna-Karin");
* the same in the Swedish genitive: an ``s`` ("Anna Linds beslut"), or, for a name ending
  in *s*, *x* or *z*, nothing or an apostrophe ("Lars Hans' beslut"); the forms ``:s`` and
  ``'s`` seen in practice are found too. The replacement gets its own genitive
  (``[person]:s``, ``IT-enhetens``) so the sentence still reads;
* a compound built on the name ("Anna Lind-utredningen" → "[person]-utredningen");
* the ref as a whole word (``anna.lind``, ``anna.lind:s``; in any case when it is written
  like ``anna.lind``, as refs are unique regardless of case — any other ref, such as
  ``bo``, only as stored, so the given name "Bo" stays), and as a mention ``@anna.lind`` or
  ``@bo`` in any case;
* the e-mail address in any case.

A match is a whole word: "Anna Lindgren", "Johanna Lind", "Anna Lind-Berg" (another family
name) and ``anna.lindqvist`` are not Anna Lind.

Deliberate limits:

* a given or family name alone ("Anna", "Lind") is not found: it is shared by too many
  people and too many words ("lind" is a tree), and removing every "Anna" would destroy the
  text. A one-word name of three or more letters is found as that word;
* neither initials ("A. Lind"), nicknames nor the reversed order ("Lind, Anna", which
  cannot be told from the end of one name and the start of the next in a list) are found;
* case is compared by Unicode simple case folding, so "ß" does not match "SS".

Speed: :class:`Scrubber` cuts a text into words once and looks them up in a dict keyed by
the two rarest words each mention needs (first and last word of a name; the words of a ref
or address), so a text is searched only for the few people it could name, with patterns
compiled the first time they are needed and namesakes searched once. The cost is linear in
the text whatever the number of people (one pattern alternating 20,000 names took 474 s on
a 10 %-scale register; a word that many people share, such as a family name or an
organisation code in every ref, does not make a text a candidate for all of them).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from styrdok.model import Person

_HYPHENS = "-\u2010\u2011"
_HYPHEN = "[-\u2010\u2011]"
_APOSTROPHE = "['\u2019]"
# Any Unicode white space (\s covers U+00A0, U+202F, U+2000–200A, line breaks) and the
# zero-width space and word joiner, which look like nothing or like a space.
_SPACE = "[\\s\u200b\u2060]+"
# Not inside a longer word (combining marks follow a letter in NFD text) or double name.
_NAME_BEFORE = "(?<![\\w\u2010\u2011-])"
_NAME_AFTER = r"(?![\w\u0300-\u036f])"
# Refs may contain dots and dashes (anna.lind, anna-lind): a match must not be part of a
# longer ref such as anna.lindqvist or anna.lind2; a dot that ends a sentence is not.
_REF_BEFORE = r"(?<![\w.@-])"
_REF_AFTER = r"(?![\w@-]|\.\w)"
_EMAIL_BEFORE = r"(?<![\w.+-])"
_EMAIL_AFTER = r"(?![\w-]|\.\w)"

#: Any e-mail address in free text (the public export removes even those of people who are
#: not in the register): ``local@domain.tld``, the domain ending at a letter or digit.
ANY_EMAIL = re.compile(rf"{_EMAIL_BEFORE}[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")

_WORD = re.compile(r"\w+")
# Texts already scrubbed, at most this many: the answer for one that did not change.
_SEEN_LIMIT = 200_000
_UNCHANGED = "\x00unchanged"
_ASCII_RUN = re.compile(r"[A-Za-z0-9]+")
# Person refs are written like anna.lind; document refs like POL-IS-01, body refs like KS.
_PERSON_STYLE = re.compile(r"\w\.\w")


@attrs.frozen
class Shown:
    """What replaces each way a person is mentioned."""

    name: str
    """For the name (a genitive ending is added when the name stood in the genitive)."""
    ref: str
    """For the ref standing as a word."""
    mention: str
    """For ``@ref``."""
    email: str
    """For their e-mail address."""

    @classmethod
    def all(cls, text: str) -> Shown:
        """The same text for every kind of mention."""
        return cls(name=text, ref=text, mention=text, email=text)


def genitive(word: str) -> str:
    """The Swedish genitive ending for ``word``: ``s`` after a letter, nothing after *s*, *x*
    or *z*, ``:s`` after a digit, a symbol or an upper-case abbreviation (``HR:s``,
    ``[person]:s``, ``anon-1a2b:s``)."""
    last = word.rsplit(None, 1)[-1] if word.strip() else ""
    if not last or not last[-1].isalpha() or last[-1].isupper() or any(c.isdigit() for c in last):
        return ":s"
    return "" if last[-1] in "sxz" else "s"


def _nfc(text: str) -> str:
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def _letters(part: str) -> str:
    """A name part as a pattern: composed or decomposed letters, any hyphen, any apostrophe."""
    out = []
    for char in part:
        if char in _HYPHENS:
            out.append(_HYPHEN)
        elif char in "'\u2019":
            out.append(_APOSTROPHE)
        else:
            decomposed = unicodedata.normalize("NFD", char)
            out.append(
                re.escape(char)
                if decomposed == char
                else f"(?:{re.escape(char)}|{re.escape(decomposed)})"
            )
    return "".join(out)


def name_forms(name: str) -> list[list[str]]:
    """The forms of ``name`` that are searched for, as lists of parts, longest first: the
    full name and the given + family name; nothing for a name too short to be told from a
    word."""
    parts = _nfc(name).split()
    if len(parts) == 1:
        return [parts] if len(parts[0]) >= 3 else []
    if not parts:
        return []
    forms = [parts]
    if len(parts) > 2:
        forms.append([parts[0], parts[-1]])
    return forms


def name_pattern(person: Person) -> re.Pattern[str] | None:
    """The pattern finding ``person``'s name (see the module docstring), with the groups
    ``name`` and ``gen`` (its genitive ending); ``None`` for a name too short to search."""
    forms = name_forms(person.name)
    if not forms:
        return None
    names = "|".join(_SPACE.join(_letters(p) for p in form) for form in forms)
    if forms[0][-1][-1].casefold() in "sxz":
        ending = rf"{_APOSTROPHE}s?|:s"
    else:
        ending = rf"{_APOSTROPHE}?s|:s"
    return re.compile(rf"{_NAME_BEFORE}(?i:(?P<name>{names})(?P<gen>{ending})?){_NAME_AFTER}")


def handle_pattern(person: Person) -> re.Pattern[str]:
    """The pattern finding ``person``'s ref, ``@ref`` and e-mail address, with the groups
    ``mention``, ``ref`` and ``email``."""
    ref = re.escape(person.ref)
    # Refs are unique regardless of case, so one written like anna.lind is hers in any case
    # ("Anna.Lind"). Any other only as stored: "bo" is not the name Bo, and a person ref
    # such as pol-1 must never rewrite the document ref POL-1 in a stored record.
    as_stored = rf"(?P<ref>{ref})"
    if _PERSON_STYLE.search(person.ref):
        as_stored = f"(?i:{as_stored})"
    branches = [
        rf"{_REF_BEFORE}(?i:(?P<mention>@{ref})){_REF_AFTER}",
        rf"{_REF_BEFORE}{as_stored}{_REF_AFTER}",
    ]
    if person.email:
        branches.append(rf"{_EMAIL_BEFORE}(?i:(?P<email>{re.escape(person.email)})){_EMAIL_AFTER}")
    return re.compile("|".join(branches))


def _name_needs(person: Person) -> list[tuple[str, ...]]:
    """The words (case-folded, NFC) every mention of the name holds, each as its possible
    spellings: the last word of the name (also with the genitive ``s``) and the first."""
    if forms := name_forms(person.name):
        words = _WORD.findall(_nfc(" ".join(forms[0])).casefold())
        if len(words) == 1:
            return [(words[0], words[0] + "s")]
        if words:
            return [(words[-1], words[-1] + "s"), (words[0],)]
    return []


def _handle_needs(person: Person) -> list[list[tuple[str, ...]]]:
    """The same for the ref (and ``@ref``) and for the address: every word of them."""
    found: list[list[tuple[str, ...]]] = []
    for handle in (person.ref, person.email or ""):
        if words := list(dict.fromkeys(_WORD.findall(handle.casefold()))):
            found.append([(word,) for word in words])
    return found


def needles(person: Person) -> list[str]:
    """Substrings of which every stored text that mentions ``person`` in any of the ways
    :func:`name_pattern` and :func:`handle_pattern` find holds at least one, compared
    ASCII-case-insensitively (as the stores' ``icontains`` does; JSON may escape non-ASCII
    letters, never ASCII ones): the ref, the address, and the longest run of ASCII letters
    and digits in the first or last word of the name ("rnstr" for "Tove Tärnström" is in
    "TOVE TÄRNSTRÖMS", in NFD and across a no-break space). A name without two ASCII
    letters in a row falls back to its first and last word as typed, in lower, upper and
    title case, NFC and NFD (a mixed case such as "ёЛКИН" is then missed)."""
    found = [person.ref, person.name]
    if person.email:
        found.append(person.email)
    forms = name_forms(person.name)
    if forms:
        ends = list(dict.fromkeys([forms[0][-1], forms[0][0]]))  # family name first
        runs = [run for part in ends for run in _ASCII_RUN.findall(part)]
        best = max(runs, key=len, default="")  # the first of the longest
        if len(best) >= 2:
            found.append(best)
        else:
            for part in ends:
                for case in (part, part.lower(), part.upper(), part.title()):
                    found += [case, unicodedata.normalize("NFD", case)]
    return list(dict.fromkeys(found))


class Scrubber:
    """Replaces every mention of the given people in text, and optionally any other e-mail
    address, in one pass over the original text (a replacement is never searched again)."""

    def __init__(
        self, people: Iterable[tuple[Person, Shown]], *, any_email: str | None = None
    ) -> None:
        self._people: list[tuple[Person, Shown]] = list(people)
        self._patterns: dict[int, re.Pattern[str] | None] = {}
        self._any_email = any_email
        self._seen: dict[str, str] = {}
        # What is searched for is a target: 2 × i for person i's name, 2 × i + 1 for their
        # ref and address. A text is searched for a target only if it holds the two rarest
        # words every mention needs (most texts hold none; a family name or organisation
        # code that many share does not make every text holding it a candidate for all).
        needs: list[tuple[int, list[tuple[str, ...]]]] = []
        names: set[str] = set()
        for i, (person, _) in enumerate(self._people):
            name = " ".join(_nfc(person.name).casefold().split())
            if name not in names:  # a namesake given later would never win a match
                names.add(name)
                needs.append((2 * i, _name_needs(person)))
            needs += [(2 * i + 1, handle) for handle in _handle_needs(person)]
        counts = Counter(w for _, need in needs for spellings in need for w in spellings)
        self._index: dict[str, dict[str, set[int]]] = {}
        for target, need in needs:
            if not need:
                continue
            rare = sorted(need, key=lambda spellings: (counts[spellings[0]], spellings))
            for first in rare[0]:
                sub = self._index.setdefault(first, {})
                for second in rare[1] if len(rare) > 1 else ("",):
                    sub.setdefault(second, set()).add(target)
        self._firsts = frozenset(self._index)

    def _pattern(self, target: int) -> re.Pattern[str] | None:
        if target in self._patterns:
            return self._patterns[target]
        person = self._people[target // 2][0]
        found = self._patterns[target] = (
            handle_pattern(person) if target % 2 else name_pattern(person)
        )
        return found

    def _candidates(self, text: str) -> list[int]:
        words = _WORD.findall(_nfc(text).casefold())
        firsts = self._firsts.intersection(words)
        if not firsts:
            return []
        found: set[int] = set()
        present = set(words)
        for first in firsts:
            sub = self._index[first]
            if "" in sub:
                found |= sub[""]
            for second in sub.keys() & present:
                found |= sub[second]
        return sorted(found)

    def _matches(self, text: str) -> Iterator[tuple[int, int, int, str]]:
        """(start, end, priority, replacement) for every mention, overlapping or not."""
        for target in self._candidates(text):
            found = self._pattern(target)
            if found is None:
                continue
            i = target // 2
            shown = self._people[i][1]
            for match in found.finditer(text):
                start, end = match.span()
                if target % 2 == 0:
                    if not _double_name_follows(text, end):
                        ending = genitive(shown.name) if match["gen"] else ""
                        yield start, end, i, shown.name + ending
                elif match["mention"] is not None:
                    yield start, end, i, shown.mention
                elif match["ref"] is not None:
                    yield start, end, i, shown.ref
                else:
                    yield start, end, i, shown.email
        if self._any_email is not None and "@" in text:
            last = len(self._people)
            for match in ANY_EMAIL.finditer(text):
                yield match.start(), match.end(), last, self._any_email

    def text(self, text: str) -> str:
        """``text`` with every mention replaced (the same object when there is none).
        Where mentions overlap, the earliest wins, then the longest, then the person given
        first."""
        done = self._seen.get(text)
        if done is not None:
            return text if done is _UNCHANGED else done
        result = self._scrub(text)
        if len(self._seen) < _SEEN_LIMIT:  # registers repeat short texts ("SEK", "approved")
            self._seen[text] = _UNCHANGED if result is text else result
        return result

    def _scrub(self, text: str) -> str:
        found = sorted(self._matches(text), key=lambda m: (m[0], -m[1], m[2]))
        if not found:
            return text
        out: list[str] = []
        done = 0
        for start, end, _, replacement in found:
            if start >= done:
                out += [text[done:start], replacement]
                done = end
        out.append(text[done:])
        return "".join(out)

    def __call__(self, value: Any) -> Any:
        """Any value with its text scrubbed, through lists and dict values of any depth;
        a value that mentions no one is returned as it is (the same object)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            changed = {k: self(v) for k, v in value.items()}
            return value if all(changed[k] is v for k, v in value.items()) else changed
        if isinstance(value, list):
            items = [self(v) for v in value]
            return value if all(a is b for a, b in zip(items, value, strict=True)) else items
        return value


def _double_name_follows(text: str, end: int) -> bool:
    # "Anna Lind-Berg" is someone else; "Anna Lind-utredningen" is about Anna Lind.
    return end + 1 < len(text) and text[end] in _HYPHENS and text[end + 1].isupper()
