"""Forged, tampered, wrong-key, alg:none and expired access tokens are refused."""

from __future__ import annotations

import base64
import json
import time

import httpx
import jwt
import pytest

from control_tower.auth.tokens import (
    InvalidToken,
    decode_access_token,
    issue_access_token,
)
from control_tower.core.clock import Clock
from tests.auth.conftest import login

SECRET = "s" * 64


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    base: dict[str, object] = {
        "iss": "control-tower",
        "sub": "user-admin-1",
        "sid": "x",
        "typ": "access",
        "role": "admin",
        "iat": now,
        "exp": now + 600,
    }
    base.update(overrides)
    return base


class TestDecode:
    def test_round_trip(self) -> None:
        clock = Clock()
        token, _ = issue_access_token(
            secret=SECRET,
            clock=clock,
            ttl_s=60,
            user_id="u",
            session_id="s",
            role="admin",
            business_unit=None,
        )
        decoded = decode_access_token(token, secret=SECRET, clock=clock)
        assert (decoded.user_id, decoded.session_id) == ("u", "s")

    @pytest.mark.parametrize(
        "token",
        [
            "not-a-token",
            jwt.encode(claims(), "another-key-entirely-xxxxxxxxxxxx", algorithm="HS256"),
            b64({"alg": "none", "typ": "JWT"}) + "." + b64(claims()) + ".",
            jwt.encode(claims(exp=int(time.time()) - 10), SECRET, algorithm="HS256"),
            jwt.encode(claims(typ="refresh"), SECRET, algorithm="HS256"),
            jwt.encode(claims(iss="someone-else"), SECRET, algorithm="HS256"),
            jwt.encode(claims(), SECRET, algorithm="HS512"),
        ],
        ids=["garbage", "wrong-key", "alg-none", "expired", "wrong-type", "wrong-issuer", "hs512"],
    )
    def test_rejected(self, token: str) -> None:
        with pytest.raises(InvalidToken):
            decode_access_token(token, secret=SECRET, clock=Clock())

    def test_tampered_payload_is_rejected(self) -> None:
        token = jwt.encode(claims(), SECRET, algorithm="HS256")
        header, _, signature = token.split(".")
        forged = f"{header}.{b64(claims(sub='user-manager-1', role='admin'))}.{signature}"
        with pytest.raises(InvalidToken):
            decode_access_token(forged, secret=SECRET, clock=Clock())


class TestOverHttp:
    async def test_forged_tokens_get_401_in_error_shape(
        self, auth_client: httpx.AsyncClient
    ) -> None:
        real = (await login(auth_client))["accessToken"]
        assert isinstance(real, str)
        auth_client.cookies.clear()
        header, payload, signature = real.split(".")
        tampered = f"{header}.{b64(claims(sub='user-manager-1'))}.{signature}"
        none_alg = b64({"alg": "none"}) + "." + payload + "."
        for token in (tampered, none_alg, real[:-3] + "AAA"):
            response = await auth_client.get(
                "/api/auth/me", headers={"authorization": f"Bearer {token}"}
            )
            assert response.status_code == 401
            body = response.json()
            assert body["code"] == "INVALID_TOKEN" and body["error"].startswith("Invalid access")

    async def test_basic_scheme_is_refused(self, auth_client: httpx.AsyncClient) -> None:
        response = await auth_client.get("/api/auth/me", headers={"authorization": "Basic abc"})
        assert response.status_code == 401
