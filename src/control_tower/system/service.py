"""System notices: announcements to every connected client (maintenance, incidents)."""

from __future__ import annotations

from typing import Any

import structlog

from control_tower.core.events import Event, EventBus

log = structlog.get_logger("control_tower.system")


async def announce(bus: EventBus, *, message: str, level: str, by: str) -> Event:
    """Publish a notice on the ``system`` channel; every client may see it."""
    payload: dict[str, Any] = {"message": message, "level": level, "by": by}
    event = await bus.publish("system.notice", payload, channel="system")
    log.info("system.announced", level=level, by=by, event_id=event.id)
    return event
