"""A full-time week from part-time work: the seeker's combinations of part-time jobs
(``combos``) and "apply to all" for one of them."""

from flask import redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import Length

from portal import numbers, ratelimits
from portal.actions import run_action
from portal.auth.permissions import require_role
from portal.matching import combos
from portal.matching.blueprint import bp
from portal.pools.services import full_time_hours


class ShareIdsField(HiddenField):
    """The share ids of one combination, "12,34" (2 or 3 ids); else a field error."""

    def process_formdata(self, valuelist):
        self.data = []
        if not valuelist:
            return
        text = valuelist[0] if isinstance(valuelist[0], str) else ""
        parts = text.split(",") if text else []
        ids = [numbers.to_id(part.strip()) for part in parts[:4]]
        if not 2 <= len(parts) <= 3 or None in ids:
            raise ValueError("Choose one of the combinations below.")
        self.data = ids


class ApplyToAllForm(FlaskForm):
    share_ids = ShareIdsField("Combination")
    cover_note = TextAreaField(
        "Cover note",
        validators=[Length(max=5000, message="Keep it under 5,000 characters.")],
        description="Optional: sent with each application.",
    )
    submit = SubmitField("Apply to all")


def _page(form: ApplyToAllForm, refusal=None, status: int = 200):
    page = combos.week_page(current_user)
    return render_template(
        "matching/week.html",
        wants_full_time=page.wants_full_time,
        combinations=page.combinations,
        full_time=full_time_hours(),
        form=form,
        refusal=refusal,
        has_resume=page.has_resume,
    ), status


@bp.route("/recommended/week")
@require_role("seeker")
def week():
    return _page(ApplyToAllForm(formdata=None))


@bp.route("/recommended/week/apply", methods=["POST"])
@ratelimits.apply
@require_role("seeker")
def apply_to_all():
    form = ApplyToAllForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    _, refusal = combos.review(form.share_ids.data, current_user)
    if refusal is not None:
        return _page(form, refusal, 400)
    sent = []
    if run_action(
        lambda: sent.extend(
            combos.apply_to_all(form.share_ids.data, current_user, form.cover_note.data or "")
        ),
        lambda: (
            f"{len(sent)} applications sent: "
            + ", ".join(f"“{a.job.title}”" for a in sent)
            + ". You will get an email confirmation for each."
        ),
        errors=form.form_errors,
    ):
        return redirect(url_for("applications.mine"))
    return _page(form, status=400)
