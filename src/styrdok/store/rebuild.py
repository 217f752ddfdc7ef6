"""Domain objects rebuilt from rows the register stored, without checking them again.

Every value in a row went through the domain class when it was written: normalised by its
converters, checked by its validators and ``__attrs_post_init__`` (a word count computed
from the text, dates that hang together). Reading it back through the same constructor
repeats all of that on every read — for a page of 50 documents, about half of a request's
time in the intranet and the API. :func:`rebuilt` sets the fields directly instead, keeping
only what turns a stored value into the domain's type (an enum from its code, a tuple
from a JSON list, ``""`` for a text column left NULL); converters it does not know run as
they are.

This is the one place that trusts the store. Its promise — a rebuilt object equals the one
the constructor would give — is checked on every read while :data:`CHECK` is true, which
the test suite turns on (``tests/conftest.py``): every record any test reads is then built
both ways and compared. A derived value is read as it was stored (a document's word
count): a change to how it is derived needs a migration that derives it again.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs

from styrdok import fields, weblinks

T = TypeVar("T")

#: Build every record both ways and compare (the test suite turns it on).
CHECK = False


def _text(value: Any) -> Any:
    return "" if value is None else value


def _optional(value: Any) -> Any:
    return None if value == "" else value


def _tuple(values: Any) -> Any:
    return () if values is None else tuple(values)


#: A converter → what it still has to do to a value it once converted and the store kept.
#: Normalising text (Unicode NFC, stripping) was done before the value was stored.
_STORED_FORM: dict[Callable[[Any], Any], Callable[[Any], Any]] = {
    fields.norm: lambda value: value,
    fields.norm_text: _text,
    fields.norm_opt: _optional,
    fields.norm_tuple: _tuple,
    weblinks.norm_url: _optional,  # norm_opt, keeping a StoredUrl as it is
}


@functools.cache
def _plan(cls: Any) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    """Each field of ``cls`` with what turns its stored value into the field's value."""
    plan = []
    for field in attrs.fields(cls):
        converter = field.converter
        if converter is not None and not callable(converter):  # an attrs Converter object
            converter = converter.converter
        plan.append((field.name, _STORED_FORM.get(converter, converter)))
    return tuple(plan)


def rebuilt(cls: type[T], values: Mapping[str, Any]) -> T:
    """An instance of the attrs class ``cls`` with ``values`` (every field, as read from the
    store), without its validators or ``__attrs_post_init__``. ``KeyError`` names a field
    missing from ``values``: a reader must give them all."""
    obj = object.__new__(cls)
    for name, convert in _plan(typing.cast(Any, cls)):
        value = values[name]
        object.__setattr__(obj, name, value if convert is None else convert(value))
    if CHECK:
        _compare(cls, values, obj)
    return obj


def _compare(cls: type[T], values: Mapping[str, Any], obj: T) -> None:
    """Raise ``AssertionError`` when the constructor would build something else."""
    token = fields._STORED.set(True)  # read as a stored record is read
    try:
        checked = cls(**values)
    finally:
        fields._STORED.reset(token)
    # By type too: a StrEnum equals its code, but the domain promises the enum.
    differ = [
        name
        for name, _convert in _plan(typing.cast(Any, cls))
        if getattr(checked, name) != getattr(obj, name)
        or type(getattr(checked, name)) is not type(getattr(obj, name))
    ]
    if differ:
        raise AssertionError(f"{cls.__name__} rebuilt from the store differs in {differ}")
