"""Alembic migrations shipped inside the package; ``styrdok init`` runs them."""

from __future__ import annotations

from pathlib import Path

#: The newest revision; the registry refuses a database that is behind it.
HEAD = "0015"

SCRIPT_LOCATION = str(Path(__file__).parent)


def upgrade(url: str) -> None:
    """Create or upgrade the schema at ``url`` to :data:`HEAD`."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["url"] = url
    command.upgrade(config, "head")
