from __future__ import annotations

import marshmallow as ma

from app.schemas.fields import Text


class ClassInputSchema(ma.Schema):
    name = Text(required=True, max_length=120)


class JoinInputSchema(ma.Schema):
    join_code = Text(required=True, max_length=32)


class ClassSchema(ma.Schema):
    """A class as a learner sees it: no join code."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    teacher = ma.fields.Function(lambda c: c.owner.display_name)
    created_at = ma.fields.AwareDateTime()


class OwnedClassSchema(ClassSchema):
    """A class as its teacher sees it."""

    join_code = ma.fields.String()
    member_count = ma.fields.Integer(metadata={"description": "Learners in the class"})


class MemberSchema(ma.Schema):
    user_id = ma.fields.Integer()
    display_name = ma.fields.Function(lambda m: m.user.display_name)
    email = ma.fields.Function(lambda m: m.user.email)
    joined_at = ma.fields.AwareDateTime()
