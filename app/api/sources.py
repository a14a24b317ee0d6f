"""Sources are public (metadata and full text); their facts are answer keys: teachers only."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import Select, select

from app.api.http import Blueprint
from app.extensions import db
from app.models import Source
from app.pagination import SelectPage
from app.permissions import requires
from app.schemas.questions import FactSchema
from app.schemas.source import SourceSchema, SourceSummarySchema
from app.services.questions import facts_of_source

blp = Blueprint("sources", __name__, url_prefix="/api/sources", description="Source documents")


@blp.route("")
class SourceList(MethodView):
    @blp.response(200, SourceSummarySchema(many=True))
    @blp.paginate(SelectPage)
    def get(self) -> Select[Any]:
        """List sources (metadata only)."""
        return select(Source).order_by(Source.id)


@blp.route("/<id:source_id>")
class SourceById(MethodView):
    @blp.response(200, SourceSchema)
    def get(self, source_id: int) -> Source:
        """One source with its full text."""
        return db.get_or_404(Source, source_id, description=f"Source {source_id} does not exist.")


@blp.route("/<id:source_id>/facts", methods=["GET"])
@requires("teacher")
@blp.response(200, FactSchema(many=True))
@blp.paginate(SelectPage)
def list_facts(source_id: int) -> Select[Any]:
    """The source's facts with their evidence offsets (find-the-evidence answer keys)."""
    return facts_of_source(db.session, source_id)
