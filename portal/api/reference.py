"""``/api/v1/regions`` and the other reference lists: the ids the job search filters by
and a job is written with. They change rarely: cacheable for an hour."""

import marshmallow as ma
from sqlalchemy import select

from portal.api.app import blueprint
from portal.api.documented import STRING, problems
from portal.extensions import db
from portal.models import Community, Credential, Occupation, Region

bp = blueprint("reference", "Reference lists: regions, communities, occupations, credentials")

CACHED = {"Cache-Control": "public, max-age=3600"}
CACHE_HEADER = {"Cache-Control": {"description": "public, max-age=3600", **STRING}}


class RegionSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()


class CommunitySchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    region_id = ma.fields.Integer(metadata={"description": "Its region (/api/v1/regions)"})


class CommunityArgsSchema(ma.Schema):
    region = ma.fields.Integer(
        validate=ma.validate.Range(1, 2**31 - 1),
        metadata={"description": "Only the communities of this region"},
    )


class OccupationSchema(ma.Schema):
    id = ma.fields.Integer()
    noc = ma.fields.String(attribute="noc_code", metadata={"description": "NOC 2021 code"})
    title = ma.fields.String()


class CredentialSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String(attribute="category", metadata={"description": "Its category"})


@bp.route("/regions")
@bp.response(200, RegionSchema(many=True), headers=CACHE_HEADER)
@problems(bp, {})
def regions():
    """BC's development regions

    The eight regions jobs and agencies are grouped by (the search's `region` filter)."""
    return db.session.scalars(select(Region).order_by(Region.name)).all(), 200, CACHED


@bp.route("/communities")
@bp.arguments(CommunityArgsSchema, location="query", as_kwargs=False)
@bp.response(200, CommunitySchema(many=True), headers=CACHE_HEADER)
@problems(bp, {422: "region is not a region id."})
def communities(args):
    """Communities

    The towns and cities jobs are in, each with its region (the search's `community`
    filter, a job's `community_id`); `region` keeps one region's."""
    query = select(Community).order_by(Community.name)
    if args.get("region") is not None:
        query = query.where(Community.region_id == args["region"])
    return db.session.scalars(query).all(), 200, CACHED


@bp.route("/occupations")
@bp.response(200, OccupationSchema(many=True), headers=CACHE_HEADER)
@problems(bp, {})
def occupations():
    """Occupations

    The sector's occupations by NOC 2021 code (the search's `occupation` filter, a job's
    `occupation_id`)."""
    return db.session.scalars(select(Occupation).order_by(Occupation.noc_code)).all(), 200, CACHED


@bp.route("/credentials")
@bp.response(200, CredentialSchema(many=True), headers=CACHE_HEADER)
@problems(bp, {})
def credentials():
    """Credentials

    Certificates, registrations and licences a job may require or prefer (a job's
    `required_credentials` and `preferred_credentials`)."""
    query = select(Credential).order_by(Credential.category, Credential.name)
    return db.session.scalars(query).all(), 200, CACHED
