"""Pagination of SQLAlchemy 2 `select()` statements for flask-smorest's `@blp.paginate`."""

from __future__ import annotations

from typing import Any

from flask_smorest import Page
from sqlalchemy import Select, func, select

from app.extensions import db


class SelectPage(Page):
    """A page of a `select()`; counts with a subquery since `Select` has no `.count()`."""

    collection: Select[Any]

    @property
    def items(self) -> list[Any]:
        stmt = self.collection.limit(self.page_params.page_size).offset(self.page_params.first_item)
        return list(db.session.scalars(stmt))

    @property
    def item_count(self) -> int:
        count = select(func.count()).select_from(self.collection.order_by(None).subquery())
        return db.session.scalar(count) or 0
