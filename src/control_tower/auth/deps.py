"""Who is asking. Until real authentication lands every request is the demo user.

Business-unit scoping is plumbed through now: services take ``scope`` (``None`` = every
business unit) so that authorization only has to change what this dependency returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from control_tower.core.deps import SettingsDep
from control_tower.core.models import UserRole


@dataclass(frozen=True, slots=True)
class Viewer:
    id: str
    role: str
    business_unit: str | None = None

    @property
    def scope(self) -> str | None:
        """The business unit this viewer is limited to (``None``: all of them)."""
        if self.role == UserRole.ADMIN:
            return None
        return self.business_unit

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN


def get_current_user(settings: SettingsDep) -> Viewer:
    return Viewer(id=settings.demo_user_id, role=UserRole.ADMIN)


CurrentUser = Annotated[Viewer, Depends(get_current_user)]
