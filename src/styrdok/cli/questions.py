"""``styrdok ask``, ``answer`` and ``questions``: questions to a document's guardian."""

from __future__ import annotations

import click

from styrdok.cli.app import App, pass_app
from styrdok.cli.output import done, emit_rows, said
from styrdok.labels import N_


@click.command()
@click.argument("document")
@click.argument("text")
@pass_app
def ask(app: App, document: str, text: str) -> None:
    """Ask a document's guardian a question.

    \b
    Example:
      styrdok --as sara.jansson ask RIKT-SOC-01 "Får jag använda min privata telefon?"
    """
    question = app.registry().ask(document, text, actor=app.actor)
    done(
        said("Question {id} sent to the guardian of {ref}.", id=question.id, ref=document),
        question,
        app.fmt,
    )


@click.command()
@click.argument("question_id", type=int)
@click.argument("text")
@click.option("--faq", is_flag=True, help="Also add the answer to the document's FAQ.")
@pass_app
def answer(app: App, question_id: int, text: str, faq: bool) -> None:
    """Answer a question (the guardian or the owner).

    \b
    Example:
      styrdok --as gustav.berg answer 4 "Ja, med kommunens app för MFA." --faq
    """
    question = app.registry().answer(question_id, text, actor=app.actor, promote_to_faq=faq)
    done(
        said("Answered question {id} and added it to the FAQ.", id=question_id)
        if faq
        else said("Answered question {id}.", id=question_id),
        question,
        app.fmt,
    )


@click.command()
@click.option("--guardian", metavar="PERSON", help="Only the questions this person answers.")
@pass_app
def questions(app: App, guardian: str | None) -> None:
    """Unanswered questions, most asked first per guardian. The same question asked by
    several people is counted once; answer it with `styrdok answer ID "…" --faq`.

    \b
    Examples:
      styrdok questions
      styrdok questions --guardian gustav.berg
    """
    groups = app.registry().open_questions(guardian=guardian)
    emit_rows(
        (
            {"guardian": g.guardian, "document": g.document_ref, "asked": g.asked,
             "since": g.first_asked_on, "ids": list(g.question_ids), "question": g.text}
            for g in groups
        ),
        [("guardian", N_("GUARDIAN")), ("document", N_("DOCUMENT")), ("asked", N_("ASKED")),
         ("since", N_("SINCE")), ("ids", N_("IDS")), ("question", N_("QUESTION"))],
        app.fmt,
        empty=N_("No unanswered questions."),
    )  # fmt: skip
