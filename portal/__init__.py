"""The Sector Jobs Portal application factory: read this first, it is the table of contents."""

import os

from flask import Flask

from portal import compression, errors, inputs, logs, numbers, resources, security_headers
from portal.config import CONFIGS, settle, trust_proxies
from portal.extensions import bootstrap, csrf, db, limiter, login_manager, migrate


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    # search, the features, templating and the CLI are imported here, not above: importing
    # portal.models loads no feature (layers, lowest first: README "Code layout")
    from portal import cli, search, templating
    from portal.auth import sessions

    app = Flask(
        __name__,
        template_folder=resources.folder("templates"),  # portal/templates once installed
        static_folder=resources.folder("static"),
        instance_relative_config=True,
    )
    configure(app, config_name, overrides)
    trust_proxies(app)  # client address and https as the proxy in front saw them
    search.require_synonyms()  # portal/search/synonyms.txt missing: a broken install, no start
    logs.register(app)  # one line per request with its id (X-Request-ID), LOG_LEVEL

    # extensions
    db.init_app(app)
    migrate.init_app(app, db, directory=resources.folder("migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)  # rate limits: portal/ratelimits.py, settings RATELIMIT_*

    numbers.register(app)  # <int:...> in URLs: ASCII digits within the id range, else 404
    inputs.register(app)  # a NUL character anywhere in a request: 400 before any view
    sessions.register(app)  # sign-ins end when idle or too old (SESSION_* settings)
    security_headers.register(app)  # CSP, no framing, no-store when signed in, HSTS
    compression.register(app)  # stylesheets and scripts compressed (COMPRESS_MIMETYPES)

    # features, one blueprint each
    from portal.admin.views import bp as admin_bp
    from portal.agencies.views import bp as agencies_bp
    from portal.alerts.views import bp as alerts_bp
    from portal.applications.views import bp as applications_bp
    from portal.auth.views import bp as auth_bp
    from portal.feeds.views import bp as feeds_bp
    from portal.health.views import bp as health_bp
    from portal.jobs.import_views import bp as job_imports_bp
    from portal.jobs.views import bp as jobs_bp
    from portal.lmi.views import bp as lmi_bp
    from portal.matching import (  # noqa: F401  (the routes of matching_bp)
        agency_views,
        pooling_views,
        seeker_views,
        week_views,
    )
    from portal.matching.blueprint import bp as matching_bp
    from portal.pages.views import bp as pages_bp
    from portal.pools.views import bp as pools_bp
    from portal.prequal.views import bp as prequal_bp
    from portal.privacy import (  # noqa: F401  (the routes of privacy_bp)
        deletion_views,
        export_views,
    )
    from portal.privacy.blueprint import bp as privacy_bp
    from portal.returns import review, views  # noqa: F401  (the routes of returns_bp)
    from portal.returns.blueprint import bp as returns_bp
    from portal.seekers.views import bp as seekers_bp
    from portal.twofactor.views import bp as twofactor_bp
    from portal.webhooks.views import bp as webhooks_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(health_bp)  # /healthz for load balancers: database, index, lags
    app.register_blueprint(auth_bp)
    app.register_blueprint(twofactor_bp)
    app.register_blueprint(agencies_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(job_imports_bp)  # /agency/jobs/import: jobs from a CSV file
    app.register_blueprint(seekers_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(pools_bp)
    app.register_blueprint(prequal_bp)
    app.register_blueprint(matching_bp)
    app.register_blueprint(alerts_bp)
    app.register_blueprint(feeds_bp)  # /jobs.atom, /sitemap.xml, /robots.txt
    app.register_blueprint(returns_bp)
    app.register_blueprint(lmi_bp)
    app.register_blueprint(privacy_bp)  # /account/export, /account/delete: PIPA rights
    app.register_blueprint(webhooks_bp)  # /agency/webhooks: endpoints and delivery logs
    app.register_blueprint(admin_bp, url_prefix="/admin")

    # the JSON API v1 (/api/v1): its OpenAPI document is written from these blueprints
    from portal.api import agencies as api_agencies
    from portal.api import app as api_app
    from portal.api import applications as api_applications
    from portal.api import batch as api_batch
    from portal.api import jobs as api_jobs
    from portal.api import jobs_write as api_jobs_write
    from portal.api import reference as api_reference
    from portal.api.docs import bp as api_docs_bp
    from portal.api.token_views import bp as api_tokens_bp

    api_app.register(
        app,
        [
            api_reference.bp,
            api_jobs.bp,
            api_agencies.bp,
            api_batch.bp,
            api_jobs_write.bp,  # create, update, publish, close, fill (a jobs:write token)
            api_applications.bp,  # a job's applications and their résumés
        ],
    )
    app.register_blueprint(api_docs_bp)  # /api/v1/openapi.json and the docs page
    app.register_blueprint(api_tokens_bp)  # /agency/api-tokens: personal access tokens

    # higher features react to lower ones through signals (each documented where defined)
    from portal.alerts import hooks as alerts_hooks
    from portal.applications import hooks as applications_hooks
    from portal.matching import hooks as matching_hooks
    from portal.pools import hooks as pools_hooks
    from portal.prequal import hooks as prequal_hooks
    from portal.seekers import hooks as seekers_hooks
    from portal.webhooks import hooks as webhooks_hooks

    seekers_hooks.connect()  # jobs pages: saved
    applications_hooks.connect()  # jobs pages: applied, applicant counts
    pools_hooks.connect()  # publishing a pooled job, hiring into a share, filling the job
    prequal_hooks.connect()  # jobs pages: open lists; seekers: members an agency may see
    matching_hooks.connect()  # job and profile changes: recompute matches
    alerts_hooks.connect()  # digest send failures pause an alert; told at sign-in
    webhooks_hooks.connect()  # job and application changes: deliveries to agencies' systems

    errors.register(app)
    templating.register(app)
    cli.register(app)
    return app


def configure(app: Flask, config_name: str | None, overrides: dict | None) -> None:
    """Class defaults → instance/portal.cfg → PORTAL_* environment → explicit overrides."""
    name = config_name or os.environ.get("PORTAL_ENV", "development")
    app.config.from_object(CONFIGS[name])
    app.config.from_pyfile("portal.cfg", silent=True)
    app.config.from_prefixed_env("PORTAL")
    app.config.update(overrides or {})

    os.makedirs(app.instance_path, exist_ok=True)
    settle(app)  # secret key (development: a random one kept in instance/), rate-limit storage
    url = app.config.get("DATABASE_URL") or "sqlite:///" + os.path.join(
        app.instance_path, "portal.db"
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 15}}
