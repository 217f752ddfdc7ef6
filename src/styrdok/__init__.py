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
    from styrdok.model import (
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
]


# Everything public that is not imported above comes from the model, loaded on first use,
# so that importing the package (as the command line does for --help and --version)
# builds no attrs classes and imports no SQLAlchemy.
_LAZY = dict.fromkeys(
    (name for name in __all__ if name not in globals() and name != "Registry"), "styrdok.model"
)
_LAZY["Registry"] = "styrdok.registry"


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'styrdok' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # next time, a plain attribute
    return value
