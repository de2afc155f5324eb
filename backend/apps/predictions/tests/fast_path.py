"""Shared by the fast-path tests: concurrent POSTs through the real ASGI application (config.asgi), the audit head.
Their fixtures (serving_db, batcher) are in conftest.py."""
import asyncio
import json

import httpx

from apps.audit.models import AuditEvent


def post_all(bodies: list, token: str | None, slug: str = "", path: str | None = None,
             **headers) -> list[httpx.Response]:
    """POST every body at once through the ASGI application, as concurrent clients would."""
    from config.asgi import application

    if token:
        headers["Authorization"] = f"Token {token}"

    async def main():
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await asyncio.gather(*(
                client.post(path or f"/api/v1/projects/{slug}/predict/", content=json.dumps(body),
                            headers={"Content-Type": "application/json", **headers}) for body in bodies))

    return asyncio.run(main())


def post_raw(body: bytes, token: str, slug: str) -> httpx.Response:
    """POST raw bytes as JSON through the ASGI application."""
    from config.asgi import application

    async def main():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application),
                                     base_url="http://127.0.0.1") as client:
            return await client.post(f"/api/v1/projects/{slug}/predict/", content=body, headers={
                "Content-Type": "application/json", "Authorization": f"Token {token}"})

    return asyncio.run(main())


def head() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
