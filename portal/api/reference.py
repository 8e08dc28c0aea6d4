"""``/api/v1/regions`` and the other reference lists."""

import marshmallow as ma
from sqlalchemy import select

from portal.api.app import blueprint
from portal.extensions import db
from portal.models import Region

bp = blueprint("reference", "Reference lists: regions, communities, occupations, credentials")


class RegionSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()


@bp.route("/regions")
@bp.response(200, RegionSchema(many=True))
def regions():
    """BC's development regions, the places jobs are grouped by."""
    return db.session.scalars(select(Region).order_by(Region.name))
