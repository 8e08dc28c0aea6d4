"""Search relevance over a realistic corpus of about forty jobs: stemming and spelling
variants, title boosts, phrases, the sector's acronyms and synonyms, occupation keywords,
agency and community names, and misspellings ("did you mean").

Each case runs the portal's own search (``portal.search.search``) and names job titles that
must appear in the top five; some also name titles that must not match at all, an
ordering, or the only titles the results may contain."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.jobs import services
from portal.models import Community, Occupation
from portal.search import SearchParams, search
from portal.search.sync import apply_pending
from portal.timeutil import today_pacific

TOP = 5

AGENCIES = {
    "nfla": "Nanaimo Family Life Association",
    "obgc": "Okanagan Boys and Girls Clubs",
    "pgnfc": "Prince George Native Friendship Centre",
    "options": "Options Community Services",
    "pcfs": "Pacific Centre Family Services",
    "cls": "Community Living Society",
}

# (title, NOC code, community, agency key, description)
CORPUS = [
    (
        "Clinical Counsellor",
        "41301",
        "Nanaimo",
        "nfla",
        "Provide individual and group counselling to adults who have experienced trauma. "
        "A master's degree and registration with the BC Association of Clinical Counsellors "
        "are required.",
    ),
    (
        "Early Childhood Educator",
        "42202",
        "Nanaimo",
        "nfla",
        "Plan play-based learning for children aged three to five in our licensed child care "
        "centre. A valid certificate from the BC ECE Registry is required.",
    ),
    (
        "Employment Counsellor",
        "41321",
        "Nanaimo",
        "nfla",
        "Help job seekers at our WorkBC centre with career planning, resumes and interviews.",
    ),
    (
        "Life Skills Worker",
        "42201",
        "Nanaimo",
        "nfla",
        "Teach cooking, budgeting and household skills to young adults leaving government care.",
    ),
    (
        "Program Manager",
        "40030",
        "Nanaimo",
        "nfla",
        "Lead a team of fifteen staff across our family programs: budgets, reporting and "
        "quality assurance.",
    ),
    (
        "Cook",
        "63200",
        "Nanaimo",
        "nfla",
        "Prepare nutritious meals for forty residents; FoodSafe certificate required.",
    ),
    (
        "Positive Behaviour Support Consultant",
        "42203",
        "Nanaimo",
        "cls",
        "Design positive behaviour support plans for adults with autism and train the staff "
        "who use them.",
    ),
    (
        "Family Counsellor",
        "41301",
        "Kelowna",
        "obgc",
        "Short-term counselling and family therapy for parents and children referred by "
        "schools and physicians.",
    ),
    (
        "Infant Toddler Educator",
        "42202",
        "Kelowna",
        "obgc",
        "Care for infants and toddlers under 36 months in a twelve-space program. An Infant "
        "Toddler certificate is required.",
    ),
    (
        "Youth Worker",
        "42201",
        "Kelowna",
        "obgc",
        "Run drop-in evenings and one-to-one mentoring for teens aged 13 to 18.",
    ),
    (
        "Child Care Worker",
        "42202",
        "Kelowna",
        "obgc",
        "Before- and after-school child care for children aged five to twelve. Responsible "
        "Adult certificate or ECE Assistant certificate.",
    ),
    (
        "Recreation Leader",
        "54100",
        "Kelowna",
        "obgc",
        "Lead sports, arts and outdoor games so that every child at summer camp feels welcome. "
        "You will take great care with safety and equipment.",
    ),
    (
        "Community Support Worker - Casual",
        "42201",
        "Kelowna",
        "cls",
        "Casual shifts supporting adults with developmental disabilities in their homes and "
        "in the community.",
    ),
    (
        "Home Support Worker",
        "44101",
        "Kelowna",
        "cls",
        "Visit seniors in their homes to help with bathing, meals and light housekeeping.",
    ),
    (
        "FASD Key Worker",
        "42201",
        "Prince George",
        "pgnfc",
        "Support families raising children with fetal alcohol spectrum disorder: advocacy, "
        "school meetings and connection to services.",
    ),
    (
        "Shelter Worker",
        "42201",
        "Prince George",
        "pgnfc",
        "Overnight shifts at our emergency shelter: intake, safety checks and referrals.",
    ),
    (
        "Respite Worker",
        "44101",
        "Prince George",
        "pgnfc",
        "Give parents of children with disabilities a break with weekend respite visits.",
    ),
    (
        "Stopping the Violence Counsellor",
        "41301",
        "Prince George",
        "pgnfc",
        "Trauma-informed counselling for women who have experienced violence or abuse.",
    ),
    (
        "Elders Program Coordinator",
        "40030",
        "Prince George",
        "pgnfc",
        "Coordinate cultural programs, gatherings and transportation for Elders.",
    ),
    (
        "Job Coach",
        "42203",
        "Prince George",
        "cls",
        "Supported employment: help adults with disabilities find and keep jobs with local "
        "employers.",
    ),
    (
        "Child and Youth Care Counsellor",
        "42201",
        "Surrey",
        "options",
        "Residential program for adolescents. A diploma or degree in Child and Youth Care is "
        "required.",
    ),
    (
        "Social Worker",
        "41300",
        "Surrey",
        "options",
        "Child protection and family preservation. A bachelor's degree in social work and "
        "eligibility for registration are required.",
    ),
    (
        "Behaviour Interventionist",
        "42203",
        "Surrey",
        "options",
        "Deliver one-to-one programs at home for children with autism spectrum disorder.",
    ),
    (
        "Settlement Worker",
        "42201",
        "Surrey",
        "options",
        "Help newcomers and refugee families find housing, schools and services.",
    ),
    (
        "Addictions Counsellor",
        "41301",
        "Surrey",
        "options",
        "Substance use counselling and harm reduction for adults in our day program.",
    ),
    (
        "Personal Care Attendant",
        "44101",
        "Surrey",
        "cls",
        "Assist a client with a spinal cord injury with personal care and mobility.",
    ),
    (
        "Residential Care Aide",
        "33102",
        "Surrey",
        "cls",
        "Personal care for seniors in a licensed care home. Current first aid.",
    ),
    (
        "ECE Assistant",
        "42202",
        "Surrey",
        "options",
        "Assist the early childhood educators in a 25-space daycare.",
    ),
    (
        "Maintenance Worker",
        "73201",
        "Surrey",
        "cls",
        "Repairs and upkeep of twelve group homes; valid driver's licence.",
    ),
    (
        "Program Coordinator",
        "40030",
        "Victoria",
        "pcfs",
        "Coordinate after-school and summer programs for youth and their families.",
    ),
    (
        "Executive Director",
        "00013",
        "Victoria",
        "pcfs",
        "Lead the society and report to the board: strategy, funding and partnerships.",
    ),
    (
        "Mental Health Outreach Worker",
        "42201",
        "Victoria",
        "pcfs",
        "Street outreach for adults living with mental illness and substance use.",
    ),
    (
        "Special Needs Educator",
        "42202",
        "Victoria",
        "pcfs",
        "Support the inclusion of children with extra support needs in a child care setting.",
    ),
    (
        "Family Support Worker",
        "42201",
        "Victoria",
        "pcfs",
        "Home visits that strengthen parenting skills and family routines.",
    ),
    (
        "Administrative Assistant",
        "13110",
        "Victoria",
        "pcfs",
        "Reception, scheduling and data entry for a busy family services office.",
    ),
    (
        "Health Care Aide",
        "33102",
        "Victoria",
        "cls",
        "Assist residents with bathing, dressing and mobility on evening shifts.",
    ),
    (
        "Outreach Nurse",
        "31301",
        "Victoria",
        "pcfs",
        "Registered nurse for street outreach and wound care.",
    ),
    (
        "Community Support Worker",
        "42201",
        "Victoria",
        "cls",
        "Support adults with developmental disabilities in a staffed residential home.",
    ),
    (
        "Career Development Practitioner",
        "41321",
        "Victoria",
        "pcfs",
        "Career coaching workshops for adults returning to work.",
    ),
    (
        "Preschool Teacher",
        "42202",
        "Prince George",
        "pgnfc",
        "Half-day preschool for three- and four-year-olds in our Aboriginal Head Start program.",
    ),
]

TITLES = [title for title, *_ in CORPUS]
IN = {
    place: {t for t, _noc, c, *_ in CORPUS if c == place}
    for place in ("Nanaimo", "Kelowna", "Prince George", "Surrey", "Victoria")
}
OF = {key: {t for t, _noc, _c, a, _d in CORPUS if a == key} for key in AGENCIES}
CHILD_CARE = {"Early Childhood Educator", "Child Care Worker", "Special Needs Educator"}
COUNSELLORS = ["Clinical Counsellor", "Family Counsellor"]


@dataclass
class Case:
    query: str
    top: list[str]  # titles that must all be among the first five hits
    absent: set[str] = field(default_factory=set)  # titles that must not match at all
    top_from: set[str] | None = None  # if given, the first five hits are all among these
    only: set[str] | None = None  # if given, every hit must be one of these titles
    above: tuple[str, str] | None = None  # the first title ranks above the second
    corrected: bool = False  # a misspelling: the result names its correction


CASES = [
    # stemming and spelling variants
    Case("counsellor", COUNSELLORS),
    Case("counselling", COUNSELLORS),
    Case("counsellors", COUNSELLORS),
    Case("counselor", COUNSELLORS),
    Case(
        "behavior interventionist",
        ["Behaviour Interventionist"],
        above=("Behaviour Interventionist", "Job Coach"),
    ),
    # field boosts: a title match ranks above a description-only match
    Case("youth", ["Youth Worker"], above=("Youth Worker", "Program Coordinator")),
    # phrases
    Case('"child care"', sorted(CHILD_CARE), absent={"Recreation Leader"}),
    Case(
        '"support worker"',
        ["Community Support Worker", "Home Support Worker", "Family Support Worker"],
        absent={"Positive Behaviour Support Consultant", "Job Coach"},
    ),
    # acronyms and synonyms, both ways
    Case("ECE", ["Early Childhood Educator", "ECE Assistant"]),
    Case("early childhood educator", ["Early Childhood Educator", "ECE Assistant"]),
    Case(
        "CSW",
        ["Community Support Worker", "Community Support Worker - Casual"],
        above=("Community Support Worker", "Life Skills Worker"),
    ),
    Case(
        "community support worker",
        ["Community Support Worker", "Community Support Worker - Casual"],
    ),
    Case("CYC", ["Child and Youth Care Counsellor"]),
    Case("CYW", ["Child and Youth Care Counsellor"]),
    Case("child and youth care", ["Child and Youth Care Counsellor"]),
    Case("HCA", ["Health Care Aide", "Residential Care Aide"]),
    Case("RCA", ["Residential Care Aide", "Health Care Aide"]),
    Case("residential care aide", ["Residential Care Aide", "Health Care Aide"]),
    Case("BSW", ["Social Worker"]),
    Case("MSW", ["Social Worker"]),
    Case("FASD", ["FASD Key Worker"]),
    Case("fetal alcohol spectrum disorder", ["FASD Key Worker"]),
    Case("ASD", ["Behaviour Interventionist"]),
    Case("autism", ["Behaviour Interventionist", "Positive Behaviour Support Consultant"]),
    Case("ITE", ["Infant Toddler Educator"]),
    Case("RCC", ["Clinical Counsellor"]),
    Case("PCA", ["Personal Care Attendant"]),
    Case("HSW", ["Home Support Worker"]),
    Case("STV", ["Stopping the Violence Counsellor"]),
    Case("executive director", ["Executive Director"]),
    Case(
        "mental health",
        ["Mental Health Outreach Worker"],
        above=("Mental Health Outreach Worker", "Outreach Nurse"),
    ),
    # occupation keywords (NOC 42201 lists "youth worker")
    Case("youth worker", ["Youth Worker", "Child and Youth Care Counsellor"]),
    Case("WorkBC", ["Employment Counsellor"]),
    # agency and community names; noise words ("jobs in") are dropped
    # (the agency's name says Nanaimo too, so its jobs come first)
    Case("Nanaimo", [], top_from=OF["nfla"], only=IN["Nanaimo"]),
    Case(
        "counsellor jobs in Nanaimo",
        ["Clinical Counsellor", "Employment Counsellor"],
        only=IN["Nanaimo"],
    ),
    Case("Prince George", [], top_from=OF["pgnfc"], only=IN["Prince George"]),
    Case("Boys and Girls Clubs", sorted(OF["obgc"]), only=OF["obgc"]),
    Case("Okanagan Boys and Girls Clubs youth", ["Youth Worker"]),
    Case("Friendship Centre", [], top_from=OF["pgnfc"], only=OF["pgnfc"]),
    Case("Friendship Center", [], top_from=OF["pgnfc"], only=OF["pgnfc"]),
    Case("social worker jobs in Surrey", ["Social Worker"]),
    # misspellings
    Case("counseler", COUNSELLORS),
    Case("edcuator", ["Early Childhood Educator"], corrected=True),
    Case("infant todler educator", ["Infant Toddler Educator"], corrected=True),
    Case("childcare worker", ["Child Care Worker"]),
    Case("childcare", sorted(CHILD_CARE)),
    Case("daycare", ["ECE Assistant"]),
]


@pytest.fixture
def corpus(db, make_agency) -> dict[int, str]:
    """The corpus, published and indexed once per test: job id -> title."""
    agencies = {key: make_agency(name=name) for key, name in AGENCIES.items()}
    occupations = dict(db.session.execute(select(Occupation.noc_code, Occupation.id)).all())
    communities = dict(
        db.session.execute(select(Community.name, Community.id).where(Community.name.in_(IN))).all()
    )
    closes = today_pacific() + timedelta(days=45)
    jobs = []
    for n, (title, noc, place, key, description) in enumerate(CORPUS):
        agency = agencies[key]
        job = services.create_draft(
            agency,
            {
                "title": title,
                "description": description,
                "occupation_id": occupations[noc],
                "community_id": communities[place],
                "employment_type": ("full_time", "part_time", "casual")[n % 3],
                "hours_per_week": 37.5,
                "schedule": "",
                "pay_min_cents": 2400,
                "pay_max_cents": 3400,
                "pay_unit": "hourly",
                "union_position": False,
                "how_to_apply": "Apply on the portal.",
                "closes_on": closes,
            },
            agency.owner,
        )
        services.publish(job, agency.owner)
        jobs.append(job)
    db.session.commit()
    apply_pending()
    return {job.id: job.title for job in jobs}


def test_corpus_is_searchable(corpus):
    assert len(corpus) == len(CORPUS) == len(set(TITLES)) >= 40
    assert search(SearchParams(page=3)).total == len(CORPUS)


def test_cases_name_corpus_titles():
    for case in CASES:
        named = {
            *case.top,
            *case.absent,
            *(case.top_from or ()),
            *(case.only or ()),
            *(case.above or ()),
        }
        assert named <= set(TITLES), named - set(TITLES)
        assert case.top or case.top_from, case.query
    assert len(CASES) >= 25


def every_hit(corpus, query: str) -> list[str]:
    """The titles of all hits of a query, over all result pages, best first."""
    titles, page = [], 1
    while True:
        result = search(SearchParams(q=query, page=page))
        titles += [corpus[h.job_id] for h in result.hits]
        if page >= result.pages:
            assert len(titles) == result.total
            return titles
        page += 1


@pytest.mark.parametrize("case", CASES, ids=[c.query for c in CASES])
def test_relevance(corpus, case):
    result = search(SearchParams(q=case.query))
    top = [corpus[h.job_id] for h in result.hits[:TOP]]

    assert set(case.top) <= set(top), (case.query, top)
    if case.top_from is not None:
        assert len(top) == min(TOP, len(case.top_from)), (case.query, top)
        assert set(top) <= case.top_from, (case.query, top)
    if case.absent or case.only is not None or case.above:
        ranked = every_hit(corpus, case.query)
        assert not case.absent & set(ranked), (case.query, ranked)
        assert case.only is None or set(ranked) <= case.only, (case.query, ranked)
        if case.above:
            first, second = case.above
            assert second in ranked, (case.query, ranked)
            assert ranked.index(first) < ranked.index(second), (case.query, ranked)
    if case.corrected:
        assert result.corrected_from == case.query, (result.corrected_from, result.suggestion)
        assert result.suggestion and result.suggestion != case.query
