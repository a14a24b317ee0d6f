"""How requests come in, for every resource: the Blueprint class (its argument parser reads
JSON within bounds; its pagination is bounded) and the `<id:...>` URL converter.

A body is never read before its size is checked (`MAX_CONTENT_LENGTH`, in `create_app`), and
a JSON body is refused: 400 when it is not JSON, 422 when it is nested too deep, holds a
number no column or answer could hold, or a string with a lone surrogate (which no database
can store). Which
characters a field takes is the field's business (`app.schemas.fields.Text`), where the
OpenAPI document states it. An operation that reads a JSON body requires one (422).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from typing import Any, NoReturn

import flask
import flask_smorest
import marshmallow as ma
from webargs.core import missing
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.routing import IntegerConverter, Map

from app.schemas.fields import LONE_SURROGATE, MAX_ID, BoundedInteger

MAX_JSON_DEPTH = 32
# Digits of the longest integer accepted anywhere in a body (PostgreSQL's bigint has 19).
MAX_JSON_INTEGER_DIGITS = 18
# Pages beyond this are refused: the offset must fit the databases' integers.
MAX_PAGE = 1_000_000


class UnacceptableJSON(json.JSONDecodeError):
    """Valid JSON perhaps, but not a body this API accepts (422)."""

    def __init__(self, reason: str, document: str) -> None:
        super().__init__(reason, document or " ", 0)


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_JSON_INTEGER_DIGITS:
        raise ValueError(f"a number has more than {MAX_JSON_INTEGER_DIGITS} digits")
    return int(digits)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("a number is too large")
    return value


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


def load_json_body(raw: bytes | str) -> Any:
    """Parse a request body as JSON within this API's bounds, or raise `UnacceptableJSON`."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    try:
        value = json.loads(
            text,
            parse_int=_bounded_int,
            parse_float=_finite_float,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise UnacceptableJSON(f"nested deeper than {MAX_JSON_DEPTH} levels", text) from None
    except ValueError as error:
        raise UnacceptableJSON(str(error), text) from None
    _check_json_value(value, text)
    return value


def _check_json_value(value: Any, text: str) -> None:
    """Depth and strings of a parsed body, without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if LONE_SURROGATE.search(node):
                raise UnacceptableJSON("a string holds a lone surrogate (invalid Unicode)", text)
            continue
        if not isinstance(node, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise UnacceptableJSON(f"nested deeper than {MAX_JSON_DEPTH} levels", text)
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children)


class RequestParser(FlaskParser):
    """webargs' Flask parser, reading JSON bodies with `load_json_body`."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return super()._raw_load_json(req)
        return load_json_body(req.get_data(cache=True))

    def load_json(self, req: flask.Request, schema: ma.Schema) -> Any:
        data = super().load_json(req, schema)
        if data is missing:
            raise ma.ValidationError("A JSON body is required (Content-Type: application/json).")
        return data

    def _handle_invalid_json_error(
        self, error: Exception, req: flask.Request, *args: Any, **kwargs: Any
    ) -> NoReturn:
        reason = getattr(error, "msg", None) or getattr(error, "reason", None) or "unreadable"
        if isinstance(error, UnacceptableJSON):
            # JSON, but holding what no field can take: like any invalid value, a 422.
            abort(422, exc=error, messages={"json": [f"Unacceptable JSON body: {reason}."]})
        abort(400, exc=error, messages={"json": [f"Invalid JSON body: {reason}."]})


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the bounded parser and bounded pages."""

    ARGUMENTS_PARSER = RequestParser()
    PAGINATION_ARGUMENTS_PARSER = RequestParser()

    def paginate(self, pager: Any = None, **options: Any) -> Any:
        decorate = super().paginate(pager, **options)

        def decorator(func: Any) -> Any:
            wrapper = decorate(func)
            # flask-smorest builds its page schema with an unbounded `page`; bound it in place
            # so that both parsing and the OpenAPI document carry the limit.
            schema = wrapper._apidoc["pagination"]["parameters"]["schema"]
            schema._declared_fields["page"] = BoundedInteger(
                minimum=1, maximum=MAX_PAGE, strict=False, load_default=1
            )
            return wrapper

        return decorator


def takes_article(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark an operation whose body brings an article: it may be up to `SOURCE_MAX_BYTES`
    (`app.security.refuse_oversized_body`). Put it nearest the function: the decorators
    above copy the mark."""
    view.takes_article = True  # type: ignore[attr-defined]
    return view


def commit_when_done(view: Callable[..., Any]) -> Callable[..., Any]:
    """One transaction per request: services only flush, and the request's work is committed
    here, once, when the view has returned; an error instead reaches the error handlers,
    which roll it back. So an answer acknowledged to a client is always committed."""

    @functools.wraps(view)
    def committing(*args: Any, **kwargs: Any) -> Any:
        result = view(*args, **kwargs)
        from app.extensions import db

        db.session.commit()
        return result

    return committing


def commit_at_request_end(app: flask.Flask) -> None:
    """Wrap every view of `app` in `commit_when_done` (call after the blueprints are in)."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = commit_when_done(view)


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: a row id, 1 to 2^31 - 1. Anything else matches no route (404)."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def id_parameter_schema(_converter: IdConverter) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
