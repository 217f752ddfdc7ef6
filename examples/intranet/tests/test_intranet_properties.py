"""Generated input through the intranet's forms: whatever a browser sends, the answer is a
page (never a server error), and the register keeps its invariants after every request."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from intranet_support import DEMO_NOW, SECRET, make_app
from styrdok_intranet.identity import form_token

from styrdok.demo import build_demo
from styrdok.registry import Registry

PROXY = {"REMOTE_ADDR": "127.0.0.1"}
PEOPLE = st.sampled_from(["sara.jansson", "erik.makinen", "anna.lind", "nobody.here"])
DOCUMENTS = st.sampled_from(["RIKT-MOLN-SKOLA", "POL-IS-01", "NO-SUCH-DOC", "pol-is-01"])
#: Any text a browser could send: every Unicode category, long or empty, with line breaks.
TEXT = st.text(st.characters(codec="utf-8"), max_size=6_000) | st.sampled_from(
    ["", "   ", "\r\n", "x" * 5_001, "Fråga\u202e?", "Fråga\u200b?", "=HYPERLINK(1)"]
)

_template: Path | None = None


def _demo_copy() -> Path:
    """A copy of one demo register (building it per example would be slow)."""
    global _template
    if _template is None:
        _template = Path(tempfile.mkdtemp(prefix="styrdok-intranet-props-")) / "demo.db"
        with Registry.open(_template, create=True) as registry:
            build_demo(registry, today=DEMO_NOW.date())
    target = Path(tempfile.mkdtemp(prefix="styrdok-intranet-prop-")) / "demo.db"
    shutil.copy(_template, target)
    return target


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    asker=PEOPLE,
    document=DOCUMENTS,
    question=TEXT,
    answerer=PEOPLE,
    answer=TEXT,
    faq=st.booleans(),
    question_id=st.integers(min_value=-(2**70), max_value=2**70),
)
def test_forms_answer_with_a_page_and_keep_the_register_sound(
    asker: str,
    document: str,
    question: str,
    answerer: str,
    answer: str,
    faq: bool,
    question_id: int,
) -> None:
    """Ask and answer with generated text, people and ids: every response is a redirect or
    a 4xx page, never a 5xx; stored text is clean; the audit chain verifies and counts
    exactly the changes made."""
    db = _demo_copy()
    try:
        web = make_app(db).test_client()
        with Registry.open(db) as registry:
            events_before = registry.verify_audit().events

        def post(user: str, url: str, data: dict[str, str]) -> int:
            response = web.post(
                url,
                data={**data, "token": form_token(SECRET, user)},
                headers={"X-Remote-User": user},
                environ_base=PROXY,
            )
            return response.status_code

        changes = 0
        asked = post(asker, f"/dokument/{document}/fraga", {"text": question})
        assert asked < 500, asked
        changes += asked == 302
        with Registry.open(db) as registry:
            newest = max((q.id or 0 for q in registry.questions()), default=0)
        for target in (newest, question_id):
            status = post(
                answerer,
                f"/fragor/{target}/svar",
                {"answer": answer, **({"faq": "ja"} if faq else {})},
            )
            assert status < 500, status
            changes += status == 302
        with Registry.open(db) as registry:
            chain = registry.verify_audit()
            assert chain.broken is None
            assert (chain.events > events_before) == (changes > 0)
            for stored in registry.questions():
                assert stored.text.strip() and "\r" not in stored.text
                assert stored.answer is None or (
                    stored.answer.strip() and "\r" not in stored.answer
                )
    finally:
        shutil.rmtree(db.parent, ignore_errors=True)
