"""The audit key: an HMAC key from a file or the environment, never from the database.

With a key set, every event of the audit chain is keyed (see :mod:`styrdok.audit`), so
someone who can write the database but lacks the key cannot re-forge the chain. The key is
read once per process; anything wrong with it is one clear :class:`AuditKeyError`.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from styrdok.errors import StyrdokError

#: Where the key comes from: a file (preferred: it stays out of process listings) ...
KEY_FILE_VARIABLE = "STYRDOK_AUDIT_KEY_FILE"
#: ... or the key itself.
KEY_VARIABLE = "STYRDOK_AUDIT_KEY"
#: The shortest key accepted (characters), e.g. ``openssl rand -hex 32`` gives 64.
MIN_KEY_LENGTH = 32
#: A key file larger than this is surely not a key (nothing larger is read).
MAX_KEY_FILE = 4096


class AuditKeyError(StyrdokError):
    """The audit key is missing, unreadable, or not the one the chain was sealed with."""


def configured_key() -> bytes | None:
    """The audit key from the environment, or ``None`` when none is set; read once per
    process (per setting). A missing, unreadable or too short key is an
    :class:`AuditKeyError`, never a silent fall-back to a plain chain."""
    return _read_key(
        os.environ.get(KEY_FILE_VARIABLE) or None, os.environ.get(KEY_VARIABLE) or None
    )


@cache
def _read_key(file: str | None, value: str | None) -> bytes | None:
    if file is not None and value is not None:
        raise AuditKeyError(f"set {KEY_FILE_VARIABLE} or {KEY_VARIABLE}, not both")
    if file is not None:
        source = f"the audit key file {file} ({KEY_FILE_VARIABLE})"
        try:
            with Path(file).open("rb") as handle:
                raw = handle.read(MAX_KEY_FILE + 1)
        except OSError as exc:
            raise AuditKeyError(f"cannot read {source}: {exc.strerror or exc}") from None
        if len(raw) > MAX_KEY_FILE:
            raise AuditKeyError(f"{source} is larger than {MAX_KEY_FILE} bytes: not a key")
        key = raw.strip()
    elif value is not None:
        source, key = KEY_VARIABLE, value.strip().encode()
    else:
        return None
    if len(key) < MIN_KEY_LENGTH:
        raise AuditKeyError(
            f"{source} holds {len(key)} characters; an audit key needs at least "
            f"{MIN_KEY_LENGTH} (e.g. from `openssl rand -hex 32`)"
        )
    return key


def key_source() -> str:
    """Where a key would be set, for messages."""
    return f"{KEY_FILE_VARIABLE} (or {KEY_VARIABLE})"
