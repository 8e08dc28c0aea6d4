"""Template conventions: a POST form that is only a button goes through the ``post_button``
macro (not written by hand), and the labels on the returns and LMI pages are the Python
ones."""

import html
import re
from datetime import date
from pathlib import Path

import pytest

from portal.lmi.figures import DIMENSIONS
from portal.models.lmi import BARGAINING_STATUSES, EMPLOYMENT_STATUSES
from portal.returns import periods
from portal.returns.columns import COLUMNS, KEY_COLUMNS

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
MACRO = TEMPLATES / "_macros" / "forms.html"

# an opening tag may hold Jinja ({{ ... }}, {% ... %}) with ">" inside it
FORM = re.compile(
    r"<form\b((?:\{\{.*?\}\}|\{%.*?%\}|[^>])*)>(.*?)</form>", re.DOTALL | re.IGNORECASE
)
NOT_CONTENT = re.compile(
    r"\{#.*?#\}"  # comments
    r"|\{\{\s*[\w.]+\.csrf_token\s*\}\}"  # {{ form.csrf_token }}
    r"|<input\b[^>]*\btype=\"hidden\"[^>]*>",  # hidden fields
    re.DOTALL | re.IGNORECASE,
)
BUTTON = re.compile(
    r"<button\b.*?</button>|\{\{\s*[\w.]+\.submit\(.*?\)\s*\}\}", re.DOTALL | re.IGNORECASE
)


def button_only_forms(source: str) -> list[str]:
    """The POST forms in ``source`` that hold nothing but a CSRF token, hidden fields and
    one button."""
    found = []
    for match in FORM.finditer(source):
        tag, body = match.groups()
        if not re.search(r"\bmethod=\"post\"", tag, re.IGNORECASE):
            continue
        rest = NOT_CONTENT.sub("", body)
        if len(BUTTON.findall(rest)) == 1 and not BUTTON.sub("", rest).strip():
            found.append(match.group(0))
    return found


def test_the_check_finds_a_hand_written_button_form():
    hand_written = """<form method="post" action="{{ url_for('jobs.duplicate', job_id=job.id) }}"
      class="d-inline">{{ action_form.csrf_token }}
      <input type="hidden" name="next" value="{{ request.path }}">
      <button class="btn btn-sm" type="submit">Duplicate <span>{{ job.title }}</span></button>
    </form>"""
    submit_field = '<form method="post">{{ form.csrf_token }}{{ form.submit(class_="btn") }}</form>'
    assert button_only_forms(hand_written) == [hand_written]
    assert button_only_forms(submit_field) == [submit_field]
    real_forms = [
        '<form method="post">{{ form.csrf_token }}{{ field(f.reason) }}<button>Go</button></form>',
        '<form method="get"><button>Search</button></form>',
        '<form method="post" id="x" hidden>{{ form.csrf_token }}</form>',  # a form= target
    ]
    assert [button_only_forms(f) for f in real_forms] == [[], [], []]


def test_post_buttons_use_the_macro():
    offenders = {
        str(path.relative_to(TEMPLATES)): forms
        for path in sorted(TEMPLATES.rglob("*.html"))
        if path != MACRO and (forms := button_only_forms(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, (
        "A POST form that is only a button: use post_button from _macros/forms.html"
    )


def test_the_macro_renders_hidden_fields_form_class_and_button_attributes(app):
    template = app.jinja_env.from_string(
        '{% from "_macros/forms.html" import post_button %}'
        "{% set label %}Remove<span> {{ title }}</span>{% endset %}"
        '{{ post_button("/saved/1/remove", label, form, "btn btn-sm", hidden={"next": "/a?b&c"},'
        ' form_class=None, button_attrs={"aria-current": "true", "title": None}) }}'
    )
    with app.test_request_context():
        page = template.render(form={"csrf_token": "[token]"}, title="<Cook>")
    assert " ".join(page.split()) == (
        '<form method="post" action="/saved/1/remove"> [token] '
        '<input type="hidden" name="next" value="/a?b&amp;c"> '
        '<button type="submit" class="btn btn-sm" aria-current="true">'
        "Remove<span> &lt;Cook&gt;</span></button> </form>"
    )


@pytest.fixture
def draft_page(db, client, login, make_agency, make_user):
    """The draft page of a return with a line for every employment and bargaining status."""
    period = periods.open_period(2025, date(2026, 6, 30), make_user(role="champion"))
    db.session.commit()
    agency = make_agency(name="Harbour Community Services")
    login(client, agency.owner)
    response = client.post_form(f"/agency/returns/periods/{period.id}/draft")
    draft = response.location
    bargaining = list(BARGAINING_STATUSES)
    for i, employment in enumerate(EMPLOYMENT_STATUSES):
        line = {
            "occupation": "42201",
            "region": "mainland-southwest",
            "employment_status": employment,
            "bargaining_status": bargaining[i % len(bargaining)],
        }
        assert client.post_form(f"{draft}/lines/new", line).status_code == 302
    return client.get(draft).get_data(as_text=True)


def test_returns_lines_table_shows_the_python_labels(draft_page):
    headings = re.findall(
        r'<th scope="col" class="text-end"><abbr title="([^"]*)">([^<]*)</abbr>', draft_page
    )
    figures = [c for c in COLUMNS if c.name not in KEY_COLUMNS]
    assert all(c.short for c in figures)
    assert [(html.unescape(t), html.unescape(s)) for t, s in headings] == [
        (c.label, c.short) for c in figures
    ]
    rows = re.findall(r'<tr id="line-\d+"[^>]*>(.*?)</tr>', draft_page, re.DOTALL)
    cells = r"<td>((?:[^<]|<wbr>)*)</td>"  # a <wbr>: where a long label may wrap
    shown = {
        tuple(html.unescape(c.replace("<wbr>", "")) for c in re.findall(cells, row)[1:3])
        for row in rows
    }
    bargaining = list(BARGAINING_STATUSES.values())
    assert shown == {
        (label, bargaining[i % len(bargaining)])
        for i, label in enumerate(EMPLOYMENT_STATUSES.values())
    }


def test_response_rate_tables_are_titled_by_the_dimensions(
    db, client, login, make_agency, make_user
):
    champion = make_user(role="champion")
    periods.open_period(2025, date(2026, 6, 30), champion)
    make_agency()
    db.session.commit()
    login(client, champion)
    page = client.get("/lmi").get_data(as_text=True)
    captions = re.findall(r"<caption>Response rate by ([^<]*)</caption>", page)
    assert captions == [
        DIMENSIONS[name].label.lower() for name in ("region", "subsector", "cssea_member")
    ]
