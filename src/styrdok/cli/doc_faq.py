"""``styrdok doc faq add|edit|remove|list``: a document's FAQ, one entry at a time.

On a document in force each change is a new version from today, so what the FAQ said on
any day stays answerable (``doc show REF --on DATE``). Registered on the ``doc`` group in
:mod:`styrdok.cli.doc`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from styrdok.cli.app import App, StyrdokGroup, pass_app
from styrdok.cli.output import done, emit_rows, said
from styrdok.cli.params import EXPECT_REVISION
from styrdok.enums import DocStatus
from styrdok.labels import N_

if TYPE_CHECKING:
    from styrdok.model import Document


@click.group("faq", cls=StyrdokGroup)
def doc_faq() -> None:
    """A document's FAQ, one entry at a time (each change to a document in force is a new
    version)."""


@doc_faq.command("list")
@click.argument("ref")
@pass_app
def faq_list(app: App, ref: str) -> None:
    """The FAQ of a document, numbered as edit and remove take them.

    \b
    Example:
      styrdok doc faq list RIKT-SOC-01
    """
    document = app.registry().get_document(ref)
    emit_rows(
        (
            {"number": n, "question": e.question, "answer": e.answer}
            for n, e in enumerate(document.faq, 1)
        ),
        [("number", N_("NR")), ("question", N_("QUESTION")), ("answer", N_("ANSWER"))],
        app.fmt,
        empty=said("{ref} has no FAQ yet.", ref=ref),
    )


@doc_faq.command("add")
@click.argument("ref")
@click.option("--question", required=True, help="The question, as people ask it.")
@click.option("--answer", required=True, help="The answer.")
@EXPECT_REVISION
@pass_app
def faq_add(app: App, ref: str, question: str, answer: str, expect_revision: int | None) -> None:
    """Add a question and its answer at the end of the FAQ.

    \b
    Example:
      styrdok --as maria.nystrom doc faq add RIKT-SOC-01 \\
          --question "Får jag dela kollegors inlägg?" --answer "Ja, om inlägget är publikt."
    """
    stored = app.registry().add_faq_entry(
        ref, question=question, answer=answer, actor=app.actor, expected_revision=expect_revision
    )
    done(_changed(stored, len(stored.faq), ADDED), stored, app.fmt)


@doc_faq.command("edit")
@click.argument("ref")
@click.argument("number", type=click.IntRange(1))
@click.option("--question", help="The new wording of the question.")
@click.option("--answer", help="The new answer.")
@EXPECT_REVISION
@pass_app
def faq_edit(
    app: App,
    ref: str,
    number: int,
    question: str | None,
    answer: str | None,
    expect_revision: int | None,
) -> None:
    """Reword entry NUMBER (see `doc faq list`): its question, its answer or both.

    \b
    Example:
      styrdok --as maria.nystrom doc faq edit RIKT-SOC-01 1 \\
          --answer "Ja, efter anmälan till kommunikationsenheten och en utbildning."
    """
    if question is None and answer is None:
        raise click.UsageError(said("give --question, --answer or both"))
    stored = app.registry().edit_faq_entry(
        ref,
        number,
        question=question,
        answer=answer,
        actor=app.actor,
        expected_revision=expect_revision,
    )
    done(_changed(stored, number, CHANGED), stored, app.fmt)


@doc_faq.command("remove")
@click.argument("ref")
@click.argument("number", type=click.IntRange(1))
@EXPECT_REVISION
@pass_app
def faq_remove(app: App, ref: str, number: int, expect_revision: int | None) -> None:
    """Remove entry NUMBER (see `doc faq list`).

    \b
    Example:
      styrdok --as maria.nystrom doc faq remove RIKT-SOC-01 2
    """
    stored = app.registry().remove_faq_entry(
        ref, number, actor=app.actor, expected_revision=expect_revision
    )
    done(_changed(stored, number, REMOVED), stored, app.fmt)


#: What became of an FAQ entry: the message, and the message for a document in force.
ADDED = (
    N_("FAQ entry {number} of {ref} added."),
    N_("FAQ entry {number} of {ref} added: version {version} is in force from today."),
)
CHANGED = (
    N_("FAQ entry {number} of {ref} changed."),
    N_("FAQ entry {number} of {ref} changed: version {version} is in force from today."),
)
REMOVED = (
    N_("FAQ entry {number} of {ref} removed."),
    N_("FAQ entry {number} of {ref} removed: version {version} is in force from today."),
)


def _changed(document: Document, number: int, messages: tuple[str, str]) -> str:
    in_force = document.status is DocStatus.IN_FORCE
    return said(messages[in_force], number=number, ref=document.ref, version=document.version)
