"""Classes: a teacher's own, a learner's joined ones, and membership."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from flask import Response, stream_with_context
from flask.views import MethodView
from sqlalchemy import Select

from app.api.http import Blueprint
from app.clock import now
from app.extensions import db
from app.models import SchoolClass
from app.pagination import SelectPage
from app.permissions import owned_by_current, requires, signed_in
from app.schemas.classes import (
    ClassInputSchema,
    ClassSchema,
    JoinInputSchema,
    MemberSchema,
    OwnedClassSchema,
)
from app.schemas.progress import ClassProgressSchema
from app.services import attempts, classes, statistics

blp = Blueprint("classes", __name__, description="Classes and their members")


def _owned_class(class_id: int) -> SchoolClass:
    return owned_by_current(SchoolClass, class_id)


def _with_count(school_class: SchoolClass) -> SchoolClass:
    return db.session.scalars(
        classes.owned_classes(signed_in()).where(SchoolClass.id == school_class.id)
    ).one()


@blp.route("/api/classes")
class ClassList(MethodView):
    @requires("teacher")
    @blp.response(200, OwnedClassSchema(many=True))
    @blp.paginate(SelectPage)
    def get(self) -> Select[Any]:
        """The classes you teach."""
        return classes.owned_classes(signed_in())

    @requires("teacher")
    @blp.arguments(ClassInputSchema)
    @blp.response(201, OwnedClassSchema)
    def post(self, data: dict[str, Any]) -> SchoolClass:
        """Create a class; learners join it with the returned join code."""
        created = classes.create_class(db.session, signed_in(), data["name"])
        return _with_count(created)


@blp.route("/api/classes/<id:class_id>")
class ClassById(MethodView):
    @requires("teacher")
    @blp.response(200, OwnedClassSchema)
    def get(self, class_id: int) -> SchoolClass:
        """One of your classes, with its join code."""
        return _with_count(_owned_class(class_id))


@blp.route("/api/classes/<id:class_id>/join-code", methods=["POST"])
@requires("teacher")
@blp.response(200, OwnedClassSchema)
def regenerate_join_code(class_id: int) -> SchoolClass:
    """Replace the join code (the old one stops working; members stay)."""
    school_class = classes.regenerate_join_code(db.session, _owned_class(class_id))
    return _with_count(school_class)


@blp.route("/api/classes/join", methods=["POST"])
@requires("learner")
@blp.arguments(JoinInputSchema)
@blp.response(200, ClassSchema)
def join(data: dict[str, Any]) -> SchoolClass:
    """Join a class with the code your teacher gave you."""
    learner = signed_in()
    joined = classes.join_class(db.session, learner, data["join_code"])
    return db.session.scalars(
        classes.joined_classes(learner.id).where(SchoolClass.id == joined.id)
    ).one()


@blp.route("/api/me/classes", methods=["GET"])
@requires("learner")
@blp.response(200, ClassSchema(many=True))
@blp.paginate(SelectPage)
def my_classes() -> Select[Any]:
    """The classes you have joined."""
    return classes.joined_classes(signed_in().id)


@blp.route("/api/classes/<id:class_id>/members", methods=["GET"])
@requires("teacher")
@blp.response(200, MemberSchema(many=True))
@blp.paginate(SelectPage)
def list_members(class_id: int) -> Select[Any]:
    """Learners in one of your classes."""
    return classes.members(_owned_class(class_id))


@blp.route("/api/classes/<id:class_id>/members/<id:user_id>", methods=["DELETE"])
@requires("teacher")
@blp.response(204)
def remove_member(class_id: int, user_id: int) -> None:
    """Remove a learner from one of your classes."""
    classes.remove_member(db.session, _owned_class(class_id), user_id)


@blp.route("/api/classes/<id:class_id>/progress", methods=["GET"])
@requires("teacher")
@blp.response(200, ClassProgressSchema)
def class_progress(class_id: int) -> statistics.ClassProgress:
    """A learner x tag grid of accuracy, and each learner's grade in each assigned quiz."""
    school_class, moment = _owned_class(class_id), now()
    attempts.close_overdue_in_class(db.session, school_class.id, moment)
    return statistics.class_progress(db.session, school_class.id, moment)


@blp.route("/api/classes/<id:class_id>/gradebook.csv", methods=["GET"])
@requires("teacher")
@blp.response(200, content_type="text/csv")
def gradebook(class_id: int) -> Response:
    """One row per learner, one column per assigned quiz (grade in %, by its method)."""
    school_class, moment = _owned_class(class_id), now()
    attempts.close_overdue_in_class(db.session, school_class.id, moment)
    # Read as the body streams, after this request's writes are committed.
    rows = statistics.gradebook_rows(db.session, school_class.id)

    def lines() -> Iterator[str]:
        yield "\ufeff"  # a BOM, so spreadsheets read the names as UTF-8
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow(row)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    filename = f"gradebook-class-{school_class.id}.csv"
    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
