from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import pre_load, validate

from app.models.user import ROLES


class RegisterSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=validate.Length(max=254))
    password = ma.fields.String(
        required=True, load_only=True, validate=validate.Length(min=10, max=1024)
    )
    display_name = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = ma.fields.String(required=True, validate=validate.OneOf(ROLES))

    @pre_load
    def strip_email(self, data: Any, **kwargs: Any) -> Any:
        # Pasted addresses often carry spaces; they are not part of the address.
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            data = {**data, "email": data["email"].strip()}
        return data


class LoginSchema(ma.Schema):
    email = ma.fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = ma.fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    email = ma.fields.String()
    display_name = ma.fields.String()
    role = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class SessionSchema(ma.Schema):
    user = ma.fields.Nested(UserSchema)
    csrf_token = ma.fields.String(
        allow_none=True,
        metadata={"description": "Send back as X-CSRF-Token on every state-changing request"},
    )


class TokenInputSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))


class TokenSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    prefix = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    revoked_at = ma.fields.AwareDateTime(allow_none=True)


class IssuedTokenSchema(ma.Schema):
    """A token just created (`accounts.IssuedToken`), with its secret."""

    id = ma.fields.Integer(attribute="token.id")
    name = ma.fields.String(attribute="token.name")
    prefix = ma.fields.String(attribute="token.prefix")
    created_at = ma.fields.AwareDateTime(attribute="token.created_at")
    token = ma.fields.String(
        attribute="secret", metadata={"description": "The secret; shown this once only"}
    )
