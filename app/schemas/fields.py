"""Strict marshmallow fields for TOML content: a year stays a number, `no` stays a string."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import ValidationError, fields


class StrictNumber(fields.Field):
    """An int or float as TOML wrote it; strings and booleans are refused."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("Must be a number, written without quotes.")
        return value


class StrictInteger(fields.Field):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("Must be a whole number, written without quotes.")
        return value


class StrictBoolean(fields.Field):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Must be true or false, written without quotes.")
        return value


class TomlDate(fields.Field):
    """A TOML local date (`2024-06-20`), which tomllib already parsed."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ValidationError("Must be a TOML date such as 2024-06-20 (no quotes).")
        return value


class TomlLocalDateTime(fields.Field):
    """A TOML local date-time (`2024-06-20T11:34:00`), kept as ISO text: no zone is known."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, dt.datetime) or value.tzinfo is not None:
            raise ValidationError("Must be a TOML local date-time such as 2024-06-20T11:34:00.")
        return value.isoformat(timespec="minutes")
