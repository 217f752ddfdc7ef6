"""An annulment: a decision or an adoption recorded by mistake, declared void with a reason.

Nothing annulled is erased. The annulled version of a document and the annulled decision on
a dispensation stay in the register, each carrying an :class:`Annulment` that says who
annulled it, when and why (see :mod:`styrdok.usecases.corrections`). Re-exported by
:mod:`styrdok.model`, the usual place to import it from.
"""

from __future__ import annotations

import datetime as dt

import attrs

from styrdok import fields

#: The longest reason for an annulment, in characters.
REASON_MAX = 2_000


@attrs.frozen
class Annulment:
    """Who annulled a decision or an adoption recorded by mistake, when and why."""

    by: str = attrs.field(validator=fields.ref)
    """The person who annulled it: an administrator, or whoever made the decision."""
    on: dt.date = attrs.field(validator=fields.day)
    """The day it was annulled."""
    reason: str = attrs.field(
        converter=fields.norm_text, validator=fields.required_text(REASON_MAX)
    )
    """Why: what the mistake was (wrong document, wrong meeting, wrong request)."""
