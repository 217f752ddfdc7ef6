"""Events: one documented class per kind of change, and nothing emitted outside the list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import DEMO_TODAY
from styrdok import events, hookimpl
from styrdok.demo import build_demo
from styrdok.plugins import get_plugin_manager
from styrdok.registry import Registry

DOCS = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"


class EventLog:
    """A plugin that keeps every event it is handed."""

    def __init__(self) -> None:
        self.events: list[events.Event] = []

    @hookimpl
    def styrdok_event(self, event: events.Event) -> None:
        self.events.append(event)


@pytest.fixture
def event_log() -> Iterator[EventLog]:
    log = EventLog()
    get_plugin_manager().register(log)
    yield log
    get_plugin_manager().unregister(log)


def test_every_listed_event_is_documented_and_nothing_else() -> None:
    """docs/plugins.md's event table names exactly the events in styrdok.events.EVENTS."""
    documented = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| `(\w+)` \|", DOCS.read_text(), re.M)
    assert documented == [(name, cls.__name__) for name, cls in events.EVENTS.items()]


def test_each_event_class_has_a_name_and_a_docstring() -> None:
    """Every listed class carries its own name and says what happened."""
    for name, cls in events.EVENTS.items():
        assert cls.name == name and issubclass(cls, events.Event)
        assert cls.__doc__ and cls.__doc__ != events.Event.__doc__


def test_the_demo_emits_only_listed_events(registry: Registry, event_log: EventLog) -> None:
    """Building the demo register (every kind of change) emits and audits listed events
    only, as instances of their class."""
    build_demo(registry, today=DEMO_TODAY)
    assert event_log.events
    for event in event_log.events:
        assert events.EVENTS[event.name] is type(event)
    actions = {e.action for e in registry.audit_events()}
    assert actions <= set(events.EVENTS)
    assert {e.name for e in event_log.events} == actions


def test_an_unlisted_event_is_refused_and_changes_nothing(registry: Registry) -> None:
    """A use case that names an event class outside the catalogue writes nothing."""

    class Unlisted(events.Event):
        """Not in the catalogue."""

    with pytest.raises(ValueError, match="not listed"), registry.session.write():
        registry.session.audit(Unlisted, actor="system", entity="registry:", before=None, after={})
    assert list(registry.audit_events()) == []
