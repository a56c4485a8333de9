"""Read routes that answer a cached GET before solving their dependencies.

A cache hit (``core.respcache``) already skips the database, but the route still pays for
FastAPI's dependency graph first: the database session, the clock, the settings, the
viewer. When the viewer is known without any of that (a request without credentials in
demo mode, once the demo user has been loaded), ``ReadRoute`` looks the answer up first
and, on a hit, only counts the request against the viewer's budget, as ``authenticate``
would have. A request with credentials, a miss, any other method, or an app that overrides
``authenticate`` takes the normal path.
Errors still go through the app's exception handlers (the handler runs inside them).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute
from starlette.responses import Response

from control_tower.auth.deps import apply_budget, authenticate, known_demo_viewer
from control_tower.core.respcache import cached_answer


class ReadRoute(APIRoute):
    """An ``APIRoute`` whose cached GET answers skip the dependency graph."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        solve_and_run = super().get_route_handler()

        async def handler(request: Request) -> Response:
            # When identification is overridden (tests do), only the dependency knows who asks.
            if request.method == "GET" and authenticate not in request.app.dependency_overrides:
                settings = request.app.state.settings
                viewer = known_demo_viewer(request, settings)
                if viewer is not None:
                    hit = await cached_answer(request, viewer)
                    if hit is not None:
                        await apply_budget(request, viewer, settings)
                        request.state.viewer = viewer
                        return hit
            return await solve_and_run(request)

        return handler
