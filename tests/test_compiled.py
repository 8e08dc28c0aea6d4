"""The test process compiles routes and templates once for all its apps
(``tests/support/compiled.py``): what is shared must build and render as if compiled anew."""

from flask import Flask, url_for
from jinja2 import DictLoader, Environment, pass_context

from tests.support.compiled import TEMPLATE_CODE


def make_app() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/jobs/<int:job_id>/edit", "edit", lambda job_id: "")
    app.add_url_rule("/page/<int:n>", "first", lambda n: "", defaults={"n": 1})
    app.add_url_rule("/page/<int:n>", "page", lambda n: "")
    return app


def test_route_builders_are_shared_and_build_each_apps_urls():
    one, two = make_app(), make_app()
    rules = {app: {r.endpoint: r for r in app.url_map.iter_rules()} for app in (one, two)}
    assert rules[one]["edit"]._build.__func__ is rules[two]["edit"]._build.__func__
    for app in (one, two):
        with app.test_request_context():
            assert url_for("edit", job_id=7, next="/x") == "/jobs/7/edit?next=/x"
            assert url_for("first") == "/page/1"
            assert url_for("page", n=3) == "/page/3"


def test_template_code_is_shared_by_source_and_environment():
    def env(source: str, shout) -> Environment:
        environment = Environment(loader=DictLoader({"t.html": source}))
        environment.bytecode_cache = TEMPLATE_CODE
        environment.filters["shout"] = shout
        return environment

    def plain(value):
        return value.upper()

    @pass_context
    def with_context(context, value):
        return f"{value.upper()} for {context['who']}"

    assert env("{{ who | shout }}!", plain).get_template("t.html").render(who="al") == "AL!"
    assert env("{{ who | shout }}!", plain).get_template("t.html").render(who="bo") == "BO!"
    # an edited source, or a filter called another way, is compiled again
    assert env("{{ who | shout }}?", plain).get_template("t.html").render(who="al") == "AL?"
    assert env("{{ who | shout }}?", with_context).get_template("t.html").render(who="al") == (
        "AL for al?"
    )
