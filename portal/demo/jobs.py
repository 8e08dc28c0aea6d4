"""Deterministic synthetic job postings for BC community social services agencies.

Plain data only: no database access. Used by the demo seed (a few hundred jobs) and the
search benchmark (up to 100,000 jobs), so generation is kept cheap: tables are prepared
once at import time and every job costs a few dozen calls on the caller's ``random.Random``.

The tables are data files in ``portal/demo/data/``: roles (``roles.toml``), subsectors
(``subsectors.toml``), the rest of the wording (``text.toml``) and credentials
(``credentials.csv``). Their NOC and credential codes come from ``reference/data``;
``tests/test_demo_data.py`` checks them.
"""

import csv
import random
import tomllib
from bisect import bisect
from itertools import accumulate, permutations
from pathlib import Path

DATA = Path(__file__).parent / "data"


def _toml(name):
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


def _options(items):
    """Credential requirements: a code, or a list of codes meaning "one of"."""
    return tuple(tuple(item) if isinstance(item, list) else (item,) for item in items)


def _role(
    noc,
    titles,
    duties,
    bring,
    pay,
    *,
    annual=None,
    req=("criminal-record-check",),
    extra=(),
    pref=(),
    mix="frontline",
    sched="residential",
    sector=True,
    union=True,
    team=("team",),
    pitch=(),
    clients=None,
    sub_titles=None,
):
    """pay: hourly (low, high) in dollars; annual: (low, high, chance of an annual salary)."""
    return {
        "noc": noc,
        "titles": titles,
        "duties": duties,
        "bring": bring,
        "pay": pay,
        "annual": annual,
        "req": _options(req),
        "extra": _options(extra),
        "pref": pref,
        "mix": mix,
        "sched": sched,
        "sector": sector,
        "union": union,
        "team": team,
        "pitch": pitch,
        "clients": clients,
        "sub_titles": sub_titles or {},
    }


ROLES = {code: _role(**fields) for code, fields in _toml("roles.toml").items()}
SUBSECTORS = _toml("subsectors.toml")
DEFAULT_SUBSECTOR = "child-family"
with open(DATA / "credentials.csv", newline="", encoding="utf-8") as _file:
    _credentials_rows = list(csv.DictReader(_file))
CRED_SHORT = {row["code"]: row["asset"] for row in _credentials_rows}  # for "assets" lines
CRED_REQUIRED = {row["code"]: row["requirement"] for row in _credentials_rows}

TEXT = _toml("text.toml")
SCHEDULES = TEXT["schedules"]
PART_TIME_SCHEDULES = TEXT["part_time_schedules"]
CASUAL_SCHEDULES = TEXT["casual_schedules"]
BENEFITS = TEXT["benefits"]
CASUAL_BENEFITS = TEXT["casual_benefits"]
WAGE_LINES = TEXT["wage_lines"]
UNION_LINES = TEXT["union_lines"]
UNIONS = TEXT["unions"]
ECE_WE_LINES = TEXT["ece_we_lines"]
GENERAL_BRING = TEXT["general_bring"]
INTROS = TEXT["intros"]
APPLY_LINES = TEXT["apply_lines"]
APPLY_EXTRAS = TEXT["apply_extras"]
SECTION_41 = TEXT["section_41"]
CONTACTS = TEXT["contacts"]
CONTACT_TITLES = TEXT["contact_titles"]
SHIFT_CASUAL_TITLE = TEXT["shift_casual_title"]
TITLE_PATTERNS = TEXT["title_patterns"]
ASSET_PREFIXES = TEXT["asset_prefixes"]

EMPLOYMENT_TYPES = ("full_time", "part_time", "casual", "temporary")
EMPLOYMENT_LABELS = {
    "full_time": "full-time",
    "part_time": "part-time",
    "casual": "casual",
    "temporary": "temporary",
}
TYPE_MIXES = {  # weights for full_time, part_time, casual, temporary
    "shift": (36, 26, 26, 12),
    "frontline": (48, 24, 14, 14),
    "daytime": (58, 22, 8, 12),
    "professional": (72, 13, 3, 12),
    "manager": (90, 2, 0, 8),
}
FULL_TIME_HOURS = (35.0, 35.0, 36.0, 37.5, 37.5, 37.5, 40.0)
# Roles a subsector hires in numbers (weight >= CORE_WEIGHT) use the subsector's own clients
# and duties; others serve the role's own clients (a cook at a women's shelter serves the
# shelter's clients; a behaviour interventionist at a family agency still works with children
# with autism).
CORE_WEIGHT = 6

# --------------------------------------------------------------------------------------------
# Prepared tables (built once).
# --------------------------------------------------------------------------------------------


def _cumulative(weights):
    return list(accumulate(weights))


ROLE_TABLES = {
    code: (list(sub["roles"]), _cumulative(sub["roles"].values()))
    for code, sub in SUBSECTORS.items()
}
CORE_ROLES = {
    code: {key for key, weight in sub["roles"].items() if weight >= CORE_WEIGHT}
    for code, sub in SUBSECTORS.items()
}
TYPE_CUMS = {mix: _cumulative(weights) for mix, weights in TYPE_MIXES.items()}
PREF_COUNT_CUM = _cumulative((25, 40, 35))  # 0, 1 or 2 preferred credentials
DAYS_OPEN = tuple(range(61))
DAYS_OPEN_CUM = _cumulative(61 - d for d in DAYS_OPEN)  # recent postings are more common
CLOSES_IN = (7, 10, 14, 14, 14, 21, 21, 21, 28, 28, 30, 30, 45, 60)
SHIFT_WORK = ("residential", "shelter", "home")
MIN_WORDS, MAX_WORDS = 80, 220


# --------------------------------------------------------------------------------------------
# Small helpers. ``rnd`` is the caller's ``rng.random``: choosing by index from one float is
# several times cheaper than ``rng.choice``/``rng.sample`` and just as deterministic.
# --------------------------------------------------------------------------------------------


def _choice(rnd, seq):
    return seq[int(rnd() * len(seq))]


def _sample(rnd, seq, k):
    """k distinct items from seq (a partial Fisher-Yates shuffle)."""
    if k == 1:
        return [seq[int(rnd() * len(seq))]]
    pool = list(seq)
    n = len(pool)
    for i in range(min(k, n)):
        j = i + int(rnd() * (n - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def _pick(rnd, items, cum):
    """Weighted choice from precomputed cumulative weights."""
    return items[bisect(cum, rnd() * cum[-1])]


def _an(phrase):
    return ("an " if phrase[0] in "AEIOUaeiou" or phrase.startswith("HR ") else "a ") + phrase


def _join(items):
    if len(items) < 3:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _fill(template, ctx):
    return template.format_map(ctx) if "{" in template else template


# Every ordered pair and triple of benefits, joined once here rather than once per job.
BENEFIT_PHRASES = {
    (casual, k): [_join(combo) for combo in permutations(pool, k)]
    for casual, pool in ((False, BENEFITS), (True, CASUAL_BENEFITS))
    for k in (2, 3)
}


def _money(cents, unit):
    if unit == "annual":
        return f"${cents // 100:,}"
    return f"${cents // 100}.{cents % 100:02d}"


# --------------------------------------------------------------------------------------------
# Per-agency facts (fixed for the whole run).
# --------------------------------------------------------------------------------------------


def _agency_facts(rng, agency):
    rnd = rng.random
    sub = agency["subsector"] if agency["subsector"] in SUBSECTORS else DEFAULT_SUBSECTOR
    unionized = agency.get("unionized")
    if unionized is None:
        unionized = rnd() < SUBSECTORS[sub]["union_rate"]
    words = "".join(c if c.isalnum() else " " for c in agency["name"].lower()).split()
    initials = "".join(w[0] for w in words if w not in ("of", "and", "the"))[:4].upper()
    union = _choice(rnd, UNIONS)
    # a draw once spent on an agency email address (seekers apply through the portal, so
    # postings give none), kept so that the same seed still gives the same jobs
    rnd()
    return {
        "agency": agency,
        "sub": sub,
        "sub_data": SUBSECTORS[sub],
        "roles": ROLE_TABLES[sub],
        "core": CORE_ROLES[sub],
        "unionized": unionized,
        "union": union,
        "prefix": initials or "JOB",
        "years": _choice(rnd, (12, 15, 20, 25, 30, 35, 40, 45, 50)),
        # log-normal spread: a few agencies post a lot, many post a little
        "weight": rng.lognormvariate(0.0, 0.9) * SUBSECTORS[sub]["size"],
    }


# --------------------------------------------------------------------------------------------
# Per-job pieces.
# --------------------------------------------------------------------------------------------


def _title(rnd, role, sub, etype):
    sub_titles = role["sub_titles"].get(sub)
    base = _choice(rnd, sub_titles if sub_titles and rnd() < 0.7 else role["titles"])
    shift_work = role["sched"] in SHIFT_WORK
    patterns = SHIFT_CASUAL_TITLE if etype == "casual" and shift_work else TITLE_PATTERNS[etype]
    pattern = _choice(rnd, patterns)
    if (role["mix"] == "manager" and etype == "full_time") or (
        "(" in base and pattern.endswith(")")
    ):
        pattern = "{t}"
    return base, pattern.replace("{t}", base)


def _hours(rnd, etype):
    if etype == "full_time":
        return _choice(rnd, FULL_TIME_HOURS)
    if etype == "part_time":
        return 15.0 + 0.5 * int(rnd() * 31)  # 15-30
    if etype == "casual":
        return 8.0 + 0.5 * int(rnd() * 33)  # 8-24
    return 20.0 + 0.5 * int(rnd() * 36)  # 20-37.5


def _schedule(rnd, role, etype):
    kind = role["sched"]
    if etype == "casual" and (kind not in SHIFT_WORK or rnd() < 0.6):
        return _choice(rnd, CASUAL_SCHEDULES)
    if etype == "part_time" and kind in PART_TIME_SCHEDULES:
        return _choice(rnd, PART_TIME_SCHEDULES[kind])
    return _choice(rnd, SCHEDULES[kind])


def _pay(rnd, role, etype, union):
    """(min_cents, max_cents, unit). Union wage grids show exact cents; others round."""
    annual = role["annual"]
    if annual and etype != "casual" and rnd() < annual[2]:
        low, high, step, unit = annual[0] * 100, annual[1] * 100, 50000, "annual"
    else:
        low, high, unit = role["pay"][0] * 100, role["pay"][1] * 100, "hourly"
        step = 1 if union else 25
    span = high - low
    pay_min = low + int(rnd() * span * 0.6)
    pay_max = min(high, pay_min + int(span * (0.12 + 0.38 * rnd())))
    pay_min -= pay_min % step
    pay_max -= pay_max % step
    if pay_max <= pay_min:
        pay_max = pay_min + max(step, 50)
    return pay_min, pay_max, unit


def _credentials(rnd, role):
    required = [item[0] if len(item) == 1 else _choice(rnd, item) for item in role["req"]]
    for item in role["extra"]:
        if len(required) < 3 and rnd() < 0.4:
            code = item[0] if len(item) == 1 else _choice(rnd, item)
            if code not in required:
                required.append(code)
    pool = [c for c in role["pref"] if c not in required]
    count = min(len(pool), bisect(PREF_COUNT_CUM, rnd() * PREF_COUNT_CUM[-1]))
    return required[:3], _sample(rnd, pool, count) if count else []


def _intro(rnd, ctx, role, sub_data):
    ctx["mission"] = _choice(rnd, sub_data["mission"]).format_map(ctx)
    ctx["pitch"] = _choice(rnd, role["pitch"]).format_map(ctx) if role["pitch"] else ""
    intro = _choice(rnd, INTROS).format_map(ctx)
    return intro if ctx["pitch"] else intro.replace("  ", " ").strip()


def _duties(rnd, ctx, role, sub_data, core):
    if core and role["sector"]:  # role duties plus one or two that belong to the subsector
        items = _sample(rnd, role["duties"], 3) + _sample(
            rnd, sub_data["duties"], 1 + (rnd() < 0.5)
        )
    else:
        items = _sample(rnd, role["duties"], 3 + (rnd() < 0.6))
    return [_fill(item, ctx) for item in items]


def _bring(rnd, ctx, role, required, preferred):
    items = [CRED_REQUIRED[c] for c in required]
    items += [_fill(item, ctx) for item in _sample(rnd, role["bring"], 1 + (rnd() < 0.6))]
    if rnd() < 0.5:
        items.append(_fill(_choice(rnd, GENERAL_BRING), ctx))
    if preferred:
        items.append(_choice(rnd, ASSET_PREFIXES) + _join([CRED_SHORT[c] for c in preferred]))
    return items


def _wage_line(rnd, etype, pay_min, pay_max, unit):
    per = "per year" if unit == "annual" else "per hour"
    pay = f"{_money(pay_min, unit)} - {_money(pay_max, unit)} {per}"
    if unit == "annual" and etype == "part_time":
        pay += " (pro-rated)"
    benefits = _choice(rnd, BENEFIT_PHRASES[etype == "casual", 2 + (rnd() < 0.5)])
    if etype == "part_time" and rnd() < 0.5:
        benefits += " (pro-rated for part-time hours)"
    return _choice(rnd, WAGE_LINES).format(pay=pay, benefits=benefits)


def _render(intro, duties, bring, closing):
    return (
        f"{intro}\n\n## What you'll do\n\n- "
        + "\n- ".join(duties)
        + "\n\n## What you bring\n\n- "
        + "\n- ".join(bring)
        + f"\n\n{closing}"
    )


def _description(rnd, ctx, role, sub_data, core, required, preferred, closing):
    intro = _intro(rnd, ctx, role, sub_data)
    duties = _duties(rnd, ctx, role, sub_data, core)
    bring = _bring(rnd, ctx, role, required, preferred)
    text = _render(intro, duties, bring, closing)
    while _word_count(text, duties, bring) > MAX_WORDS and len(duties) + len(bring) > 5:
        (duties if len(duties) >= len(bring) - 1 else bring).pop()
        text = _render(intro, duties, bring, closing)
    for item in GENERAL_BRING:  # rare: a short intro with few bullets
        if _word_count(text, duties, bring) >= MIN_WORDS:
            break
        if item not in bring:
            bring.append(_fill(item, ctx))
            text = _render(intro, duties, bring, closing)
    return text


def _word_count(text, duties, bring):
    """len(text.split()) for a rendered description, counted cheaply: words are separated by
    single spaces, plus one line break after each of the 3 + len(duties) + len(bring) lines."""
    return text.count(" ") + len(duties) + len(bring) + 4


def _how_to_apply(rnd, facts, community, ref):
    line = _choice(rnd, APPLY_LINES).format(
        ref=ref,
        community=community,
        contact=_choice(rnd, CONTACTS),
        contact_title=_choice(rnd, CONTACT_TITLES),
    )
    if facts["sub"] in SECTION_41 and rnd() < 0.6:
        line += SECTION_41[facts["sub"]]
    elif rnd() < 0.5:
        line += _choice(rnd, APPLY_EXTRAS)
    return line


def _community(rnd, agency, communities_by_region):
    home = agency["community"]
    if rnd() < 0.85:
        return home
    return _choice(rnd, communities_by_region.get(agency["region"]) or [home])


def _job(rnd, facts, communities_by_region, index):
    agency = facts["agency"]
    sub, sub_data = facts["sub"], facts["sub_data"]
    role_key = _pick(rnd, *facts["roles"])
    role = ROLES[role_key]
    core = role_key in facts["core"]
    clients = sub_data["clients"] if core else role["clients"] or sub_data["clients"]
    etype = _pick(rnd, EMPLOYMENT_TYPES, TYPE_CUMS[role["mix"]])
    base_title, title = _title(rnd, role, sub, etype)
    community = _community(rnd, agency, communities_by_region)
    union = facts["unionized"] and role["union"] and rnd() < 0.92
    pay_min, pay_max, unit = _pay(rnd, role, etype, union)
    required, preferred = _credentials(rnd, role)

    show_type = etype != "full_time" or rnd() < 0.4
    ctx = {
        "agency": agency["name"],
        "community": community,
        "years": facts["years"],
        "clients": _choice(rnd, clients),
        "value": _choice(rnd, sub_data["values"]),
        "team": _choice(rnd, role["team"]),
        "a_title": _an(f"{EMPLOYMENT_LABELS[etype]} {base_title}" if show_type else base_title),
    }
    closing = [_wage_line(rnd, etype, pay_min, pay_max, unit)]
    if union:
        closing.append(_choice(rnd, UNION_LINES).format(union=facts["union"]))
    if role["noc"] == "42202" and "ece-certificate" in required and rnd() < 0.5:
        closing.append(_choice(rnd, ECE_WE_LINES))
    description = _description(
        rnd, ctx, role, sub_data, core, required, preferred, " ".join(closing)
    )
    ref = f"{facts['prefix']}-26-{100 + index % 900}"
    return {
        "agency_id": agency["id"],
        "title": title,
        "description": description,
        "noc": role["noc"],
        "community": community,
        "employment_type": etype,
        "hours_per_week": _hours(rnd, etype),
        "schedule": _schedule(rnd, role, etype),
        "pay_min_cents": pay_min,
        "pay_max_cents": pay_max,
        "pay_unit": unit,
        "union_position": bool(union),
        "how_to_apply": _how_to_apply(rnd, facts, community, ref),
        "required_credentials": required,
        "preferred_credentials": preferred,
        "days_open": _pick(rnd, DAYS_OPEN, DAYS_OPEN_CUM),
        "closes_in_days": min(60, _choice(rnd, CLOSES_IN) + int(rnd() * 3)),
        "_kind": role["sched"],  # for the weekly schedule (generate_jobs)
    }


# --------------------------------------------------------------------------------------------
# Weekly schedules: blocks of (weekday 0 = Monday, "HH:MM", "HH:MM") with the wording that
# goes with them. Hours per week follow from the blocks (paid hours, breaks left out).
# --------------------------------------------------------------------------------------------

MON_FRI = (0, 1, 2, 3, 4)
SHIFT_KINDS = ("residential", "shelter", "home")


def _week(text, *groups):
    """A schedule: its wording and its blocks, from (days, start, end) groups."""
    blocks = sorted([day, start, end] for days, start, end in groups for day in days)
    return text, blocks


FULL_WEEKS = {
    "office": (
        _week("Monday to Friday, 8:30 am - 4:00 pm", (MON_FRI, "08:30", "16:00")),
        _week("Monday to Friday, 9:00 am - 4:30 pm", (MON_FRI, "09:00", "16:30")),
        _week("Monday to Friday, 8:00 am - 3:00 pm", (MON_FRI, "08:00", "15:00")),
        _week("Monday to Friday, 8:00 am - 4:00 pm", (MON_FRI, "08:00", "16:00")),
    ),
    "day": (
        _week("Monday to Friday, 8:30 am - 4:00 pm", (MON_FRI, "08:30", "16:00")),
        _week("Monday to Friday, 8:00 am - 3:30 pm", (MON_FRI, "08:00", "15:30")),
    ),
    "outreach": (
        _week("Monday to Friday, 10:00 am - 5:30 pm", (MON_FRI, "10:00", "17:30")),
        _week("Tuesday to Saturday, 9:00 am - 4:30 pm", ((1, 2, 3, 4, 5), "09:00", "16:30")),
        _week(
            "Afternoons and evenings, Monday to Friday, 12:00 - 7:00 pm",
            (MON_FRI, "12:00", "19:00"),
        ),
    ),
    "childcare": (
        _week("Monday to Friday, 7:30 am - 3:00 pm", (MON_FRI, "07:30", "15:00")),
        _week("Monday to Friday, 9:30 am - 5:00 pm", (MON_FRI, "09:30", "17:00")),
        _week("Monday to Friday, 8:00 am - 3:30 pm", (MON_FRI, "08:00", "15:30")),
    ),
    "residential": (
        _week(
            "Days, 7:00 am - 2:30 pm, Saturday to Wednesday", ((5, 6, 0, 1, 2), "07:00", "14:30")
        ),
        _week(
            "Evenings, 3:00 pm - 10:30 pm, Wednesday to Sunday", ((2, 3, 4, 5, 6), "15:00", "22:30")
        ),
        _week("Monday to Friday, 7:00 am - 2:30 pm", (MON_FRI, "07:00", "14:30")),
        _week("Four 9-hour day shifts, Thursday to Sunday", ((3, 4, 5, 6), "07:00", "16:00")),
    ),
    "shelter": (
        _week(
            "Evenings, 3:00 pm - 10:30 pm, Friday to Tuesday", ((4, 5, 6, 0, 1), "15:00", "22:30")
        ),
        _week("Days, 7:00 am - 2:30 pm, Sunday to Thursday", ((6, 0, 1, 2, 3), "07:00", "14:30")),
        _week("Four 10-hour shifts, Friday to Monday", ((4, 5, 6, 0), "08:00", "18:00")),
    ),
    "home": (
        _week(
            "Monday to Friday, 7:00 am - 2:30 pm, travel between clients",
            (MON_FRI, "07:00", "14:30"),
        ),
        _week(
            "Days incl. weekends, Thursday to Monday, 8:00 am - 3:30 pm",
            ((3, 4, 5, 6, 0), "08:00", "15:30"),
        ),
    ),
    "kitchen": (
        _week("Monday to Friday, 6:00 am - 1:30 pm", (MON_FRI, "06:00", "13:30")),
        _week("Days, Wednesday to Sunday, 6:30 am - 2:00 pm", ((2, 3, 4, 5, 6), "06:30", "14:00")),
    ),
}
# Part-time schedules in pairs that fit together into a week of 35-40 hours: part-time jobs
# of the same occupation group in a region take the two halves in turn, so that a seeker
# can combine them at once.
PART_PAIRS = {
    "day": (
        (
            _week("Monday to Wednesday, 8:00 am - 2:15 pm", ((0, 1, 2), "08:00", "14:15")),
            _week("Thursday to Saturday, 8:00 am - 2:15 pm", ((3, 4, 5), "08:00", "14:15")),
        ),
        (
            _week("Mornings, Monday to Friday, 8:00 am - 12:00 pm", (MON_FRI, "08:00", "12:00")),
            _week("Afternoons, Monday to Friday, 12:30 - 4:30 pm", (MON_FRI, "12:30", "16:30")),
        ),
        (
            _week("Monday, Wednesday and Friday, 8:30 am - 4:00 pm", ((0, 2, 4), "08:30", "16:00")),
            _week("Tuesday and Thursday, 8:30 am - 4:00 pm", ((1, 3), "08:30", "16:00")),
        ),
        (
            _week("Monday to Thursday, 9:00 am - 2:00 pm", ((0, 1, 2, 3), "09:00", "14:00")),
            _week("Friday and Saturday, 8:00 am - 4:30 pm", ((4, 5), "08:00", "16:30")),
        ),
    ),
    "shift": (
        (
            _week("Days, Monday to Thursday, 7:00 am - 12:00 pm", ((0, 1, 2, 3), "07:00", "12:00")),
            _week(
                "Weekend days, Friday to Sunday, 7:00 am - 1:00 pm", ((4, 5, 6), "07:00", "13:00")
            ),
        ),
        (
            _week("Evenings, Monday to Thursday, 4:00 - 9:00 pm", ((0, 1, 2, 3), "16:00", "21:00")),
            _week("Evenings, Friday to Sunday, 3:00 - 9:00 pm", ((4, 5, 6), "15:00", "21:00")),
        ),
        (
            _week("Mornings, Monday to Friday, 7:00 - 11:00 am", (MON_FRI, "07:00", "11:00")),
            _week("Late afternoons, Monday to Friday, 3:00 - 7:00 pm", (MON_FRI, "15:00", "19:00")),
        ),
        (
            _week("Monday to Wednesday, 7:00 am - 3:00 pm", ((0, 1, 2), "07:00", "15:00")),
            _week("Thursday and Friday, 7:00 am - 3:00 pm", ((3, 4), "07:00", "15:00")),
        ),
    ),
}
CASUAL_WEEKS = {
    "day": (
        _week(
            "Casual; usually Tuesday and Thursday, 9:00 am - 3:00 pm", ((1, 3), "09:00", "15:00")
        ),
        _week(
            "Relief shifts; usually Monday to Wednesday, 9:00 am - 3:00 pm",
            ((0, 1, 2), "09:00", "15:00"),
        ),
        _week("Casual; usually Fridays, 8:30 am - 4:00 pm", ((4,), "08:30", "16:00")),
    ),
    "shift": (
        _week("Casual; usually weekends, 7:00 am - 3:00 pm", ((5, 6), "07:00", "15:00")),
        _week(
            "Relief; usually Friday and Saturday evenings, 3:00 - 11:00 pm",
            ((4, 5), "15:00", "23:00"),
        ),
        _week(
            "On-call; usually three evenings, Wednesday to Friday, 4:00 - 10:00 pm",
            ((2, 3, 4), "16:00", "22:00"),
        ),
    ),
}


def _hours_of(blocks):
    minutes = sum(
        int(end[:2]) * 60 + int(end[3:]) - int(start[:2]) * 60 - int(start[3:])
        for _, start, end in blocks
    )
    return minutes / 60


def _weekly_schedules(rnd, jobs, kinds, regions):
    """Give every job a weekly schedule (wording, blocks and the hours they add up to).
    Done after all jobs are drawn, so that the rest of each posting stays as it was."""
    turns: dict[tuple, int] = {}
    starts: dict[tuple, int] = {}
    for job, kind in zip(jobs, kinds, strict=True):
        family = "shift" if kind in SHIFT_KINDS else "day"
        etype = job["employment_type"]
        if etype == "casual":
            text, blocks = _choice(rnd, CASUAL_WEEKS[family])
        elif etype == "full_time" or job["hours_per_week"] >= 30:
            text, blocks = _choice(rnd, FULL_WEEKS[kind])
        else:  # part-time: the other half of the last one in this region and group
            key = (regions[job["agency_id"]], job["noc"][:3], family)
            pairs = PART_PAIRS[family]
            if key not in starts:
                starts[key] = int(rnd() * len(pairs))
            turn = turns[key] = turns.get(key, -1) + 1
            text, blocks = pairs[(starts[key] + turn // 2) % len(pairs)][turn % 2]
        job["schedule"] = text
        job["schedule_blocks"] = [list(block) for block in blocks]
        job["hours_per_week"] = _hours_of(blocks)


# --------------------------------------------------------------------------------------------
# Public API.
# --------------------------------------------------------------------------------------------


def generate_jobs(
    rng: random.Random, n: int, agencies: list[dict], communities_by_region: dict[str, list[str]]
) -> list[dict]:
    """agencies: [{"id": int, "name": str, "subsector": str (subsector code),
    "region": str (region code), "community": str}], optionally with "unionized": bool.
    communities_by_region: region code -> community names.

    Returns n plain dicts describing realistic BC community social services postings:
    agency_id, title, description (Markdown), noc, community, employment_type,
    hours_per_week, schedule, schedule_blocks (weekly blocks [weekday 0-6, "HH:MM", "HH:MM"]
    adding up to hours_per_week), pay_min_cents, pay_max_cents, pay_unit, union_position,
    how_to_apply, required_credentials, preferred_credentials, days_open, closes_in_days.
    Only ``rng`` is used for randomness, so the same seed always gives the same jobs.
    """
    if n <= 0:
        return []
    if not agencies:
        raise ValueError("generate_jobs needs at least one agency")
    rnd = rng.random
    facts = [_agency_facts(rng, agency) for agency in agencies]
    agency_cum = _cumulative(f["weight"] for f in facts)
    kinds = []
    jobs = []
    for i in range(n):
        job = _job(rnd, _pick(rnd, facts, agency_cum), communities_by_region, i)
        kinds.append(job.pop("_kind"))
        jobs.append(job)
    _weekly_schedules(rnd, jobs, kinds, {a["id"]: a.get("region") for a in agencies})
    return jobs
