"""Reading how a page marks its form fields required or optional, and the portal's rule:
a field that must be filled carries ``aria-required="true"`` (a radio group: on its
``role="radiogroup"`` fieldset) and no "(optional)"; every other field says "(optional)"
at the end of its label (or of the legend of a fieldset around it), except

- tick boxes that are simply on or off, and radio groups with an answer ticked already;
- a group of tick boxes of which one must be ticked: its legend ends "(choose at least
  one)" and no box carries ``required`` (that would demand every box);
- fields whose need depends on another answer: their label says when they are required
  ("required when declining"), or they are one of ``CONDITIONAL`` (their hint says when);
- hidden fields, buttons, read-only fields; and GET forms (searches and filters: every
  filter is optional, so none is marked).
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

OPTIONAL = re.compile(r"\(optional[),:;]", re.IGNORECASE)
ENDS_OPTIONAL = re.compile(r"\(optional\)$", re.IGNORECASE)
CHOOSE_ONE = re.compile(r"\(choose at least one\)$", re.IGNORECASE)  # a needed tick-box group
SAYS_WHEN = re.compile(r"\brequired (when|to|for|once|if)\b", re.IGNORECASE)
NOT_FIELDS = ("hidden", "submit", "button", "reset", "image")

# names of fields needed or not depending on another answer (the hint next to each says when)
CONDITIONAL = {
    "cssea_division_id": "only for CSSEA members",
    "hours_per_week": "or counted from the weekly schedule",
    # a day of a weekly schedule: both times or neither (the fieldset's legend says so)
    **{
        f"{part}_{day}": "a day of a weekly schedule"
        for part in ("start", "end")
        for day in range(7)
    },
    **{
        f"foreign_{n}_{part}": "once the row's name is given"
        for n in (1, 2, 3)
        for part in ("country", "recognition")
    },
}


@dataclass
class Fieldset:
    attrs: dict
    legend: str = ""
    controls: list = field(default_factory=list)


@dataclass
class Control:
    tag: str
    attrs: dict
    fieldsets: list  # the fieldsets around it, outermost first
    label: str = ""

    @property
    def kind(self) -> str:
        return (self.attrs.get("type") or "text").lower() if self.tag == "input" else self.tag

    @property
    def name(self) -> str:
        return self.attrs.get("name") or ""

    @property
    def required(self) -> bool:
        return "required" in self.attrs

    @property
    def aria_required(self) -> bool:
        return self.attrs.get("aria-required") == "true"


@dataclass
class Form:
    action: str
    controls: list = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.labels: dict[str, str] = {}  # for= id -> the label's text
        self._form: Form | None = None
        self._fieldsets: list[Fieldset] = []
        self._label: str | None = None  # the id of the label being read
        self._legend = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            post = (a.get("method") or "get").lower() == "post"
            self._form = Form(a.get("action") or "") if post else None
            if self._form:
                self.forms.append(self._form)
        elif tag == "fieldset":
            self._fieldsets.append(Fieldset(a))
        elif tag == "legend" and self._fieldsets:
            self._legend = True
        elif tag == "label" and a.get("for"):
            self._label = a["for"]
            self.labels.setdefault(self._label, "")
        elif tag in ("input", "select", "textarea") and self._form is not None:
            control = Control(tag, a, list(self._fieldsets))
            self._form.controls.append(control)
            if self._fieldsets:
                self._fieldsets[-1].controls.append(control)

    def handle_data(self, data):
        if self._label is not None:
            self.labels[self._label] += data
        if self._legend:
            self._fieldsets[-1].legend += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()
        elif tag == "legend":
            self._legend = False
        elif tag == "label":
            self._label = None


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def post_forms(page: str) -> list[Form]:
    """The POST forms of ``page``, each control with its label's text."""
    parser = _Parser()
    parser.feed(page)
    for form in parser.forms:
        for control in form.controls:
            control.label = _clean(
                control.attrs.get("aria-label") or parser.labels.get(control.attrs.get("id"), "")
            )
        for control in form.controls:
            for fieldset in control.fieldsets:
                fieldset.legend = _clean(fieldset.legend)
    return parser.forms


def group_of(control: Control) -> Fieldset | None:
    """The fieldset of the radio group or list of checkboxes ``control`` belongs to: the
    innermost fieldset around it whose choices (two or more) all share its name."""
    if control.kind not in ("radio", "checkbox") or not control.fieldsets:
        return None
    inner = control.fieldsets[-1]
    choices = [c for c in inner.controls if c.kind in ("radio", "checkbox")]
    if len(choices) >= 2 and all(c.name == control.name for c in choices):
        return inner
    return None


@dataclass
class Marking:
    """How a field (a control, or the group of choices it is one of) is marked."""

    label: str  # its label, or its group's legend
    required: bool  # the browser's ``required``
    aria_required: bool
    answered: bool  # a tick box (on or off) or a radio group with a choice ticked
    around: list  # the legends of the fieldsets around it (its group's: outside the group)

    @property
    def says_optional(self) -> bool:
        return bool(OPTIONAL.search(self.label))


def marking(control: Control) -> Marking:
    group = group_of(control)
    if group is None:
        return Marking(
            control.label,
            control.required,
            control.aria_required,
            control.kind == "checkbox",
            [f.legend for f in control.fieldsets],
        )
    choices = [c for c in group.controls if c.name == control.name]
    return Marking(
        group.legend,
        any(c.required for c in choices),
        group.attrs.get("aria-required") == "true",
        control.kind == "radio" and any("checked" in c.attrs for c in choices),
        [f.legend for f in control.fieldsets[:-1]],
    )


def problems(page: str, where: str = "") -> list[str]:
    """Every field of the page's POST forms that breaks the rule, said in words."""
    found = []
    for form in post_forms(page):
        groups = set()
        for control in form.controls:
            if control.kind in NOT_FIELDS or not control.name or "readonly" in control.attrs:
                continue
            group = group_of(control)
            if group is not None:
                if id(group) in groups:
                    continue
                groups.add(id(group))
            mark = marking(control)
            if group and mark.aria_required and group.attrs.get("role") != "radiogroup":
                found.append(
                    f"{where} {control.name}: aria-required on a fieldset, not a radiogroup"
                )
            at = f"{where} {control.name} ({mark.label!r})"
            if not mark.label:
                found.append(f"{at}: no label")
            elif control.kind == "checkbox" and group is not None and CHOOSE_ONE.search(mark.label):
                if mark.required or mark.aria_required:
                    found.append(f"{at}: 'required' on a tick box demands every box")
            elif mark.required and not mark.aria_required:
                found.append(f"{at}: required, but no aria-required")
            elif (mark.required or mark.aria_required or mark.answered) and mark.says_optional:
                found.append(f"{at}: says optional, but is required or a tick box")
            elif mark.required or mark.aria_required or mark.answered:
                continue
            elif ENDS_OPTIONAL.search(mark.label):
                continue
            elif any(OPTIONAL.search(legend) for legend in mark.around):
                continue  # e.g. "Weekly schedule (optional)": each day's times
            elif SAYS_WHEN.search(mark.label) or control.name in CONDITIONAL:
                continue
            else:
                found.append(f"{at}: optional, but its label does not end with (optional)")
    return found
