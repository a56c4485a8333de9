"""Wire shapes of the authentication routes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LoginRequest(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"example": {"email": "thanapol.t@thaibev.com", "password": "…"}},
    )

    email: str = Field(min_length=3, max_length=320, description="The user's email address")
    password: str = Field(min_length=1, max_length=1024, description="The user's password")


class UserOut(BaseModel):
    id: str
    name: str | None
    email: str | None
    role: str = Field(description="admin, bu_manager or supervisor")
    businessUnit: str | None


class TokenResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "accessToken": "eyJhbGciOiJIUzI1NiIs…",
                "tokenType": "Bearer",
                "expiresIn": 900,
                "expiresAt": "2026-01-15T10:20:00.000Z",
                "user": {
                    "id": "user-admin-1",
                    "name": "ธนพล ธนะวัฒน์",
                    "email": "thanapol.t@thaibev.com",
                    "role": "admin",
                    "businessUnit": None,
                },
            }
        }
    )

    accessToken: str
    tokenType: str
    expiresIn: int
    expiresAt: str
    user: UserOut


class SessionOut(BaseModel):
    id: str
    via: str


class MeResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "user": {
                        "id": "user-manager-1",
                        "name": "Somchai Manager",
                        "email": "manager1@thaibev.com",
                        "role": "bu_manager",
                        "businessUnit": "Beer & Spirits",
                    },
                    "authenticatedVia": "bearer",
                    "sessionId": "sess-2f9c",
                    "authMode": "required",
                }
            ]
        }
    )

    user: UserOut
    authenticatedVia: str = Field(description="bearer, cookie or demo")
    sessionId: str | None
    authMode: str


class LogoutResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"success": True, "sessionsEnded": 1}]}
    )

    success: bool
    sessionsEnded: int
