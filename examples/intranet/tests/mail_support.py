"""A real mail server for the intranet's tests: aiosmtpd on loopback, keeping what it
receives, and the e-mail plugin registered for the test (the way
plugins/styrdok-smtp/tests/test_smtp.py does it: that module is a test module, not one to
import, so the few lines are here).
"""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
import styrdok_smtp
from aiosmtpd.controller import Controller

from styrdok.plugins import get_plugin_manager


class Inbox:
    """Every message the server accepted, in order, as the recipient's mail program
    would parse it."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # Kept before the server answers 250: a sender that got its answer finds the
        # message here, so no test has to wait for it.
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def free_port() -> int:
    """A loopback port nobody listens on now (aiosmtpd's controller must be told one: it
    connects to it once to check that the server is up)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[Inbox]:
    """An SMTP server on a free loopback port (``inbox.port``) for one test."""
    inbox = Inbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_plugin() -> Iterator[None]:
    """The e-mail plugin registered as its entry point would be. When the plugin manager
    already loaded the installed entry points (the intranet's tests do not set
    ``sys._styrdok_testing``), it is there already and left as it is."""
    manager = get_plugin_manager()
    if manager.is_registered(styrdok_smtp):
        yield
        return
    manager.register(styrdok_smtp, name="smtp")
    yield
    manager.unregister(styrdok_smtp)
