from __future__ import annotations

import marshmallow as ma


class QuestionTypeSchema(ma.Schema):
    type = ma.fields.String(attribute="name")
    label = ma.fields.String(metadata={"description": "What the page calls it"})
    response_shape = ma.fields.String(metadata={"description": "The response a learner sends"})
    counts_options = ma.fields.Boolean(
        metadata={"description": "Whether item analysis counts how often each option is chosen"}
    )
