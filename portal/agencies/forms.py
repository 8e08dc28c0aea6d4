"""Agency forms."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp, ValidationError

from portal.auth.forms import AccountFields, email_field
from portal.extensions import db
from portal.forms import YES_NO, Conditional, RowSelectField, community_choices
from portal.models import CsseaDivision, Subsector


class AgencyFields(FlaskForm):
    legal_name = StringField(
        "Legal name", validators=[DataRequired("Enter the agency's legal name."), Length(max=200)]
    )
    name = StringField(
        "Operating name",
        validators=[
            DataRequired("Enter the name the public knows the agency by."),
            Length(max=200),
        ],
        description="Shown on postings. Often the same as the legal name.",
    )
    community_id = RowSelectField(
        "Community (head office)",
        required="Choose the community of the head office.",
        description="The development region follows from the community.",
    )
    subsector_id = RowSelectField("Subsector", required="Choose the agency's main subsector.")
    cssea_member = RadioField(
        "Is the agency a CSSEA member?",
        choices=YES_NO,
        validators=[DataRequired("Say whether the agency is a CSSEA member.")],
    )
    cssea_division_id = RowSelectField(
        "CSSEA division",
        # no Optional(): a missing value must still be checked (validate_cssea_division_id)
        validators=[Conditional()],
        description="Only for CSSEA members.",
    )
    unionized = RadioField(
        "Are any of the agency's employees unionized?",
        choices=YES_NO,
        validators=[DataRequired("Say whether the agency has unionized employees.")],
    )
    website = URLField(
        "Website",
        validators=[
            Optional(),
            URL(message="Enter a full address, like https://www.example.org."),
            Length(max=300),
        ],
    )
    phone = TelField(
        "Phone",
        validators=[
            Optional(),
            Length(max=40),
            Regexp(r"^[0-9+() .\-x]{7,40}$", message="Enter a phone number, like 250-555-0100."),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.community_id.choices = [SelectChoice(0, "Choose a community…")] + community_choices()
        self.subsector_id.choices = [SelectChoice(0, "Choose a subsector…")] + [
            SelectChoice(s.id, s.name)
            for s in db.session.scalars(select(Subsector).order_by(Subsector.name))
        ]
        self.cssea_division_id.choices = [SelectChoice(0, "Not a CSSEA member")] + [
            SelectChoice(d.id, d.name)
            for d in db.session.scalars(select(CsseaDivision).order_by(CsseaDivision.name))
        ]

    def validate_cssea_division_id(self, field) -> None:
        if self.cssea_member.data == "yes" and not field.data:
            raise ValidationError("Choose the agency's CSSEA division.")
        if self.cssea_member.data == "no" and field.data:
            raise ValidationError(
                "Only CSSEA members have a division; choose "
                "“Not a CSSEA member” or answer Yes above."
            )

    def agency_data(self) -> dict:
        return {
            "legal_name": self.legal_name.data.strip(),
            "name": self.name.data.strip(),
            "community_id": self.community_id.data,
            "subsector_id": self.subsector_id.data,
            "cssea_member": self.cssea_member.data == "yes",
            "cssea_division_id": self.cssea_division_id.data or None,
            "unionized": self.unionized.data == "yes",
            "website": (self.website.data or "").strip() or None,
            "phone": (self.phone.data or "").strip() or None,
        }


class AgencyForm(AgencyFields):
    about = TextAreaField(
        "About your agency (shown on your public page)",
        validators=[
            Optional(),
            Length(max=2000, message="Keep it to 2,000 characters or fewer."),
        ],
        description="What the agency does and for whom, in a few short paragraphs (plain "
        "text; leave a blank line between paragraphs).",
        # a browser sends CRLF line breaks: counted (and kept) as one character each; the
        # blank lines and spaces around the text do not count
        filters=[lambda text: text.replace("\r\n", "\n").strip() if text else text],
        render_kw={"rows": 6},
    )
    submit = SubmitField("Save agency details")

    def agency_data(self) -> dict:
        return {**super().agency_data(), "about": self.about.data or None}


class AgencyRegisterForm(AgencyFields):
    submit = SubmitField("Register agency")


class AgencyWithAccountForm(AgencyFields, AccountFields):
    submit = SubmitField("Create account and register agency")


class InviteForm(FlaskForm):
    email = email_field("Recruiter's email address")
    submit = SubmitField("Send invitation")


class SwitchAgencyForm(FlaskForm):
    agency_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Switch")
