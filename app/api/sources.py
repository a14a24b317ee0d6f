"""Sources are public: their metadata and full text, never their facts (answer keys)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import Select, select

from app.models import Source
from app.pagination import SelectPage
from app.schemas.source import SourceSchema, SourceSummarySchema
from app.services.lookup import get_or_404

blp = Blueprint("sources", __name__, url_prefix="/api/sources", description="Source documents")


@blp.route("")
class SourceList(MethodView):
    @blp.response(200, SourceSummarySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self) -> Select[Any]:
        """List sources (metadata only)."""
        return select(Source).order_by(Source.id)


@blp.route("/<int:source_id>")
class SourceById(MethodView):
    @blp.response(200, SourceSchema)
    def get(self, source_id: int) -> Source:
        """One source with its full text."""
        return get_or_404(Source, source_id)
