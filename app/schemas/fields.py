"""Shared marshmallow fields.

Strict fields for TOML content (a year stays a number, `no` stays a string), and the fields
every API schema takes from outside: `Id`, `BoundedInteger` and `Text`, with their bounds.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from marshmallow import ValidationError, fields, validate


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


# --- fields for what arrives over HTTP ------------------------------------------------------

# PostgreSQL's `integer`: every id column. A larger id cannot exist, so it is refused up front.
MAX_ID = 2**31 - 1
# Control characters (C0, DEL and C1; tab and newline too on one line) and lone UTF-16
# surrogates (which JSON's \ud800 escapes can smuggle in): no database stores NUL or a lone
# surrogate, and no person types any of them. Written for Python and for the OpenAPI
# document's `pattern` (ECMA-262) alike.
_SINGLE_LINE_CONTROLS = "\\u0000-\\u001f\\u007f-\\u009f"
_MULTILINE_CONTROLS = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
_FORBIDDEN_MULTILINE = re.compile(f"[{_MULTILINE_CONTROLS}\\ud800-\\udfff]")
_FORBIDDEN_SINGLE_LINE = re.compile(f"[{_SINGLE_LINE_CONTROLS}\\ud800-\\udfff]")
LONE_SURROGATE = re.compile("[\\ud800-\\udfff]")


def forbidden_character(value: str, multiline: bool = True) -> str | None:
    """A description of the first character no text field accepts, or None."""
    found = (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN_SINGLE_LINE).search(value)
    if found is None:
        return None
    return f"U+{ord(found.group()):04X}"


class BoundedInteger(fields.Integer):
    """A whole number between `minimum` and `maximum`: never a string, float or boolean.

    `strict=False` is for query strings, where every value arrives as text.
    """

    def __init__(self, *, minimum: int, maximum: int, strict: bool = True, **kwargs: Any) -> None:
        validators = [
            validate.Range(min=minimum, max=maximum),
            *_as_list(kwargs.pop("validate", None)),
        ]
        super().__init__(strict=strict, validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or (isinstance(value, str) and len(value) > 20):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Id(BoundedInteger):
    """The id of a row: 1 to 2^31 - 1."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(minimum=1, maximum=MAX_ID, **kwargs)


class Text(fields.String):
    """Text from a person: at most `max_length` characters as sent, no control characters
    (tab and newline only where `multiline`), no invalid Unicode; stripped of surrounding
    spaces and never blank unless `min_length=0`. Passwords keep their spaces (`strip=False`).
    The OpenAPI document states the length and the characters refused (as a `pattern`)."""

    def __init__(
        self,
        *,
        max_length: int,
        min_length: int = 1,
        multiline: bool = False,
        strip: bool = True,
        **kwargs: Any,
    ) -> None:
        controls = _MULTILINE_CONTROLS if multiline else _SINGLE_LINE_CONTROLS
        validators = [
            validate.Length(min=min_length, max=max_length),
            # Checked in _deserialize with a clearer message; here for the document.
            validate.Regexp(f"^[^{controls}]*$", error="Must not contain control characters."),
            *_as_list(kwargs.pop("validate", None)),
        ]
        super().__init__(validate=validators, **kwargs)
        self.min_length, self.max_length = min_length, max_length
        self.multiline, self.strip = multiline, strip

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        bad = forbidden_character(text, self.multiline)
        if bad is not None:
            raise ValidationError(f"Must not contain the character {bad}.")
        if len(text) > self.max_length:
            raise ValidationError(f"Longer than maximum length {self.max_length}.")
        if self.strip:
            text = text.strip()
        if self.min_length > 0 and not text.strip():
            raise ValidationError("Must not be blank.")
        return text


class EmailAddress(Text):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=254, validate=validate.Email(), **kwargs)


def _as_list(validators: Any) -> list[Any]:
    if validators is None:
        return []
    return list(validators) if isinstance(validators, list | tuple) else [validators]
