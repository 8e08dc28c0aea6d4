"""Deterministic synthetic job postings for BC community social services agencies.

Plain data only: no database access. Used by the demo seed (a few hundred jobs) and the
search benchmark (up to 100,000 jobs), so generation is kept cheap: tables are prepared
once at import time and every job costs a few dozen calls on the caller's ``random.Random``.

NOC codes come from ``reference/data/occupations.csv`` and credential codes from
``reference/data/credentials.csv``; the ``__main__`` block checks both.
"""

import random
from bisect import bisect
from itertools import accumulate, permutations

# --------------------------------------------------------------------------------------------
# Credentials: short names (for "assets" lines) and how a requirement reads in a posting.
# --------------------------------------------------------------------------------------------

CRC = "criminal-record-check"
FIRST_AID = "first-aid-cpr-c"
CLASS5 = "class-5-licence"

CRED_SHORT = {
    "ece-assistant-certificate": "an ECE Assistant certificate",
    "ece-one-year-certificate": "an ECE One-Year certificate",
    "ece-certificate": "an ECE certificate",
    "ite-certificate": "an Infant and Toddler Educator certificate",
    "sne-certificate": "a Special Needs Educator certificate",
    "bsw": "a BSW",
    "msw": "an MSW",
    "rsw": "RSW registration",
    "rcc": "RCC registration",
    "csw-certificate": "a community support worker certificate",
    "cyc-diploma": "a child and youth care diploma",
    "cyc-degree": "a Bachelor of Child and Youth Care",
    "ssw-diploma": "a social service worker diploma",
    "mhsu-certificate": "a mental health and addictions worker certificate",
    "hca-certificate": "a health care assistant certificate",
    "first-aid-cpr-c": "Standard First Aid with CPR C",
    "foodsafe-1": "FOODSAFE Level 1",
    "whmis": "WHMIS",
    "class-4-licence": "a Class 4 licence",
    "class-5-licence": "a Class 5 driver's licence",
    "criminal-record-check": "a clear criminal record check",
    "driver-abstract": "a clean driver's abstract",
    "cpi-nvci": "CPI Nonviolent Crisis Intervention",
    "mandt": "Mandt training",
    "medication-administration": "medication administration training",
    "naloxone": "naloxone training",
    "mental-health-first-aid": "Mental Health First Aid",
    "asist": "ASIST",
    "trauma-informed-practice": "trauma-informed practice training",
    "indigenous-cultural-safety": "San'yas Indigenous cultural safety training",
}

CRED_REQUIRED = {
    "ece-assistant-certificate": "ECE Assistant certificate (BC ECE Registry)",
    "ece-one-year-certificate": "ECE One-Year certificate (BC ECE Registry)",
    "ece-certificate": "Valid ECE certificate from the BC ECE Registry",
    "ite-certificate": "Infant and Toddler Educator (ITE) certificate",
    "sne-certificate": "Special Needs Educator (SNE) certificate",
    "bsw": "Bachelor of Social Work (BSW)",
    "msw": "Master of Social Work (MSW)",
    "rsw": "Registered Social Worker (RSW) with the BC College of Social Workers",
    "rcc": "Registered Clinical Counsellor (RCC) or eligible for registration",
    "csw-certificate": "Community support worker certificate or related training",
    "cyc-diploma": "Diploma in child and youth care or a related field",
    "cyc-degree": "Bachelor of Child and Youth Care or a related degree",
    "ssw-diploma": "Social service worker diploma or equivalent",
    "mhsu-certificate": "Mental health and addictions worker certificate",
    "hca-certificate": "Health care assistant certificate and active BC Care Aide Registry status",
    "first-aid-cpr-c": "Standard First Aid with CPR Level C (or willing to obtain)",
    "foodsafe-1": "FOODSAFE Level 1",
    "whmis": "WHMIS training",
    "class-4-licence": "Valid BC Class 4 driver's licence",
    "class-5-licence": "Valid BC Class 5 driver's licence and a reliable vehicle",
    "criminal-record-check": "Clear criminal record check (BC Criminal Records Review Program)",
    "driver-abstract": "Clean driver's abstract from ICBC",
    "cpi-nvci": "CPI Nonviolent Crisis Intervention training",
    "mandt": "Mandt System training",
    "medication-administration": "Medication administration training",
    "naloxone": "Naloxone training (we can provide it)",
    "mental-health-first-aid": "Mental Health First Aid",
    "asist": "ASIST suicide intervention training",
    "trauma-informed-practice": "Trauma-informed practice training",
    "indigenous-cultural-safety": "San'yas Indigenous cultural safety training",
}

# --------------------------------------------------------------------------------------------
# Schedules, employment types, benefits.
# --------------------------------------------------------------------------------------------

SCHEDULES = {
    "office": [
        "Monday to Friday, 8:30 am - 4:30 pm",
        "Monday to Friday, 9:00 am - 5:00 pm",
        "Monday to Friday, 8:00 am - 4:00 pm",
        "Monday to Friday, days, some evenings",
        "Monday to Friday, 8:30 am - 4:30 pm; hybrid work possible",
    ],
    "residential": [
        "Rotating shifts incl. weekends",
        "Days and evenings, rotating, incl. weekends",
        "Overnight awake shifts",
        "4 on / 4 off, 12-hour day shifts",
        "Evenings, 3:00 pm - 11:00 pm, incl. weekends",
        "Days, 7:00 am - 3:00 pm, rotating weekends",
    ],
    "shelter": [
        "Overnight awake shifts",
        "Rotating 8-hour shifts, 24/7 operation",
        "Nights, 11:00 pm - 7:00 am",
        "Evenings and weekends",
        "4 on / 4 off, 12-hour shifts",
        "Rotating shifts incl. weekends and statutory holidays",
    ],
    "day": [
        "Monday to Friday, 8:30 am - 4:00 pm",
        "Monday to Friday, 8:00 am - 4:00 pm",
        "Weekdays, with some evenings for community outings",
    ],
    "outreach": [
        "Monday to Friday, 10:00 am - 6:00 pm",
        "Tuesday to Saturday, days",
        "Afternoons and evenings, incl. some weekends",
        "Monday to Friday, 8:30 am - 4:30 pm, with some evenings",
        "Flexible hours, mostly weekdays, some evenings",
    ],
    "childcare": [
        "Monday to Friday, 7:30 am - 3:30 pm",
        "Monday to Friday, 9:30 am - 5:30 pm",
        "Monday to Friday, rotating early and late shifts between 7:00 am and 6:00 pm",
        "Monday to Friday, 8:00 am - 4:00 pm",
        "Monday to Friday, 8:30 am - 4:30 pm",
    ],
    "home": [
        "Days, Monday to Sunday, split shifts",
        "Flexible days; visits between 7:00 am and 10:00 pm",
        "Weekends, 7:00 am - 3:00 pm",
        "Monday to Friday, days, travel between clients",
        "Mornings and evenings, incl. weekends",
    ],
    "kitchen": [
        "Monday to Friday, 6:00 am - 2:00 pm",
        "Rotating day shifts incl. weekends",
        "Days, 4 on / 3 off",
        "Monday to Friday, 10:00 am - 6:00 pm",
    ],
}
PART_TIME_SCHEDULES = {
    "office": [
        "Tuesday to Thursday, 9:00 am - 3:00 pm",
        "Monday, Wednesday and Friday, days",
        "Three days a week, 8:30 am - 4:30 pm",
        "Mornings, Monday to Friday",
    ],
    "childcare": [
        "Monday to Friday, 2:30 pm - 6:00 pm (school-age care)",
        "Monday to Friday, 7:00 - 9:00 am and 2:30 - 5:30 pm (split shift)",
        "Tuesday and Thursday, 8:30 am - 3:30 pm",
        "Monday to Friday, 9:00 am - 1:00 pm",
    ],
    "day": [
        "Monday to Thursday, 9:00 am - 2:00 pm",
        "Three weekdays, 8:30 am - 3:30 pm",
        "Monday to Friday, 9:00 am - 3:00 pm",
    ],
    "outreach": [
        "Two to three days a week, days",
        "Weekday afternoons, 12:00 - 5:00 pm",
        "Monday, Wednesday and Friday, 9:00 am - 4:30 pm",
        "Evenings, 4:00 - 9:00 pm",
    ],
    "kitchen": [
        "Monday to Friday, 7:00 am - 1:30 pm",
        "Weekends, 7:00 am - 3:00 pm",
        "Monday to Friday, 10:00 am - 2:00 pm",
    ],
}
CASUAL_SCHEDULES = [
    "On-call; relief shifts as needed",
    "Casual shifts to cover vacations and sick time",
    "As needed, incl. days, evenings and weekends",
    "On-call, with short-notice shifts",
]

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

BENEFITS = [
    "extended health and dental",
    "a Municipal Pension Plan (MPP)",
    "RRSP matching",
    "paid professional development",
    "an employee and family assistance program",
    "paid sick days",
    "three weeks' vacation to start",
    "mileage reimbursement",
    "a wellness spending account",
    "paid training",
    "a supportive team culture",
    "clinical supervision",
]
CASUAL_BENEFITS = [
    "4% vacation pay in lieu of paid vacation",
    "paid orientation and training",
    "flexible scheduling",
    "a pathway to regular positions",
    "mileage reimbursement",
]
WAGE_LINES = [
    "**Wage:** {pay}, plus {benefits}.",
    "We offer {pay} and a benefits package that includes {benefits}.",
    "**Compensation:** {pay}. Benefits include {benefits}.",
    "The pay range for this position is {pay}, with {benefits}.",
    "This position pays {pay}. You will also receive {benefits}.",
]
UNION_LINES = [
    "This is a unionized position ({union}) under the Community Social Services collective "
    "agreement.",
    "This position is part of the {union} bargaining unit; wages follow the collective agreement.",
    "Unionized ({union}) position with a full benefits package after probation.",
]
UNIONS = ("BCGEU", "BCGEU", "BCGEU", "CUPE", "CUPE", "HSA")
ECE_WE_LINES = [
    "Eligible ECEs also receive the provincial ECE Wage Enhancement of $6 per hour.",
    "Rates shown do not include the $6/hour ECE Wage Enhancement for eligible educators.",
    "We are a $10 a Day ChildCareBC site, and eligible staff receive the ECE Wage Enhancement.",
]

GENERAL_BRING = [
    "Strong written and verbal communication skills",
    "A non-judgmental, respectful approach and good boundaries",
    "Ability to work independently and as part of a team",
    "Comfort with computers, email and electronic records",
    "A second language is an asset",
    "Lived experience is valued and welcomed",
    "Knowledge of local community resources in {community}",
    "A commitment to equity, diversity and inclusion",
]

# --------------------------------------------------------------------------------------------
# Subsectors: what agencies say about themselves and the people they serve.
# --------------------------------------------------------------------------------------------

SUBSECTORS = {
    "community-living": {
        "mission": [
            "We support adults with developmental disabilities to live full, inclusive lives "
            "in {community}.",
            "For more than {years} years we have provided person-centred residential, day and "
            "outreach services for people with diverse abilities.",
            "Our staff support children and adults with developmental disabilities, autism (ASD) "
            "and FASD at home, at work and in community.",
            "We are a CLBC-funded agency that believes everyone belongs in community.",
        ],
        "clients": [
            "adults with developmental disabilities",
            "people with diverse abilities",
            "individuals with autism (ASD) and FASD",
            "adults with complex support needs",
        ],
        "values": ["person-centred", "inclusive", "strengths-based"],
        "duties": [
            "Follow person-centred plans and write clear daily progress notes",
            "Support the people we serve to take part in community activities they choose",
            "Assist with personal care, medication administration and meal preparation",
            "Use positive behaviour support strategies and respond calmly to challenges",
            "Build respectful relationships with families and support networks",
        ],
    },
    "child-family": {
        "mission": [
            "We walk alongside children, youth and families in {community} with counselling, "
            "parenting support and early intervention programs.",
            "Our trauma-informed programs help families stay safely together.",
            "We have served families across the region for {years} years, working closely with "
            "MCFD and local First Nations.",
        ],
        "clients": [
            "children, youth and families",
            "parents and caregivers",
            "families involved with MCFD",
            "children and youth in care",
        ],
        "values": ["trauma-informed", "strength-based", "family-centred"],
        "duties": [
            "Provide strength-based, trauma-informed support to families at home and in community",
            "Coordinate with MCFD social workers, schools and health partners",
            "Complete safety plans, case notes and reports on time",
            "Facilitate parenting groups and supervised family visits",
        ],
    },
    "youth": {
        "mission": [
            "We offer safe spaces, housing and outreach for youth aged 13 to 24 in {community}.",
            "Our youth services are low-barrier, trauma-informed and rooted in harm reduction.",
            "We support young people as they move into adulthood, including youth aging out "
            "of care.",
        ],
        "clients": [
            "youth aged 13 to 24",
            "at-risk youth",
            "youth experiencing homelessness",
            "youth aging out of care",
        ],
        "values": ["youth-centred", "trauma-informed", "harm reduction"],
        "duties": [
            "Build trusting relationships with youth and help them work toward their goals",
            "Connect youth with housing, school, employment and mental health supports",
            "Provide crisis intervention and de-escalation when needed",
            "Plan and run drop-in, recreation and life skills programming",
        ],
    },
    "indigenous": {
        "mission": [
            "We serve First Nations, Métis and Inuit people and families in {community} "
            "with culturally grounded programs.",
            "Our work is guided by Elders and rooted in Indigenous culture, language and ways "
            "of knowing.",
            "We support Indigenous families to keep children safely connected to family, "
            "community and culture.",
        ],
        "clients": [
            "Indigenous families",
            "First Nations, Métis and Inuit children and youth",
            "urban Indigenous community members",
            "Indigenous youth and Elders",
        ],
        "values": ["culturally safe", "trauma-informed", "relationship-based"],
        "duties": [
            "Provide culturally safe, trauma-informed support to Indigenous families",
            "Work alongside Elders and Knowledge Keepers to bring culture into programming",
            "Support cultural plans and connection to community for children and youth",
            "Help organize community gatherings, land-based activities and feasts",
        ],
    },
    "settlement": {
        "mission": [
            "We help newcomers and refugees build new lives in {community}.",
            "For {years} years we have offered settlement, language and employment services to "
            "immigrants, refugees and their families.",
            "Our multilingual team welcomes government-assisted and privately sponsored refugees, "
            "permanent residents and their families.",
        ],
        "clients": [
            "newcomers and refugees",
            "immigrant and refugee families",
            "government-assisted refugees",
            "permanent residents and newcomers",
        ],
        "values": ["client-centred", "trauma-informed", "anti-racist"],
        "duties": [
            "Provide information and referrals on housing, health care, schools and banking",
            "Support clients to access LINC language classes and employment services",
            "Offer interpretation and cultural brokering where needed",
            "Deliver group information sessions and community connections activities",
        ],
    },
    "women": {
        "mission": [
            "We provide safe shelter, counselling and outreach for women and children "
            "fleeing violence.",
            "Our transition house and second stage housing offer a safe, confidential place "
            "to heal.",
            "We are a feminist, trauma-informed, anti-oppressive organization serving women and "
            "gender-diverse people in {community}.",
        ],
        "clients": [
            "women and children fleeing violence",
            "survivors of gender-based violence",
            "women and gender-diverse people experiencing violence",
            "women and their children",
        ],
        "values": ["trauma-informed", "feminist", "anti-oppressive"],
        "duties": [
            "Provide crisis intervention and emotional support, including on our 24-hour "
            "crisis line",
            "Complete safety planning and risk assessments with women",
            "Advocate with police, courts, housing and income assistance",
            "Keep confidential, accurate records",
        ],
    },
    "early-years": {
        "mission": [
            "We run licensed child care centres in {community}, with infant toddler, "
            "3-5 and school-age programs.",
            "We are a $10 a Day ChildCareBC centre with a play-based, emergent curriculum.",
            "Our educators create warm, inclusive spaces where children learn through play.",
        ],
        "clients": [
            "children aged 0 to 5",
            "infants and toddlers",
            "young children and families",
            "preschool children",
        ],
        "values": ["play-based", "child-centred", "inclusive"],
        "duties": [
            "Follow the BC Early Learning Framework in planning and practice",
            "Observe and document children's learning and share it with families",
            "Keep the child care centre safe, healthy and compliant with licensing",
            "Support inclusion of children with extra support needs",
        ],
    },
    "mental-health-substance-use": {
        "mission": [
            "We offer housing, outreach, counselling and recovery programs for adults living "
            "with mental health and substance use challenges.",
            "Our services are recovery-oriented, trauma-informed and grounded in harm reduction.",
            "We run a clubhouse, supported housing and an overdose prevention site in {community}.",
        ],
        "clients": [
            "adults living with mental illness",
            "people who use substances",
            "people living with mental health and substance use challenges",
            "adults in recovery",
        ],
        "values": ["recovery-oriented", "harm reduction", "trauma-informed"],
        "duties": [
            "Support people to set and reach their own recovery goals",
            "Apply harm reduction principles and respond to overdoses with naloxone",
            "Provide crisis intervention and de-escalation",
            "Connect clients with primary care, psychiatry, housing and income supports",
        ],
    },
    "seniors": {
        "mission": [
            "We help seniors in {community} live independently at home for as long as possible.",
            "Through Better at Home, home support and adult day programs we support older "
            "adults and their caregivers.",
            "Our team provides caring, respectful support to seniors and people living with "
            "dementia.",
        ],
        "clients": [
            "seniors living at home",
            "older adults and their caregivers",
            "seniors living with dementia",
            "frail elderly clients",
        ],
        "values": ["client-centred", "respectful", "dementia-friendly"],
        "duties": [
            "Support clients to stay connected with family, friends and community",
            "Observe and report changes in a client's health or wellbeing",
            "Follow care plans and safe work procedures in clients' homes",
            "Provide respite and companionship that gives family caregivers a break",
        ],
    },
    "employment": {
        "mission": [
            "We are a WorkBC Centre contractor helping job seekers in {community} find "
            "meaningful work.",
            "We provide career development, skills training and job placement services.",
            "Our team supports job seekers facing barriers to employment, including people with "
            "disabilities, youth and newcomers.",
        ],
        "clients": [
            "job seekers",
            "people facing barriers to employment",
            "youth and newcomers looking for work",
            "people with disabilities seeking employment",
        ],
        "values": ["client-centred", "strengths-based", "inclusive"],
        "duties": [
            "Provide case management and referrals to community supports",
            "Build relationships with local employers to create work placements",
            "Track client progress and outcomes in the WorkBC system",
        ],
    },
    "housing": {
        "mission": [
            "We operate emergency shelters, supportive housing and outreach services in "
            "{community}.",
            "We believe housing is a human right and take a Housing First, low-barrier approach.",
            "Our staff support people experiencing or at risk of homelessness to find and keep "
            "safe housing.",
        ],
        "clients": [
            "people experiencing homelessness",
            "tenants in supportive housing",
            "people at risk of homelessness",
            "shelter guests",
        ],
        "values": ["low-barrier", "harm reduction", "trauma-informed"],
        "duties": [
            "Provide a welcoming, low-barrier environment",
            "Respond to overdoses and medical emergencies with naloxone and first aid",
            "Help people with housing applications, ID and income assistance",
            "Complete shift logs, incident reports and statistics",
        ],
    },
}
DEFAULT_SUBSECTOR = "child-family"
# Larger subsectors post more jobs per agency; unionization is more common in some.
SUBSECTOR_SIZE = {
    "community-living": 1.7,
    "child-family": 1.3,
    "early-years": 1.2,
    "housing": 1.2,
    "mental-health-substance-use": 1.1,
    "women": 0.8,
    "employment": 0.8,
    "settlement": 0.9,
}
UNION_RATE = {
    "community-living": 0.75,
    "child-family": 0.6,
    "indigenous": 0.45,
    "housing": 0.45,
    "mental-health-substance-use": 0.45,
    "women": 0.4,
    "early-years": 0.2,
    "employment": 0.25,
    "settlement": 0.3,
    "youth": 0.35,
    "seniors": 0.4,
}

INTROS = [
    "{agency} is hiring {a_title} in {community}. {mission} {pitch}",
    "Join our team! {agency} is looking for {a_title} to work with {clients} in {community}. "
    "{mission}",
    "{mission} {agency} is now looking for {a_title} to join our {team} in {community}. {pitch}",
    "Looking for work that matters? {agency} in {community} needs {a_title} who is committed to "
    "{value} practice. {mission}",
    "{agency} has an opening for {a_title} based in {community}. {pitch} {mission}",
    "Are you passionate about supporting {clients}? {agency} is recruiting {a_title} for our "
    "{team} in {community}. {pitch}",
]

APPLY_LINES = [
    "Email your cover letter and resume to {email}, quoting competition #{ref}.",
    "Apply online at https://{slug}.example.org/careers. Applications are reviewed as they arrive.",
    "Send a resume and cover letter to {contact}, {contact_title}, at {email}. Only shortlisted "
    "applicants will be contacted.",
    "Apply through our careers page (https://{slug}.example.org/jobs) and reference #{ref}.",
    "Drop off your resume at our {community} office or email it to {email}.",
    "Please email {email} with your resume and a short note on why this work matters to you.",
]
APPLY_EXTRAS = [
    " We encourage applications from Indigenous people, racialized people, people with "
    "disabilities and 2SLGBTQIA+ people.",
    " Interviews will be held on a rolling basis.",
    " We thank all applicants for their interest.",
    " Let us know if you need an accommodation during the hiring process.",
]
SECTION_41 = {
    "indigenous": " Preference will be given to qualified Indigenous applicants, as permitted "
    "under section 41 of the BC Human Rights Code.",
    "women": " This position is open to women and gender-diverse applicants under section 41 of "
    "the BC Human Rights Code.",
}
CONTACTS = (
    "Jordan Lee",
    "Priya Sandhu",
    "Maria Santos",
    "Kelly Thompson",
    "Dana Joe",
    "Sam Nguyen",
    "Alex Wilson",
    "Chris Paul",
)
CONTACT_TITLES = (
    "HR Coordinator",
    "Human Resources Manager",
    "Program Manager",
    "Executive Director",
)

# --------------------------------------------------------------------------------------------
# Roles: one entry per kind of job. Each has a NOC code, titles, duties and what it takes.
# --------------------------------------------------------------------------------------------


def _options(items):
    """Credential requirements: a code, or a tuple of codes meaning "one of"."""
    return tuple(item if isinstance(item, tuple) else (item,) for item in items)


def _role(
    noc,
    titles,
    duties,
    bring,
    pay,
    *,
    annual=None,
    req=(CRC,),
    extra=(),
    pref=(),
    mix="frontline",
    sched="residential",
    sector=True,
    union=True,
    team=("team",),
    pitch=(),
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
        "sub_titles": sub_titles or {},
    }


ROLES = {
    # 42201 Social and community service workers
    "csw_res": _role(
        "42201",
        [
            "Community Support Worker (Residential)",
            "Residential Support Worker",
            "Community Support Worker - Residential",
            "Residential Care Worker",
            "Community Support Worker",
        ],
        [
            "Support residents with daily living skills, personal care and household routines",
            "Administer and document medications following agency policy",
            "Help residents plan meals, shop and cook",
            "Support residents to keep up relationships with family and friends",
            "Write shift notes and incident reports in our electronic records system",
        ],
        [
            "Experience supporting {clients}, paid or unpaid",
            "Patience, good judgment and a sense of humour",
            "Comfort with personal care and lifting with proper technique",
        ],
        (24, 33),
        req=(CRC, FIRST_AID),
        extra=("medication-administration", CLASS5),
        pref=("csw-certificate", "mandt", "cpi-nvci", "foodsafe-1", "medication-administration"),
        mix="shift",
        team=("residential team", "home team"),
        pitch=[
            "You will support {clients} in one of our staffed homes.",
            "Our homes are small, warm and focused on each person's goals.",
        ],
    ),
    "csw_day": _role(
        "42201",
        [
            "Community Support Worker (Day Program)",
            "Day Program Worker",
            "Community Inclusion Worker",
            "Day Program Facilitator",
        ],
        [
            "Plan and lead group and one-to-one community outings",
            "Support participants in volunteering, recreation and skill-building activities",
            "Drive participants to activities in an agency vehicle",
            "Support communication using visuals, sign and assistive technology",
            "Keep daily notes and share updates with families and home staff",
        ],
        [
            "Experience supporting {clients}",
            "Creativity and energy for planning activities",
            "Knowledge of community inclusion and person-centred planning",
        ],
        (24, 32),
        req=(CRC, FIRST_AID),
        extra=(CLASS5,),
        pref=("csw-certificate", "foodsafe-1", "mandt", "driver-abstract"),
        mix="daytime",
        sched="day",
        team=("day program team", "community inclusion team"),
        pitch=["Our day program helps participants connect with their community every day."],
    ),
    "csw_outreach": _role(
        "42201",
        [
            "Community Support Worker (Outreach)",
            "Outreach Support Worker",
            "Supported Living Worker",
            "Independent Living Support Worker",
        ],
        [
            "Visit people in their own homes to support budgeting, shopping and appointments",
            "Help people build independent living skills and natural supports",
            "Support tenancy, health and safety in people's homes",
            "Work flexibly across the caseload and adjust support as needs change",
        ],
        [
            "Experience supporting {clients} to live independently",
            "Good boundaries and strong problem-solving skills",
            "Comfort working on your own in the community",
        ],
        (25, 33),
        req=(CRC, CLASS5),
        extra=(FIRST_AID, "driver-abstract"),
        pref=("csw-certificate", "ssw-diploma", "mandt", "naloxone"),
        mix="frontline",
        sched="outreach",
        team=("outreach team", "supported living team"),
        pitch=["You will support {clients} who live on their own in {community}."],
    ),
    "csw_driver": _role(
        "42201",
        [
            "Community Support Worker / Driver",
            "Day Program Driver and Support Worker",
            "Accessible Transportation Support Worker",
        ],
        [
            "Drive an accessible van for day program participants on set routes",
            "Assist participants on and off the vehicle, including wheelchair securement",
            "Complete pre-trip inspections and vehicle logs",
            "Support participants during outings and program activities",
        ],
        [
            "Safe, professional driving record",
            "Experience supporting {clients}",
            "Punctual, reliable and calm in traffic and bad weather",
        ],
        (24, 31),
        req=("class-4-licence", CRC, "driver-abstract"),
        pref=(FIRST_AID,),
        mix="daytime",
        sched="day",
        team=("day program team",),
    ),
    "life_skills": _role(
        "42201",
        ["Life Skills Worker", "Life Skills Coach", "Life Skills Support Worker"],
        [
            "Teach practical skills such as cooking, budgeting, transit and laundry",
            "Run life skills groups and one-to-one sessions",
            "Help people set goals and track their progress",
            "Support people to apply for housing, ID and benefits",
        ],
        [
            "Experience teaching or coaching {clients}",
            "Patience and a practical, hands-on approach",
        ],
        (24, 31),
        req=(CRC, FIRST_AID),
        extra=(CLASS5,),
        pref=("csw-certificate", "foodsafe-1", "ssw-diploma"),
        mix="frontline",
        sched="outreach",
        team=("life skills team", "program team"),
    ),
    "youth": _role(
        "42201",
        [
            "Youth Worker",
            "Youth Outreach Worker",
            "Youth Support Worker",
            "Youth Residential Worker",
            "Youth Engagement Worker",
            "Youth Transition Worker",
            "Safe House Youth Worker",
        ],
        [
            "Meet youth where they are, in the drop-in, on the street and online",
            "Support youth with safety planning, housing searches and school re-entry",
            "Advocate for youth with MCFD, schools and income assistance",
            "Share harm reduction supplies and information",
            "Document contacts and outcomes accurately",
        ],
        [
            "Experience working with {clients}",
            "Understanding of trauma, substance use and mental health",
            "Ability to stay calm and set clear, caring limits",
        ],
        (24, 33),
        req=(CRC, FIRST_AID),
        extra=("cyc-diploma", CLASS5),
        pref=("cyc-diploma", "naloxone", "asist", "cpi-nvci", "mental-health-first-aid"),
        mix="frontline",
        sched="outreach",
        team=("youth team", "outreach team"),
        pitch=["You will help young people find safety, stability and a sense of belonging."],
        sub_titles={
            "indigenous": [
                "Indigenous Youth Worker",
                "Aboriginal Youth Worker",
                "Youth Cultural Support Worker",
            ],
            "settlement": ["Newcomer Youth Worker", "Refugee Youth Support Worker"],
        },
    ),
    "cyc": _role(
        "42201",
        [
            "Child and Youth Care Counsellor",
            "Child and Youth Care Worker",
            "Child and Youth Care Practitioner",
            "Child and Youth Care Worker (Residential)",
        ],
        [
            "Provide relational, trauma-informed care to children and youth",
            "Plan and lead therapeutic recreation and life skills activities",
            "Support youth to meet the goals in their care plans",
            "Work closely with guardianship social workers, families and schools",
            "Respond to crises using de-escalation and safety planning",
        ],
        [
            "Experience in child and youth care, residential or school settings",
            "Knowledge of attachment, trauma and child development",
            "Reliability and a steady, caring presence",
        ],
        (25, 33),
        req=(("cyc-diploma", "cyc-degree"), CRC, FIRST_AID),
        pref=("cyc-degree", "asist", "cpi-nvci", "trauma-informed-practice"),
        mix="shift",
        team=("child and youth care team", "residential team"),
    ),
    "family_support": _role(
        "42201",
        [
            "Family Support Worker",
            "Family Resource Worker",
            "Parent Support Worker",
            "Family Outreach Worker",
            "Family Preservation Worker",
        ],
        [
            "Meet with families at home to support parenting and household routines",
            "Help parents build skills, confidence and support networks",
            "Connect families with child care, housing, food security and counselling",
            "Take part in case planning with MCFD and community partners",
            "Co-facilitate parenting groups such as Nobody's Perfect",
        ],
        [
            "Experience supporting {clients}",
            "Knowledge of child development and family systems",
            "A warm, non-judgmental approach with parents",
        ],
        (24, 32),
        req=(CRC, ("ssw-diploma", "cyc-diploma", "csw-certificate")),
        extra=(CLASS5, FIRST_AID),
        pref=("trauma-informed-practice", "indigenous-cultural-safety", "mental-health-first-aid"),
        mix="frontline",
        sched="outreach",
        team=("family services team", "outreach team"),
        pitch=["You will help parents keep children safe and families together."],
    ),
    "indigenous_family": _role(
        "42201",
        [
            "Indigenous Family Support Worker",
            "Aboriginal Family Support Worker",
            "Indigenous Child and Family Support Worker",
            "Cultural Support Worker",
            "Indigenous Family Wellness Worker",
        ],
        [
            "Walk alongside Indigenous families with culturally grounded support",
            "Help families connect with Elders, ceremony, language and land-based programs",
            "Support families through MCFD processes and advocate for keeping children at home",
            "Help children and youth in care stay connected to their Nation and culture",
            "Arrange transportation and attend appointments with families",
        ],
        [
            "Knowledge of First Nations, Métis and Inuit cultures and the history of residential "
            "schools",
            "Relationships with local Indigenous communities",
            "Lived experience and cultural knowledge are valued as qualifications",
        ],
        (25, 33),
        req=(CRC, CLASS5),
        extra=("ssw-diploma", FIRST_AID),
        pref=("indigenous-cultural-safety", "trauma-informed-practice", "ssw-diploma"),
        mix="frontline",
        sched="outreach",
        team=("family wellness team", "cultural team"),
        pitch=[
            "You will support Indigenous families to raise their children in culture and community."
        ],
    ),
    "shelter": _role(
        "42201",
        [
            "Shelter Support Worker",
            "Shelter Worker",
            "Emergency Shelter Worker",
            "Overnight Shelter Worker",
            "Extreme Weather Shelter Worker",
        ],
        [
            "Welcome guests, complete intakes and assign beds",
            "Keep the shelter safe through regular checks and de-escalation",
            "Support guests with meals, laundry, storage and hygiene supplies",
            "Connect guests with outreach, health and housing workers",
        ],
        [
            "Experience working with {clients} or in a shelter setting",
            "Calm under pressure, with good judgment in crisis situations",
            "Understanding of harm reduction and trauma-informed practice",
        ],
        (24, 31),
        req=(CRC, FIRST_AID),
        extra=("naloxone",),
        pref=("naloxone", "cpi-nvci", "mhsu-certificate", "foodsafe-1", "asist"),
        mix="shift",
        sched="shelter",
        team=("shelter team",),
        pitch=["Our shelter is open 24/7, and every shift makes a difference."],
    ),
    "transition": _role(
        "42201",
        [
            "Transition House Worker",
            "Transition House Support Worker",
            "Women's Support Worker",
            "Second Stage Housing Worker",
            "Safe Home Worker",
        ],
        [
            "Answer the crisis line and complete intakes for women and children",
            "Provide emotional support, information and referrals to residents",
            "Support women with protection orders, housing and income assistance",
            "Support mothers and children living in the transition house",
            "Keep the house safe, clean and confidential",
        ],
        [
            "Understanding of gender-based violence and its impact on women and children",
            "A feminist, anti-oppressive approach",
            "Experience in crisis intervention or a related setting",
        ],
        (25, 33),
        req=(CRC, FIRST_AID),
        extra=("trauma-informed-practice",),
        pref=("trauma-informed-practice", "asist", "ssw-diploma", "cpi-nvci"),
        mix="shift",
        sched="shelter",
        team=("transition house team",),
        pitch=["You will offer safety and support to {clients} at a time of crisis."],
    ),
    "outreach": _role(
        "42201",
        [
            "Outreach Worker",
            "Street Outreach Worker",
            "Housing Outreach Worker",
            "Homelessness Prevention Worker",
            "Integrated Outreach Worker",
        ],
        [
            "Connect with people living outside, in encampments and in vehicles",
            "Distribute harm reduction supplies, food and survival gear",
            "Help people apply for housing, ID and income assistance",
            "Accompany clients to medical, legal and housing appointments",
            "Work with health outreach teams, bylaw and police where appropriate",
        ],
        [
            "Experience working with {clients}",
            "Knowledge of local housing and health services",
            "Good judgment about personal safety in the community",
        ],
        (25, 33),
        req=(CRC, CLASS5),
        extra=("naloxone", FIRST_AID),
        pref=("mhsu-certificate", "naloxone", "ssw-diploma", "mental-health-first-aid"),
        mix="frontline",
        sched="outreach",
        team=("outreach team",),
    ),
    "housing_support": _role(
        "42201",
        [
            "Supportive Housing Worker",
            "Tenant Support Worker",
            "Housing Support Worker",
            "Supportive Housing Support Worker",
        ],
        [
            "Support tenants to keep their housing and meet tenancy obligations",
            "Complete room checks, wellness checks and building rounds",
            "Mediate conflicts between tenants and with neighbours",
            "Help tenants with meals, medications and appointments",
        ],
        [
            "Experience in supportive housing, shelters or a related setting",
            "Respectful, non-judgmental approach with {clients}",
        ],
        (24, 31),
        req=(CRC, FIRST_AID),
        extra=("naloxone",),
        pref=("cpi-nvci", "mhsu-certificate", "naloxone", "whmis"),
        mix="shift",
        sched="shelter",
        team=("housing team",),
    ),
    "mh_support": _role(
        "42201",
        [
            "Mental Health Support Worker",
            "Peer Support Worker",
            "Recovery Support Worker",
            "Mental Health Worker",
            "Clubhouse Support Worker",
            "Mental Health Outreach Worker",
        ],
        [
            "Provide one-to-one recovery support and help people build wellness plans",
            "Support people with housing, income, medications and appointments",
            "Run wellness, social and skill-building groups",
            "Work alongside the community mental health team and psychiatrists",
        ],
        [
            "Experience supporting {clients}",
            "Knowledge of psychosocial rehabilitation and recovery-oriented practice",
            "Lived experience of mental health or substance use is an asset",
        ],
        (24, 33),
        req=(CRC, FIRST_AID),
        extra=("mhsu-certificate",),
        pref=("mhsu-certificate", "mental-health-first-aid", "asist", "naloxone"),
        mix="frontline",
        sched="outreach",
        team=("mental health team", "recovery team"),
    ),
    "harm_reduction": _role(
        "42201",
        [
            "Harm Reduction Worker",
            "Overdose Prevention Site Worker",
            "Harm Reduction Outreach Worker",
            "Peer Harm Reduction Worker",
            "Overdose Prevention Support Worker",
        ],
        [
            "Staff the overdose prevention site and respond to overdoses",
            "Distribute harm reduction supplies and safer use information",
            "Connect people who use drugs with treatment, health care and housing",
            "Collect statistics and complete incident reports",
        ],
        [
            "Experience with {clients}",
            "A strong commitment to harm reduction and the dignity of people who use drugs",
            "Peers with lived or living experience are encouraged to apply",
        ],
        (24, 33),
        req=(CRC, "naloxone"),
        extra=(FIRST_AID,),
        pref=("mhsu-certificate", "trauma-informed-practice", "cpi-nvci"),
        mix="shift",
        sched="shelter",
        team=("harm reduction team", "overdose prevention team"),
    ),
    "settlement": _role(
        "42201",
        [
            "Settlement Worker",
            "Settlement Support Worker",
            "Settlement Worker in Schools (SWIS)",
            "Refugee Support Worker",
            "Multicultural Liaison Worker",
            "Settlement Case Worker",
            "Settlement Worker (Arabic-speaking)",
            "Settlement Worker (Ukrainian-speaking)",
            "Settlement Worker (Dari/Pashto-speaking)",
        ],
        [
            "Complete needs assessments and settlement plans with newcomer clients",
            "Help clients register for MSP, SIN, school and bank accounts",
            "Support refugees with housing searches and tenancy information",
            "Organize orientation sessions on life in Canada",
        ],
        [
            "Experience working with {clients}",
            "Knowledge of IRCC-funded settlement services",
            "Fluency in English and at least one other language",
        ],
        (24, 32),
        annual=(50000, 62000, 0.2),
        req=(CRC,),
        extra=("ssw-diploma",),
        pref=("trauma-informed-practice", "ssw-diploma", "mental-health-first-aid", CLASS5),
        mix="daytime",
        sched="office",
        team=("settlement team",),
    ),
    "seniors_outreach": _role(
        "42201",
        [
            "Seniors Outreach Worker",
            "Seniors Community Support Worker",
            "Seniors Wellness Support Worker",
        ],
        [
            "Visit seniors at home and assess their support needs",
            "Connect seniors with transportation, meals, housing and health services",
            "Help seniors with forms, pensions and benefit applications",
            "Reduce isolation through friendly visiting and group programs",
        ],
        ["Experience working with {clients}", "Patience and excellent listening skills"],
        (24, 30),
        req=(CRC, CLASS5),
        pref=(FIRST_AID, "ssw-diploma"),
        mix="daytime",
        sched="outreach",
        team=("seniors team",),
    ),
    # 42202 Early childhood educators and assistants
    "ece": _role(
        "42202",
        [
            "Early Childhood Educator",
            "Early Childhood Educator (ECE)",
            "Preschool Teacher",
            "Group Child Care Educator",
            "Early Childhood Educator (3-5 Program)",
        ],
        [
            "Plan and carry out play-based, emergent curriculum for a group of children",
            "Create a warm, safe and stimulating indoor and outdoor environment",
            "Build strong relationships with children and families",
            "Supervise children at all times and follow child care licensing regulations",
            "Share observations and learning stories with families",
        ],
        [
            "Knowledge of the BC Early Learning Framework",
            "Passion for play-based learning and nature play",
            "Good communication with families and co-workers",
        ],
        (24, 31),
        req=("ece-certificate", CRC, FIRST_AID),
        pref=("ite-certificate", "sne-certificate", "foodsafe-1"),
        mix="daytime",
        sched="childcare",
        team=("early learning team", "educator team"),
        pitch=["Our centre has small groups, a big yard and a team that loves what they do."],
    ),
    "ite": _role(
        "42202",
        [
            "Infant Toddler Educator",
            "Infant and Toddler Educator",
            "Early Childhood Educator - Infant Toddler",
        ],
        [
            "Provide responsive, respectful care to infants and toddlers",
            "Plan sensory-rich, play-based experiences for children under 3",
            "Support routines such as feeding, diapering and sleep with care",
            "Build trusting relationships with families during transitions",
        ],
        [
            "Experience in an infant toddler program",
            "Knowledge of attachment and early brain development",
        ],
        (25, 32),
        req=("ece-certificate", "ite-certificate", CRC),
        pref=(FIRST_AID, "sne-certificate", "foodsafe-1"),
        mix="daytime",
        sched="childcare",
        team=("infant toddler team",),
    ),
    "sne": _role(
        "42202",
        [
            "Early Childhood Educator - Special Needs",
            "Special Needs Educator",
            "Early Childhood Educator (SNE)",
        ],
        [
            "Support the inclusion of children with extra support needs in group care",
            "Develop and carry out individual support plans with families and therapists",
            "Adapt activities and environments so every child can take part",
            "Work with Supported Child Development consultants and therapists",
        ],
        [
            "Experience supporting children with autism (ASD), FASD or developmental delays",
            "Knowledge of inclusive practice",
        ],
        (25, 32),
        req=("ece-certificate", "sne-certificate", CRC),
        pref=(FIRST_AID, "ite-certificate"),
        mix="daytime",
        sched="childcare",
        team=("early learning team",),
    ),
    "ecea": _role(
        "42202",
        [
            "ECE Assistant",
            "Early Childhood Educator Assistant",
            "Child Care Assistant",
            "Early Childhood Assistant",
        ],
        [
            "Assist educators with daily routines, activities and supervision",
            "Help prepare snacks, set up play spaces and keep the room clean",
            "Support children during play, meals, rest and outdoor time",
            "Follow the centre's health, safety and licensing policies",
        ],
        [
            "A love of working with children",
            "Willingness to learn and take direction from senior educators",
        ],
        (20, 24),
        req=("ece-assistant-certificate", CRC, FIRST_AID),
        pref=("ece-one-year-certificate", "foodsafe-1"),
        mix="daytime",
        sched="childcare",
        team=("early learning team",),
    ),
    "lead_ece": _role(
        "42202",
        [
            "Lead Early Childhood Educator",
            "Senior Early Childhood Educator",
            "Child Care Centre Supervisor",
            "Lead Educator",
        ],
        [
            "Lead a team of educators and mentor new ECEs and practicum students",
            "Guide curriculum planning and documentation for the program",
            "Help with enrolment, staffing schedules and licensing inspections",
            "Support families and help resolve concerns",
        ],
        ["At least two years of experience as an ECE", "Leadership and mentoring skills"],
        (28, 35),
        req=("ece-certificate", CRC, FIRST_AID),
        pref=("ite-certificate", "sne-certificate"),
        mix="daytime",
        sched="childcare",
        team=("leadership team", "early learning team"),
    ),
    # 42203 Instructors of persons with disabilities
    "bi": _role(
        "42203",
        [
            "Behaviour Interventionist",
            "Senior Behaviour Interventionist",
            "Autism Behaviour Interventionist",
        ],
        [
            "Deliver one-to-one intervention programs for children with autism (ASD)",
            "Follow behaviour plans written by a behaviour consultant (BCBA)",
            "Collect data on goals and share progress in team meetings",
            "Teach communication, social, play and daily living skills",
        ],
        [
            "Experience with children with autism (ASD) or other developmental disabilities",
            "Training in applied behaviour analysis (ABA) is an asset",
            "Reliable transportation to travel to family homes",
        ],
        (25, 33),
        req=(CRC,),
        extra=(FIRST_AID, CLASS5),
        pref=("csw-certificate", "cyc-diploma", "cpi-nvci", "mandt"),
        mix="frontline",
        sched="outreach",
        team=("autism services team",),
    ),
    "inclusion": _role(
        "42203",
        [
            "Inclusion Support Worker",
            "Supported Child Development Support Worker",
            "Inclusion Support Worker (Child Care)",
        ],
        [
            "Support children with extra support needs to take part in child care and school-age "
            "programs",
            "Carry out goals from support plans in partnership with educators",
            "Support communication with visuals and assistive tools",
            "Share observations with families and consultants",
        ],
        [
            "Experience supporting children with diverse abilities",
            "Knowledge of FASD, autism (ASD) and inclusive practice",
        ],
        (24, 30),
        req=(CRC, FIRST_AID),
        extra=("ece-assistant-certificate",),
        pref=("sne-certificate", "ece-certificate", "csw-certificate"),
        mix="daytime",
        sched="childcare",
        team=("inclusion team",),
    ),
    "supported_emp": _role(
        "42203",
        [
            "Supported Employment Facilitator",
            "Job Coach",
            "Supported Employment Worker",
            "Employment Support Worker (Supported Employment)",
        ],
        [
            "Support job seekers with disabilities to find and keep meaningful work",
            "Provide on-site job coaching and task training",
            "Develop relationships with inclusive local employers",
            "Track progress and write reports for funders such as CLBC and WorkBC",
        ],
        [
            "Experience in supported or customized employment",
            "Knowledge of the local labour market in {community}",
        ],
        (24, 31),
        req=(CRC, CLASS5),
        pref=("csw-certificate", FIRST_AID, "driver-abstract"),
        mix="daytime",
        sched="office",
        team=("employment team",),
    ),
    # 41300 Social workers
    "social_worker": _role(
        "41300",
        [
            "Social Worker",
            "Child Protection Social Worker",
            "Family Preservation Social Worker",
            "Guardianship Social Worker",
            "Family Social Worker",
            "Delegated Social Worker",
        ],
        [
            "Assess child safety and family needs using strength-based approaches",
            "Develop and monitor plans of care with families and their support networks",
            "Prepare reports and court documents",
            "Collaborate with Elders, schools, health and community partners",
            "Carry a caseload and take part in an after-hours rotation",
        ],
        [
            "Knowledge of the Child, Family and Community Service Act",
            "Strong assessment, writing and case management skills",
            "Understanding of the impacts of colonization on Indigenous families",
        ],
        (38, 52),
        annual=(76000, 98000, 0.55),
        req=(("bsw", "msw"), CRC),
        extra=("rsw", CLASS5),
        pref=("rsw", "indigenous-cultural-safety", "trauma-informed-practice"),
        mix="professional",
        sched="office",
        team=("child and family services team",),
        sub_titles={
            "mental-health-substance-use": ["Mental Health Social Worker", "Social Worker"],
            "seniors": ["Social Worker", "Adult Services Social Worker"],
        },
    ),
    "clinical_sw": _role(
        "41300",
        ["Clinical Social Worker (MSW)", "Clinical Social Worker", "Clinical Therapist (MSW)"],
        [
            "Provide assessment and therapy to individuals, families and groups",
            "Use evidence-based approaches such as CBT, DBT and EFT",
            "Consult with the multidisciplinary team and provide clinical guidance",
            "Keep clinical records to professional standards",
        ],
        ["Two or more years of clinical practice", "Experience supporting {clients}"],
        (40, 52),
        annual=(80000, 98000, 0.6),
        req=("msw", "rsw", CRC),
        pref=("asist", "trauma-informed-practice"),
        mix="professional",
        sched="office",
        team=("clinical team",),
    ),
    # 41301 Counsellors and therapists
    "counsellor": _role(
        "41301",
        ["Counsellor", "Clinical Counsellor", "Trauma Counsellor", "Family Counsellor"],
        [
            "Provide individual and group counselling to {clients}",
            "Complete assessments and build treatment plans with clients",
            "Use trauma-informed, evidence-based approaches such as CBT, DBT and EMDR",
            "Provide crisis intervention and safety planning",
            "Take part in clinical supervision and case consultation",
        ],
        [
            "A master's degree in counselling, social work or a related field",
            "Experience counselling {clients}",
            "Strong clinical documentation skills",
        ],
        (34, 48),
        annual=(68000, 92000, 0.45),
        req=(("rcc", "msw"), CRC),
        pref=("trauma-informed-practice", "asist", "indigenous-cultural-safety"),
        mix="professional",
        sched="office",
        team=("counselling team", "clinical team"),
        sub_titles={
            "women": [
                "Stopping the Violence Counsellor",
                "Trauma Counsellor",
                "Children Who Witness Abuse Counsellor",
                "Women's Counsellor",
            ],
            "mental-health-substance-use": [
                "Addictions Counsellor",
                "Substance Use Counsellor",
                "Clinical Counsellor",
                "Concurrent Disorders Counsellor",
            ],
            "youth": [
                "Youth Counsellor",
                "Youth Substance Use Counsellor",
                "Youth Clinical Counsellor",
            ],
            "child-family": [
                "Family Counsellor",
                "Child and Youth Counsellor",
                "Clinical Counsellor",
                "Family Therapist",
            ],
            "indigenous": [
                "Trauma Counsellor",
                "Indigenous Family Counsellor",
                "Clinical Counsellor",
            ],
            "settlement": ["Trauma Counsellor", "Refugee Mental Health Counsellor"],
        },
    ),
    # 41320 / 41321 Counsellors in education and careers
    "edu_counsellor": _role(
        "41320",
        ["Student Support Counsellor", "Educational Counsellor", "Education Support Counsellor"],
        [
            "Support students with school planning, attendance and transitions",
            "Connect students and families with tutoring, bursaries and post-secondary options",
            "Liaise with school staff and district programs",
        ],
        [
            "Experience supporting {clients} in education settings",
            "Knowledge of BC schools and post-secondary pathways",
        ],
        (32, 42),
        req=(CRC,),
        extra=(("bsw", "rcc"),),
        pref=(CLASS5, "trauma-informed-practice"),
        mix="professional",
        sched="office",
        team=("education team",),
    ),
    "employment_counsellor": _role(
        "41321",
        [
            "Employment Counsellor",
            "Career Development Practitioner",
            "Job Developer",
            "WorkBC Case Manager",
            "Employment Advisor",
            "Career Counsellor",
        ],
        [
            "Complete intakes and employment needs assessments",
            "Develop action plans with clients and track their progress",
            "Deliver workshops on resumes, interviews and job search",
            "Match clients with training, wage subsidies and job placements",
        ],
        [
            "A Career Development Practitioner (CDP) certificate or related diploma",
            "Experience supporting {clients}",
            "Strong computer skills and accurate record keeping",
        ],
        (26, 34),
        annual=(54000, 70000, 0.5),
        req=(CRC,),
        extra=(CLASS5,),
        pref=("ssw-diploma", "trauma-informed-practice", "indigenous-cultural-safety"),
        mix="professional",
        sched="office",
        team=("employment services team",),
    ),
    # 41403 Program officers and policy
    "coordinator": _role(
        "41403",
        [
            "Program Coordinator",
            "Quality Assurance Coordinator",
            "Community Development Coordinator",
            "Volunteer Coordinator",
            "Program Officer",
        ],
        [
            "Coordinate day-to-day program delivery, schedules and staff",
            "Track outcomes and prepare reports for funders",
            "Build partnerships with community organizations in {community}",
            "Support program planning, budgeting and evaluation",
            "Recruit, train and support volunteers and practicum students",
        ],
        [
            "Three or more years of experience in community social services",
            "Strong organization and report-writing skills",
            "Experience working with {clients}",
        ],
        (32, 40),
        annual=(64000, 80000, 0.35),
        req=(CRC,),
        extra=(("bsw", "ssw-diploma", "cyc-degree"),),
        pref=("bsw", CLASS5, "trauma-informed-practice"),
        mix="professional",
        sched="office",
        team=("program team",),
        sector=False,
        sub_titles={
            "seniors": ["Better at Home Coordinator", "Volunteer Coordinator"],
            "community-living": ["Quality Assurance Coordinator", "Program Coordinator"],
            "employment": ["Employer Liaison Coordinator", "Program Coordinator"],
        },
    ),
    "policy": _role(
        "41403",
        [
            "Policy Analyst",
            "Research and Evaluation Coordinator",
            "Program Evaluator",
            "Quality Improvement Analyst",
        ],
        [
            "Analyse program data and write clear reports and briefing notes",
            "Lead program evaluations and client feedback surveys",
            "Track provincial policy changes that affect our services",
            "Support accreditation (CARF or Accreditation Canada)",
        ],
        [
            "A degree in social sciences, public policy or a related field",
            "Strong skills with Excel and data analysis",
        ],
        (34, 42),
        annual=(72000, 90000, 0.7),
        req=(CRC,),
        extra=(("bsw", "msw"),),
        pref=("msw", "indigenous-cultural-safety"),
        mix="professional",
        sched="office",
        sector=False,
        union=False,
        team=("quality and planning team",),
    ),
    # 40030 / 00013 Management
    "manager": _role(
        "40030",
        [
            "Program Manager",
            "Director of Programs",
            "Program Director",
            "Team Lead",
            "Program Supervisor",
        ],
        [
            "Lead, hire, coach and schedule a team of front-line staff",
            "Oversee program quality, budgets and contract deliverables",
            "Build relationships with funders, families and community partners",
            "Ensure compliance with licensing, accreditation and health and safety standards",
            "Take part in the on-call management rotation",
        ],
        [
            "Five years of experience in social services, including two years in leadership",
            "Strong budgeting, reporting and human resources skills",
            "Experience leading services for {clients}",
        ],
        (40, 55),
        annual=(80000, 125000, 0.9),
        req=(CRC,),
        extra=(("bsw", "msw", "cyc-degree"), CLASS5),
        pref=("msw", "cpi-nvci", FIRST_AID, "indigenous-cultural-safety"),
        mix="manager",
        sched="office",
        sector=False,
        union=False,
        team=("leadership team", "management team"),
        sub_titles={
            "community-living": [
                "Residential Services Manager",
                "Community Living Program Manager",
                "Day Services Manager",
                "House Manager",
            ],
            "early-years": ["Child Care Centre Manager", "Early Years Program Manager"],
            "women": ["Transition House Manager", "Anti-Violence Programs Manager"],
            "housing": ["Shelter Manager", "Supportive Housing Program Manager"],
            "mental-health-substance-use": [
                "Mental Health Program Manager",
                "Clinical Program Manager",
            ],
            "seniors": ["Home Support Services Manager", "Seniors Programs Manager"],
            "employment": ["WorkBC Centre Manager", "Employment Services Manager"],
            "settlement": ["Settlement Services Manager"],
            "youth": ["Youth Services Manager"],
            "child-family": ["Family Services Manager", "Clinical Program Manager"],
            "indigenous": ["Indigenous Family Services Manager", "Director of Indigenous Programs"],
        },
    ),
    "executive": _role(
        "00013",
        ["Executive Director", "Chief Executive Officer"],
        [
            "Lead the organization's strategy with the Board of Directors",
            "Oversee finances, fundraising and government contracts",
            "Build partnerships with funders, First Nations and community leaders",
            "Lead and support the management team",
        ],
        [
            "Ten years of progressive leadership in the non-profit sector",
            "Strong financial management and board governance experience",
        ],
        (55, 72),
        annual=(110000, 150000, 1.0),
        req=(CRC,),
        pref=("msw",),
        mix="manager",
        sched="office",
        sector=False,
        union=False,
        team=("leadership team",),
    ),
    # Professional and health roles
    "hr": _role(
        "11200",
        [
            "Human Resources Advisor",
            "HR Generalist",
            "Human Resources Business Partner",
            "Recruitment and Retention Coordinator",
            "Labour Relations Advisor",
        ],
        [
            "Lead recruitment, onboarding and orientation for front-line staff",
            "Advise managers on the collective agreement, performance and attendance",
            "Support health and safety, WorkSafeBC claims and return-to-work plans",
            "Maintain HR records and payroll information accurately",
        ],
        [
            "A diploma or degree in human resources; CPHR designation an asset",
            "Experience in a unionized environment",
        ],
        (32, 42),
        annual=(65000, 90000, 0.7),
        req=(CRC,),
        pref=("whmis", "indigenous-cultural-safety"),
        mix="professional",
        sched="office",
        sector=False,
        union=False,
        team=("human resources team",),
    ),
    "admin": _role(
        "13110",
        [
            "Administrative Assistant",
            "Program Assistant",
            "Office Assistant",
            "Reception and Administrative Assistant",
            "Intake Assistant",
        ],
        [
            "Greet visitors and answer phones and general email",
            "Schedule meetings, book rooms and take minutes",
            "Maintain client files and databases with care for confidentiality",
            "Process invoices, petty cash and supply orders",
        ],
        [
            "Experience in an office setting, ideally in a non-profit",
            "Skill with Microsoft 365 and attention to detail",
        ],
        (22, 28),
        req=(CRC,),
        pref=("whmis", FIRST_AID),
        mix="daytime",
        sched="office",
        sector=False,
        team=("administration team",),
    ),
    "office_manager": _role(
        "13100",
        ["Office Manager", "Intake Coordinator", "Office Administrator"],
        [
            "Run the front office and support the leadership team",
            "Coordinate intake, referrals and waitlists",
            "Manage facilities, IT vendors and office supplies",
            "Prepare reports and help with bookkeeping",
        ],
        [
            "Three years of office administration experience",
            "Excellent organization and discretion",
        ],
        (26, 34),
        annual=(52000, 66000, 0.4),
        req=(CRC,),
        pref=("whmis", FIRST_AID),
        mix="professional",
        sched="office",
        sector=False,
        team=("administration team",),
    ),
    "rn": _role(
        "31301",
        [
            "Registered Nurse",
            "Registered Psychiatric Nurse",
            "Outreach Nurse",
            "Mental Health Nurse",
        ],
        [
            "Provide nursing assessment and care to {clients}",
            "Manage medications and coordinate with physicians and nurse practitioners",
            "Provide wound care, health teaching and overdose response",
            "Work with support staff to build health plans",
        ],
        [
            "Practising registration with the BC College of Nurses and Midwives (BCCNM)",
            "Community or mental health nursing experience",
        ],
        (45, 62),
        req=(CRC,),
        extra=(CLASS5,),
        pref=("naloxone", "trauma-informed-practice", "indigenous-cultural-safety"),
        mix="professional",
        sched="outreach",
        team=("health team",),
    ),
    "lpn": _role(
        "32101",
        ["Licensed Practical Nurse", "LPN - Community Living", "Licensed Practical Nurse (LPN)"],
        [
            "Provide nursing care, medication administration and health monitoring",
            "Train and support staff on health care plans",
            "Coordinate with family doctors, pharmacists and specialists",
        ],
        ["Practising registration with BCCNM", "Experience in community or residential care"],
        (34, 42),
        req=(CRC, FIRST_AID),
        pref=("naloxone", "mandt"),
        mix="frontline",
        sched="residential",
        team=("health team",),
    ),
    "slp": _role(
        "31112",
        ["Speech-Language Pathologist", "Pediatric Speech-Language Pathologist"],
        [
            "Assess and support the communication development of young children",
            "Coach parents and educators on language-building strategies",
            "Run play-based groups and home visits",
        ],
        [
            "Registration with the College of Health and Care Professionals of BC",
            "Experience with early intervention",
        ],
        (45, 60),
        annual=(85000, 110000, 0.4),
        req=(CRC, CLASS5),
        pref=(FIRST_AID,),
        mix="professional",
        sched="office",
        team=("child development team",),
    ),
    "ot": _role(
        "31203",
        ["Pediatric Occupational Therapist", "Occupational Therapist"],
        [
            "Assess children's motor, sensory and self-care skills",
            "Recommend equipment and adaptations at home and in child care",
            "Coach families and educators with practical strategies",
        ],
        [
            "Registration with the College of Health and Care Professionals of BC",
            "Pediatric or community experience",
        ],
        (45, 60),
        annual=(85000, 110000, 0.4),
        req=(CRC, CLASS5),
        pref=(FIRST_AID,),
        mix="professional",
        sched="office",
        team=("child development team",),
    ),
    "psychologist": _role(
        "31200",
        ["Registered Psychologist", "Clinical Psychologist"],
        [
            "Complete psychological and diagnostic assessments, including for autism (ASD)",
            "Provide evidence-based therapy and consultation",
            "Supervise clinical staff and practicum students",
        ],
        [
            "Registration with the College of Health and Care Professionals of BC",
            "Experience assessing {clients}",
        ],
        (50, 65),
        annual=(100000, 130000, 0.7),
        req=(CRC,),
        pref=("trauma-informed-practice",),
        mix="professional",
        sched="office",
        union=False,
        team=("clinical team",),
    ),
    # Direct care
    "hca": _role(
        "33102",
        [
            "Health Care Assistant",
            "Residential Care Aide",
            "Care Aide",
            "Community Health Worker",
            "Health Care Assistant (Community Living)",
        ],
        [
            "Provide personal care including bathing, toileting, dressing and mobility",
            "Help with meals, feeding and safe transfers using lifts",
            "Observe and report changes in health to the nurse or supervisor",
            "Support residents' dignity, choice and daily routines",
        ],
        [
            "Experience in home support, long-term care or community living",
            "Physical ability to do personal care with safe lifting practices",
        ],
        (26, 30),
        req=("hca-certificate", CRC, FIRST_AID),
        pref=("medication-administration", "mandt", "foodsafe-1", CLASS5),
        mix="shift",
        sched="residential",
        team=("care team",),
    ),
    "home_support": _role(
        "44101",
        [
            "Home Support Worker",
            "Personal Care Attendant",
            "Caregiver",
            "In-Home Support Worker",
            "Companion Support Worker",
        ],
        [
            "Visit clients at home to help with personal care, meals and light housekeeping",
            "Support safe mobility, transfers and medication reminders",
            "Provide companionship and help with errands and appointments",
            "Record visit notes and report concerns to the coordinator",
        ],
        [
            "Experience caring for {clients}",
            "A reliable vehicle to travel between clients",
            "Kindness, patience and respect for people's homes",
        ],
        (24, 29),
        req=(CRC, CLASS5),
        extra=("hca-certificate", FIRST_AID),
        pref=("hca-certificate", FIRST_AID, "driver-abstract", "foodsafe-1"),
        mix="frontline",
        sched="home",
        team=("home support team",),
    ),
    "respite": _role(
        "44101",
        ["Respite Worker", "Respite Care Worker", "Caregiver (Respite)"],
        [
            "Provide short-term care so family caregivers can rest",
            "Support personal care, meals and activities in the home or community",
            "Follow each person's support plan and keep notes",
        ],
        ["Experience supporting {clients}", "Flexibility to work evenings and weekends"],
        (22, 27),
        req=(CRC, FIRST_AID),
        pref=("csw-certificate", CLASS5),
        mix="shift",
        sched="home",
        team=("respite team",),
    ),
    "family_child_care": _role(
        "44100",
        ["Family Child Care Provider", "In-Home Child Care Provider"],
        [
            "Care for a small group of children in a licensed family child care home",
            "Plan play-based activities, meals and outdoor time",
            "Keep daily records and share updates with parents",
        ],
        ["Experience caring for young children", "A safe, welcoming home environment"],
        (20, 25),
        req=(CRC, FIRST_AID),
        extra=("ece-assistant-certificate",),
        pref=("ece-one-year-certificate", "ece-certificate", "foodsafe-1"),
        mix="daytime",
        sched="childcare",
        team=("family child care network",),
    ),
    "ea": _role(
        "43100",
        ["Education Assistant", "Special Education Assistant"],
        [
            "Support students with diverse abilities in classroom and school-age programs",
            "Carry out individual education plan goals with teachers",
            "Help with personal care and safety as needed",
        ],
        [
            "Education assistant certificate or related training",
            "Experience with children with autism (ASD) or FASD",
        ],
        (24, 30),
        req=(CRC, FIRST_AID),
        pref=("csw-certificate", "cpi-nvci"),
        mix="daytime",
        sched="day",
        team=("education team",),
    ),
    "recreation": _role(
        "54100",
        [
            "Recreation Worker",
            "Recreation Coordinator",
            "Activity Worker",
            "Recreation Leader",
            "Camp Counsellor",
        ],
        [
            "Plan and lead recreation, arts, fitness and outdoor programs for {clients}",
            "Adapt activities so everyone can take part",
            "Drive participants to community outings",
            "Track attendance and collect program feedback",
        ],
        ["Experience leading recreation programs", "Creativity, energy and a love of play"],
        (20, 27),
        req=(CRC, FIRST_AID),
        extra=(CLASS5,),
        pref=("foodsafe-1", "class-4-licence"),
        mix="frontline",
        sched="day",
        team=("recreation team",),
    ),
    # Support services
    "cook": _role(
        "63200",
        ["Cook", "Residential Cook", "Shelter Cook", "First Cook", "Community Kitchen Cook"],
        [
            "Prepare nutritious, culturally appropriate meals for {clients}",
            "Plan menus that meet dietary needs and allergies",
            "Order food, manage inventory and reduce waste",
            "Keep the kitchen clean and compliant with health regulations",
        ],
        [
            "Two years of experience in a commercial or institutional kitchen",
            "Ability to cook from scratch on a budget",
        ],
        (20, 26),
        req=("foodsafe-1", CRC),
        extra=(FIRST_AID,),
        pref=("whmis", FIRST_AID),
        mix="daytime",
        sched="kitchen",
        sector=False,
        team=("kitchen team",),
    ),
    "cleaner": _role(
        "65310",
        ["Housekeeper", "Cleaner", "Housekeeping Worker", "Custodian"],
        [
            "Clean rooms, common areas, kitchens and washrooms",
            "Do laundry and restock supplies",
            "Handle sharps and biohazards safely",
            "Report repairs and safety concerns",
        ],
        ["Experience in commercial or residential cleaning", "Attention to detail"],
        (19, 23),
        req=(CRC, "whmis"),
        pref=(FIRST_AID, "naloxone"),
        mix="daytime",
        sched="kitchen",
        sector=False,
        team=("housekeeping team",),
    ),
    "maintenance": _role(
        "73201",
        [
            "Building Maintenance Worker",
            "Maintenance Worker",
            "Caretaker",
            "Building Manager",
            "Maintenance Technician",
        ],
        [
            "Carry out preventive maintenance and repairs across our buildings",
            "Turn over units between tenants, including painting and minor carpentry",
            "Coordinate contractors and keep maintenance logs",
            "Respond to after-hours building emergencies on rotation",
        ],
        ["Experience in building maintenance; a trade ticket is an asset", "Your own basic tools"],
        (24, 32),
        req=(CRC, CLASS5),
        extra=("whmis",),
        pref=(FIRST_AID, "naloxone"),
        mix="daytime",
        sched="office",
        sector=False,
        team=("facilities team",),
    ),
}

# Which roles each subsector hires for, with relative weights.
SUBSECTOR_ROLES = {
    "community-living": {
        "csw_res": 30,
        "csw_day": 14,
        "csw_outreach": 10,
        "life_skills": 5,
        "csw_driver": 2,
        "bi": 5,
        "supported_emp": 4,
        "hca": 6,
        "respite": 3,
        "lpn": 1,
        "rn": 0.5,
        "recreation": 2,
        "manager": 4,
        "coordinator": 2,
        "admin": 2,
        "office_manager": 0.8,
        "hr": 1.5,
        "cook": 1,
        "maintenance": 0.5,
        "policy": 0.3,
        "executive": 0.3,
    },
    "child-family": {
        "family_support": 22,
        "cyc": 12,
        "youth": 6,
        "social_worker": 10,
        "clinical_sw": 2,
        "counsellor": 10,
        "inclusion": 5,
        "bi": 4,
        "ece": 3,
        "indigenous_family": 3,
        "coordinator": 3,
        "manager": 3,
        "admin": 2,
        "office_manager": 1,
        "hr": 1,
        "slp": 1,
        "ot": 1,
        "psychologist": 0.4,
        "ea": 1,
        "policy": 0.4,
        "executive": 0.3,
    },
    "youth": {
        "youth": 30,
        "cyc": 14,
        "life_skills": 6,
        "counsellor": 6,
        "mh_support": 4,
        "harm_reduction": 3,
        "shelter": 4,
        "employment_counsellor": 3,
        "recreation": 4,
        "edu_counsellor": 1,
        "coordinator": 3,
        "manager": 3,
        "cook": 1,
        "admin": 1.5,
        "hr": 0.5,
        "executive": 0.3,
    },
    "indigenous": {
        "indigenous_family": 24,
        "youth": 10,
        "counsellor": 8,
        "cyc": 6,
        "social_worker": 6,
        "ece": 5,
        "ecea": 2,
        "mh_support": 3,
        "harm_reduction": 2,
        "employment_counsellor": 2,
        "edu_counsellor": 1,
        "rn": 1,
        "coordinator": 4,
        "manager": 3,
        "admin": 2,
        "cook": 1,
        "hr": 0.5,
        "executive": 0.3,
    },
    "settlement": {
        "settlement": 36,
        "employment_counsellor": 14,
        "youth": 3,
        "family_support": 3,
        "counsellor": 3,
        "ece": 3,
        "ecea": 3,
        "edu_counsellor": 1.5,
        "coordinator": 6,
        "manager": 3,
        "admin": 3,
        "hr": 1,
        "policy": 0.5,
        "executive": 0.3,
    },
    "women": {
        "transition": 30,
        "counsellor": 16,
        "outreach": 6,
        "family_support": 4,
        "shelter": 4,
        "housing_support": 3,
        "cyc": 2,
        "coordinator": 3,
        "manager": 3,
        "admin": 2,
        "cook": 1,
        "cleaner": 0.5,
        "executive": 0.3,
    },
    "early-years": {
        "ece": 34,
        "ite": 14,
        "sne": 6,
        "ecea": 14,
        "lead_ece": 5,
        "inclusion": 5,
        "family_child_care": 3,
        "family_support": 3,
        "slp": 1,
        "ot": 1,
        "coordinator": 2,
        "manager": 3,
        "cook": 2,
        "admin": 2,
        "cleaner": 0.5,
        "hr": 0.5,
        "executive": 0.3,
    },
    "mental-health-substance-use": {
        "mh_support": 28,
        "harm_reduction": 14,
        "counsellor": 12,
        "outreach": 6,
        "housing_support": 6,
        "rn": 5,
        "lpn": 2,
        "social_worker": 3,
        "clinical_sw": 1,
        "recreation": 2,
        "psychologist": 0.3,
        "coordinator": 3,
        "manager": 3,
        "cook": 2,
        "admin": 2,
        "cleaner": 1,
        "maintenance": 1,
        "hr": 0.5,
        "executive": 0.3,
    },
    "seniors": {
        "home_support": 30,
        "hca": 20,
        "respite": 6,
        "seniors_outreach": 8,
        "recreation": 5,
        "csw_driver": 3,
        "lpn": 2,
        "rn": 1,
        "coordinator": 4,
        "manager": 3,
        "cook": 2,
        "admin": 2,
        "cleaner": 2,
        "hr": 0.5,
        "executive": 0.3,
    },
    "employment": {
        "employment_counsellor": 40,
        "supported_emp": 10,
        "youth": 2,
        "settlement": 2,
        "coordinator": 5,
        "manager": 4,
        "admin": 4,
        "office_manager": 2,
        "hr": 1,
        "policy": 0.5,
        "executive": 0.3,
    },
    "housing": {
        "shelter": 24,
        "housing_support": 20,
        "outreach": 12,
        "harm_reduction": 6,
        "mh_support": 4,
        "rn": 1,
        "cook": 4,
        "cleaner": 4,
        "maintenance": 5,
        "coordinator": 3,
        "manager": 4,
        "admin": 2,
        "hr": 0.5,
        "executive": 0.3,
    },
}

# Who a role serves when it is a side line for the agency (a cook at a women's shelter serves the
# shelter's clients; a behaviour interventionist at a family agency still works with children
# with autism). Roles hired in numbers (weight >= CORE_WEIGHT) use the subsector's own wording
# and duties.
CORE_WEIGHT = 6
ROLE_CLIENTS = {
    "csw_res": ["adults with developmental disabilities"],
    "csw_day": ["adults with developmental disabilities"],
    "csw_outreach": ["adults with developmental disabilities"],
    "csw_driver": ["day program participants", "seniors and adults with disabilities"],
    "youth": ["youth", "young people aged 13 to 24"],
    "cyc": ["children and youth", "youth in care", "children and youth with complex needs"],
    "family_support": ["parents and caregivers", "families with young children"],
    "indigenous_family": ["Indigenous families"],
    "shelter": ["shelter guests", "people experiencing homelessness"],
    "transition": ["women and children fleeing violence"],
    "outreach": ["people experiencing homelessness"],
    "housing_support": ["tenants in supportive housing"],
    "mh_support": ["adults living with mental illness"],
    "harm_reduction": ["people who use drugs"],
    "settlement": ["newcomers and refugees"],
    "seniors_outreach": ["seniors living at home"],
    "ece": ["young children and their families"],
    "ite": ["infants and toddlers"],
    "sne": ["young children with extra support needs"],
    "ecea": ["young children and their families"],
    "lead_ece": ["young children and their families"],
    "family_child_care": ["young children and their families"],
    "bi": ["children with autism (ASD)"],
    "inclusion": ["children with extra support needs"],
    "supported_emp": ["job seekers with disabilities"],
    "employment_counsellor": ["job seekers", "people facing barriers to employment"],
    "home_support": ["seniors living at home", "people living with disabilities"],
    "respite": ["children and adults with disabilities"],
    "ea": ["students with diverse abilities"],
}

# --------------------------------------------------------------------------------------------
# Prepared tables (built once).
# --------------------------------------------------------------------------------------------


def _cumulative(weights):
    return list(accumulate(weights))


ROLE_TABLES = {
    code: (list(roles), _cumulative(roles.values())) for code, roles in SUBSECTOR_ROLES.items()
}
CORE_ROLES = {
    code: {key for key, weight in roles.items() if weight >= CORE_WEIGHT}
    for code, roles in SUBSECTOR_ROLES.items()
}
TYPE_CUMS = {mix: _cumulative(weights) for mix, weights in TYPE_MIXES.items()}
PREF_COUNT_CUM = _cumulative((25, 40, 35))  # 0, 1 or 2 preferred credentials
DAYS_OPEN = tuple(range(61))
DAYS_OPEN_CUM = _cumulative(61 - d for d in DAYS_OPEN)  # recent postings are more common
CLOSES_IN = (7, 10, 14, 14, 14, 21, 21, 21, 28, 28, 30, 30, 45, 60)
SHIFT_CASUAL_TITLE = ("Casual {t}", "Casual {t}", "{t} (Casual)", "Relief {t}", "{t}", "{t}")
TITLE_PATTERNS = {
    "casual": ("Casual {t}", "Casual {t}", "{t} (Casual)", "{t}", "{t}"),
    "part_time": ("Part-Time {t}", "{t} (Part-Time)", "{t}", "{t}", "{t}"),
    "temporary": (
        "{t} (Temporary)",
        "{t} (Maternity Leave Coverage)",
        "Temporary {t}",
        "{t} (12-Month Term)",
        "{t} (Term)",
        "{t}",
    ),
    "full_time": ("{t}",) * 8 + ("{t} (Full-Time)", "Full-Time {t}"),
}
SHIFT_WORK = ("residential", "shelter", "home")
ASSET_PREFIXES = ("Assets: ", "Nice to have: ", "An asset: ")
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
        unionized = rnd() < UNION_RATE.get(sub, 0.35)
    words = "".join(c if c.isalnum() else " " for c in agency["name"].lower()).split()
    slug = "-".join(words) or f"agency-{agency['id']}"
    initials = "".join(w[0] for w in words if w not in ("of", "and", "the"))[:4].upper()
    return {
        "agency": agency,
        "sub": sub,
        "sub_data": SUBSECTORS[sub],
        "roles": ROLE_TABLES[sub],
        "core": CORE_ROLES[sub],
        "unionized": unionized,
        "union": _choice(rnd, UNIONS),
        "slug": slug,
        "email": f"{_choice(rnd, ('careers', 'hr', 'jobs', 'hiring'))}@{slug}.example.org",
        "prefix": initials or "JOB",
        "years": _choice(rnd, (12, 15, 20, 25, 30, 35, 40, 45, 50)),
        # log-normal spread: a few agencies post a lot, many post a little
        "weight": rng.lognormvariate(0.0, 0.9) * SUBSECTOR_SIZE.get(sub, 1.0),
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
        email=facts["email"],
        slug=facts["slug"],
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
    clients = sub_data["clients"] if core else ROLE_CLIENTS.get(role_key, sub_data["clients"])
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
    }


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
    hours_per_week, schedule, pay_min_cents, pay_max_cents, pay_unit, union_position,
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
    return [_job(rnd, _pick(rnd, facts, agency_cum), communities_by_region, i) for i in range(n)]


# --------------------------------------------------------------------------------------------
# Quick check: python portal/demo/jobs.py
# --------------------------------------------------------------------------------------------

if __name__ == "__main__":
    import csv
    import time
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "reference" / "data"

    def _codes(name, column):
        with open(data / name, newline="", encoding="utf-8") as handle:
            return {row[column] for row in csv.DictReader(handle)}

    nocs = _codes("occupations.csv", "noc_code")
    creds = _codes("credentials.csv", "code")
    subsectors = _codes("subsectors.csv", "code")
    communities: dict[str, list[str]] = {}
    with open(data / "communities.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            communities.setdefault(row["region_code"], []).append(row["name"])

    def check(ok: bool, what: object) -> None:  # not assert: `python -O` would skip it
        if not ok:
            raise SystemExit(f"demo job data does not match the reference data: {what}")

    check({r["noc"] for r in ROLES.values()} <= nocs, "ROLES' NOC codes")
    check(set(CRED_SHORT) == creds == set(CRED_REQUIRED), "credential codes")
    check(set(SUBSECTORS) == set(SUBSECTOR_ROLES) == subsectors, "subsector codes")
    check(set(ROLE_CLIENTS) <= set(ROLES), "ROLE_CLIENTS")
    check(all(set(roles) <= set(ROLES) for roles in SUBSECTOR_ROLES.values()), "SUBSECTOR_ROLES")
    for role in ROLES.values():
        for item in (*role["req"], *role["extra"], *role["pref"]):
            check(set(item if isinstance(item, tuple) else [item]) <= creds, item)

    # random.Random seeded on purpose (B311): the same sample every run, nothing secret
    setup = random.Random(1)  # nosec B311
    fake = []
    for i, sub in enumerate(sorted(subsectors) * 3):
        region = sorted(communities)[i % len(communities)]
        town = setup.choice(communities[region])
        fake.append(
            {
                "id": i + 1,
                "name": f"{town} {sub.replace('-', ' ').title()} Society",
                "subsector": sub,
                "region": region,
                "community": town,
            }
        )

    for job in generate_jobs(random.Random(42), 20, fake, communities):  # nosec B311
        pay = f"{job['pay_min_cents'] / 100:,.2f}-{job['pay_max_cents'] / 100:,.2f}"
        print("=" * 100)
        print(f"{job['title']}  [NOC {job['noc']}]  agency {job['agency_id']}, {job['community']}")
        print(
            f"{job['employment_type']} {job['hours_per_week']} h/wk, {job['schedule']}; "
            f"${pay} {job['pay_unit']}; union={job['union_position']}; "
            f"open {job['days_open']}d, closes in {job['closes_in_days']}d"
        )
        print(f"required={job['required_credentials']} preferred={job['preferred_credentials']}")
        print(job["description"])
        print(f"How to apply: {job['how_to_apply']}")

    start = time.perf_counter()
    many = generate_jobs(random.Random(7), 100_000, fake, communities)  # nosec B311 # seeded
    elapsed = time.perf_counter() - start
    words = [len(j["description"].split()) for j in many]
    check(MIN_WORDS <= min(words) and max(words) <= MAX_WORDS, "description lengths")
    again = generate_jobs(random.Random(7), 50, fake, communities)  # nosec B311 # seeded
    check(many[:50] == again, "the same seed gives the same jobs")
    print("=" * 100)
    print(
        f"100,000 jobs in {elapsed:.2f} s; description words {min(words)}-{max(words)}; "
        f"{len({j['title'] for j in many})} distinct titles; "
        f"{len({j['description'] for j in many})} distinct descriptions"
    )
