from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import ValidationError, pre_load, validate, validates_schema

from app.domain.choices import ROLES
from app.domain.passwords import password_problem
from app.schemas.fields import EmailAddress, Id, Text

MIN_PASSWORD_LENGTH = 10


def _password(**kwargs: Any) -> Text:
    # Spaces are part of a passphrase: never stripped.
    return Text(
        max_length=1024, strip=False, load_only=True, required=True, multiline=False, **kwargs
    )


class RegisterSchema(ma.Schema):
    email = EmailAddress(required=True)
    password = _password(min_length=MIN_PASSWORD_LENGTH)
    display_name = Text(required=True, max_length=100)
    role = ma.fields.String(required=True, validate=validate.OneOf(ROLES))

    @pre_load
    def strip_email(self, data: Any, **kwargs: Any) -> Any:
        # Pasted addresses often carry spaces; they are not part of the address.
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            data = {**data, "email": data["email"].strip()}
        return data

    @validates_schema
    def password_is_not_guessable(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "password" in data:
            known = [data.get("email", ""), data.get("display_name", "")]
            problem = password_problem(data["password"], known)
            if problem:
                raise ValidationError(problem, "password")


class LoginSchema(ma.Schema):
    email = Text(required=True, max_length=254)
    password = _password(min_length=0)


class PasswordChangeSchema(ma.Schema):
    current_password = _password(min_length=0)
    new_password = _password(min_length=MIN_PASSWORD_LENGTH)

    @validates_schema
    def password_is_not_guessable(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "new_password" in data:
            problem = password_problem(data["new_password"], [])
            if problem:
                raise ValidationError(problem, "new_password")


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
    name = Text(required=True, max_length=100)


class TokenSchema(ma.Schema):
    id = Id()
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
