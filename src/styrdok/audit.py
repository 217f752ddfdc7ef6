"""The audit log's hash chain, shared by every storage backend.

Each event's hash covers the previous event's hash and the event itself, as canonical JSON:
change one byte of any stored event and every later hash stops matching.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(data: Any) -> str:
    """The exact text an audit hash is computed over."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def audit_hash(
    *,
    prev_hash: str,
    seq: int,
    at: str,
    actor: str,
    action: str,
    entity: str,
    before: Any,
    after: Any,
) -> str:
    """SHA-256 over the previous hash and this event."""
    body = canonical_json(
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "entity": entity,
            "before": before,
            "after": after,
        }
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()
