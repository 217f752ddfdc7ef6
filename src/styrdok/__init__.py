"""styrdok: a registry of governing documents (styrdokument) and their dispensations.

The public API is re-exported here. ``Registry`` is loaded on first use, so importing the
package (as the CLI does for ``--help``) does not import SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from styrdok._version import __version__
from styrdok.errors import (
    AlreadyExists,
    Conflict,
    InvalidValue,
    NotFound,
    PermissionDenied,
    RegistryUnavailable,
    RuleViolation,
    StyrdokError,
)

if TYPE_CHECKING:
    from styrdok.hookspecs import hookimpl
    from styrdok.model import (
        AnnulledDecision,
        Annulment,
        AuditEvent,
        Body,
        BodyLevel,
        Decision,
        Dispensation,
        DispensationRequest,
        DispensationRules,
        Disposition,
        DispStatus,
        DocStatus,
        DocType,
        Document,
        DocumentVersion,
        DueItem,
        DueKind,
        Evaluation,
        FaqEntry,
        FollowUp,
        Funding,
        Person,
        Question,
        Review,
        ReviewOutcome,
    )
    from styrdok.registry import Registry

__all__ = [
    "AlreadyExists",
    "AnnulledDecision",
    "Annulment",
    "AuditEvent",
    "Body",
    "BodyLevel",
    "Conflict",
    "Decision",
    "DispStatus",
    "Dispensation",
    "DispensationRequest",
    "DispensationRules",
    "Disposition",
    "DocStatus",
    "DocType",
    "Document",
    "DocumentVersion",
    "DueItem",
    "DueKind",
    "Evaluation",
    "FaqEntry",
    "FollowUp",
    "Funding",
    "InvalidValue",
    "NotFound",
    "PermissionDenied",
    "Person",
    "Question",
    "Registry",
    "RegistryUnavailable",
    "Review",
    "ReviewOutcome",
    "RuleViolation",
    "StyrdokError",
    "__version__",
    "hookimpl",
]


# Everything public that is not imported above is loaded on first use, so that importing
# the package (as the command line does for --help and --version) builds no attrs classes
# and imports no SQLAlchemy. Most of it comes from the model.
_ELSEWHERE = {"Registry": "styrdok.registry", "hookimpl": "styrdok.hookspecs"}
_LAZY = {name: _ELSEWHERE.get(name, "styrdok.model") for name in __all__ if name not in globals()}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'styrdok' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # next time, a plain attribute
    return value
