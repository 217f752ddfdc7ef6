"""Links (issue 14): a URL field holds only a web address a reader may safely click.

`javascript:`, `data:`, `vbscript:`, `file:` and every other non-web scheme, addresses
without a host, with `user:pass@`, spaces, control or invisible characters, a backslash, or
longer than 2,000 characters are refused with one line naming the field — whichever edge
they come from. A link stored before the rule stays readable (never rendered as a link by
the intranet, see examples/intranet/tests/test_intranet_security.py).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa

from conftest import NOW, day, policy
from styrdok import InvalidValue
from styrdok.enums import DocStatus
from styrdok.model import Document
from styrdok.registry import Registry
from styrdok.testing.contract_data import revise
from styrdok.weblinks import MAX_URL_LENGTH, StoredUrl, check_web_url, is_web_url, stored_url

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    "javascript://kommun.se/%0aalert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///C:/Windows/system32",
    "file://server/share/policy.docx",
    "ftp://kommun.se/policy.pdf",
    "mailto:someone@kommun.se",
    "//evil.example/x",
    "/styrdokument/pol-1",
    "kommun.se/styrdokument",
    "https:evil.example",
    "https:///evil.example",
    "https://",
    "https://user:secret@kommun.se/pol-1",
    "https://kommun.se@evil.example/",
    "https://kommun.se\\@evil.example/",
    "https://kommun.se/pol 1",
    "https://kommun.se/pol\t1",
    "https://kommun.se/\u202egnp.exe",
    "https://kommun.se/\u200bpol",
    'https://kommun.se/"onmouseover="alert(1)',
    "https://kommun.se/<script>",
    "https://kommun.se:99999/",
    "https://-kommun.se/",
    "https://[not-an-address]/",
    "https://kommun.se/" + "a" * MAX_URL_LENGTH,
]

FINE = [
    "https://mittkoping.example/styrdokument/pol-is-01",
    "http://intranat/styrdok/pol-1",
    "HTTPS://Kommun.SE/Styrdokument",
    "https://mittköping.se/styrdokument/policy-för-it.pdf",
    "https://kommun.se:8443/a/b?c=d&e=f#g",
    "https://10.0.0.5/pol-1",
    "https://[2001:db8::1]/pol-1",
    "https://kommun.se/pol%201.pdf",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_url_that_is_not_a_safe_web_address_is_refused_naming_the_field(url: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        policy(text_url=url)
    message = str(caught.value)
    assert message.startswith("text_url: ")
    assert "\n" not in message and len(message) < 300
    assert not is_web_url(url)


@pytest.mark.parametrize("url", FINE)
def test_web_addresses_are_kept_as_given(url: str) -> None:
    assert policy(text_url=url).text_url == url
    assert check_web_url(url) == url


def test_the_messages_say_what_is_wrong() -> None:
    def refusal(url: str) -> str:
        with pytest.raises(InvalidValue) as caught:
            policy(text_url=url)
        return str(caught.value)

    assert refusal("javascript:alert(1)") == (
        "text_url: 'javascript:alert(1)' is not a web address: only https:// and http:// "
        "links are kept, e.g. https://kommun.se/styrdokument/pol-1"
    )
    assert "user or password" in refusal("https://a:b@kommun.se/")
    assert "SPACE (U+0020)" in refusal("https://kommun.se/a b")
    assert "has no host" in refusal("https:///x")
    assert "longer than 2000" in refusal("https://kommun.se/" + "x" * 2000)


def test_an_empty_url_is_no_url() -> None:
    assert policy(text_url="  ").text_url is None
    assert policy(text_url=None).text_url is None


def test_every_url_field_of_the_model_uses_the_check() -> None:
    """A field added later whose name says it holds a link must use the same validator."""
    from styrdok import dispensation, model

    classes = [
        c
        for module in (model, dispensation)
        for c in vars(module).values()
        if isinstance(c, type) and attrs.has(c)
    ]
    url_fields = [
        (c.__name__, f.name)
        for c in classes
        for f in attrs.fields(c)
        if "url" in f.name or "link" in f.name or "href" in f.name
    ]
    assert ("Document", "text_url") in url_fields
    for cls_name, name in url_fields:
        cls = next(c for c in classes if c.__name__ == cls_name)
        field = attrs.fields_dict(cls)[name]
        assert field.validator is not None and "web_url" in repr(field.validator), cls_name


# --- through the edges ---------------------------------------------------------------------


def test_the_registry_refuses_a_bad_link_on_add_and_on_edit(seeded: Registry) -> None:
    with pytest.raises(InvalidValue, match=r"^text_url: 'javascript:"):
        seeded.add_document(policy("POL-2", text_url="javascript:alert(1)"), actor="owner")
    with pytest.raises(InvalidValue, match=r"^text_url: 'data:"):
        seeded.edit_document("POL-1", {"text_url": "data:text/html,x"}, actor="owner")
    assert seeded.get_document("POL-1").text_url is None
    edited = seeded.edit_document("POL-1", {"text_url": "https://kommun.se/pol-1"}, actor="owner")
    assert edited.draft is not None and edited.draft.text_url == "https://kommun.se/pol-1"


def test_an_import_with_a_bad_link_names_the_record(
    seeded: Registry, template_db: Path, tmp_path: Path
) -> None:
    """An export of a register with an old bad link does not re-enter a new register."""
    out = io.StringIO()
    seeded.export_json(out)
    data = json.loads(out.getvalue())
    data["documents"][0]["text_url"] = "javascript:alert(1)"
    fresh = tmp_path / "fresh.db"
    shutil.copy(template_db, fresh)
    with Registry.open(fresh, clock=lambda: NOW) as registry:
        with pytest.raises(InvalidValue, match=r"text_url: 'javascript:alert\(1\)'.*documents"):
            registry.import_json(io.StringIO(json.dumps(data)), actor=None)
        assert registry.list_documents() == []


# --- a link stored before the rule --------------------------------------------------------


def _plant(db_url: str, ref: str, url: str) -> None:
    """Write a URL straight into the database, as an older styrdok would have stored it."""
    engine = sa.create_engine(db_url if "://" in db_url else f"sqlite:///{db_url}")
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE document SET text_url = :url WHERE ref = :ref"),
            {"url": url, "ref": ref},
        )
        version, snapshot = connection.execute(
            sa.text(
                "SELECT version, snapshot FROM document_version WHERE document_ref = :ref"
                " ORDER BY version DESC LIMIT 1"
            ),
            {"ref": ref},
        ).one()
        data = json.loads(snapshot) if isinstance(snapshot, str) else dict(snapshot)
        data["text_url"] = url
        connection.execute(
            sa.text(
                "UPDATE document_version SET snapshot = :s"
                " WHERE document_ref = :ref AND version = :version"
            ),
            {"s": json.dumps(data), "ref": ref, "version": version},
        )
    engine.dispose()


def test_a_register_with_an_old_bad_link_stays_readable_and_workable(
    seeded: Registry, db_url: str
) -> None:
    """Reading, listing, history, export, edits of other fields and lapse all still work;
    the old value is kept as it was, marked as stored, until someone replaces it."""
    revise(seeded, "POL-1", {"valid_until": day(5)}, actor="owner")
    _plant(db_url, "POL-1", "javascript:alert(1)")
    with Registry.open(db_url, clock=lambda: NOW) as registry:
        doc = registry.get_document("POL-1")
        assert doc.text_url == "javascript:alert(1)"
        assert isinstance(doc.text_url, StoredUrl)
        assert [d.ref for d in registry.list_documents()] == ["POL-1"]
        assert [v.snapshot.text_url for v in registry.documents_in_force(day(0))] == [
            "javascript:alert(1)"
        ]
        out = io.StringIO()
        registry.export_json(out)
        assert '"javascript:alert(1)"' in out.getvalue()
        # An edit of another field keeps it (nothing is lost silently) …
        registry.edit_document("POL-1", {"purpose": "Ny lydelse"}, actor="owner")
        assert registry.get_document("POL-1").text_url == "javascript:alert(1)"
        # … while a replacement is checked in full.
        with pytest.raises(InvalidValue, match=r"^text_url: "):
            registry.edit_document("POL-1", {"text_url": "vbscript:x"}, actor="owner")
    # … and the automatic lapse goes through.
    later = dt.datetime.combine(day(10), dt.time(9), tzinfo=dt.UTC)
    with Registry.open(db_url, clock=lambda: later) as registry:
        assert registry.expire() == ["POL-1"]
        assert registry.get_document("POL-1").status is DocStatus.LAPSED
        assert registry.get_document("POL-1").text_url == "javascript:alert(1)"


def test_a_stored_url_is_marked_only_when_it_fails() -> None:
    assert type(stored_url("https://kommun.se/")) is str
    assert stored_url(None) is None
    assert isinstance(stored_url("javascript:x"), StoredUrl)
    # Given by a caller as a plain string, the old value is refused like any new one.
    with pytest.raises(InvalidValue):
        Document(ref="X", title="X", doc_type="policy", owner="o", text_url="javascript:x")
