"""The demo city Riverton's fixed tables: its organisations, people, topics and goals."""

from __future__ import annotations

import zoneinfo
from typing import NamedTuple

from cityweave.engagement.models import Interaction
from cityweave.stakeholders.models import Stakeholder
from cityweave.vocabulary import PartnerRole as R
from cityweave.vocabulary import SectorChoice as S
from cityweave.vocabulary import ValueType as V
from cityweave.workspaces.models import Role

DEMO_SLUG = "riverton"
DEMO_NAME = "Riverton"
DEMO_TIMEZONE = "America/Chicago"
DEMO_PASSWORD = "riverton-demo"
DEMO_SEED = 1871
HISTORY_DAYS = 730
CITY_TZ = zoneinfo.ZoneInfo(DEMO_TIMEZONE)


class DemoUser(NamedTuple):
    """A demo login and its role in the demo workspace."""

    email: str
    name: str
    role: str


DEMO_USERS = (
    DemoUser("alice@riverton.example", "Alice Reyes", Role.OWNER),
    DemoUser("priya@riverton.example", "Priya Natarajan", Role.EDITOR),
    DemoUser("marcus@riverton.example", "Marcus Lee", Role.EDITOR),
    DemoUser("bob@riverton.example", "Bob Okafor", Role.VIEWER),
)


class Org(NamedTuple):
    """One organisation of the demo city; `key` is how the other tables refer to it."""

    key: str
    name: str
    sector: str
    tags: str = ""
    level: str = ""


class Person(NamedTuple):
    """One person; `orgs` are the keys of their organisations, the first their main one."""

    name: str
    title: str
    orgs: str = ""
    tags: str = ""
    sector: str = ""
    area: str = ""


def resident(name: str, title: str, area: str, tags: str = "") -> Person:
    """A resident speaking for themselves, belonging to no organisation."""
    return Person(name, title, tags=tags, sector=S.RESIDENT, area=area)


# fmt: off
CITY_KEY = "city"
ORGANISATIONS = (
    Org(CITY_KEY, "City of Riverton", S.LOCAL_GOVERNMENT, "downtown"),
    Org("council", "Riverton City Council", S.LOCAL_GOVERNMENT),
    Org("county", "Harlan County Board of Commissioners", S.LOCAL_GOVERNMENT, level="regional"),
    Org("rha", "Riverton Housing Authority", S.LOCAL_GOVERNMENT, "housing"),
    Org("transit", "Riverton Area Transit", S.LOCAL_GOVERNMENT, "transit"),
    Org("library", "Riverton Public Library", S.LOCAL_GOVERNMENT, "youth, digital equity"),
    Org("trpc", "Tri-River Regional Planning Commission", S.LOCAL_GOVERNMENT, "transit", "regional"),
    Org("sdot", "State Department of Transportation, District 4", S.STATE_GOVERNMENT, "transit"),
    Org("shfa", "State Housing Finance Agency", S.STATE_GOVERNMENT, "housing"),
    Org("sdeq", "State Department of Environmental Quality", S.STATE_GOVERNMENT, "climate"),
    Org("govoffice", "Governor's Office of Community Affairs", S.STATE_GOVERNMENT),
    Org("fedhousing", "Federal Regional Housing Office", S.NATIONAL_GOVERNMENT, "housing"),
    Org("fedtransit", "Federal Transit Regional Office", S.NATIONAL_GOVERNMENT, "transit"),
    Org("eda", "Federal Economic Development Agency, Region 5", S.NATIONAL_GOVERNMENT, "workforce"),
    Org("chamber", "Riverton Chamber of Commerce", S.BUSINESS, "downtown, workforce"),
    Org("dra", "Downtown Riverton Alliance", S.BUSINESS, "downtown"),
    Org("rbm", "Riverbend Manufacturing", S.BUSINESS, "workforce"),
    Org("gpl", "Great Plains Logistics", S.BUSINESS, "workforce, transit"),
    Org("frb", "First Riverton Bank", S.BUSINESS, "housing"),
    Org("kessler", "Kessler Construction", S.BUSINESS, "housing"),
    Org("mercado", "Mercado Grocers", S.BUSINESS, "health"),
    Org("ppl", "Prairie Power & Light", S.BUSINESS, "climate"),
    Org("ironbridge", "Ironbridge Brewing Company", S.BUSINESS, "downtown"),
    Org("techhub", "TechHub Riverton", S.BUSINESS, "digital equity, workforce"),
    Org("sba", "Riverton Small Business Association", S.BUSINESS, "downtown"),
    Org("devco", "Confluence Development Partners", S.BUSINESS, "housing, downtown"),
    Org("habitat", "Riverton Habitat for Homes", S.NONPROFIT, "housing"),
    Org("foodbank", "Riverside Food Bank", S.NONPROFIT, "health"),
    Org("youthfutures", "Youth Futures Riverton", S.NONPROFIT, "youth"),
    Org("green", "Green Riverton Coalition", S.NONPROFIT, "climate"),
    Org("legalaid", "Riverton Legal Aid", S.NONPROFIT, "housing"),
    Org("workforce", "Second Chance Workforce Center", S.NONPROFIT, "workforce"),
    Org("arts", "Riverton Arts Council", S.NONPROFIT, "arts, downtown"),
    Org("shelter", "Harbor House Shelter", S.NONPROFIT, "housing, health"),
    Org("bgclub", "Eastside Boys & Girls Club", S.NONPROFIT, "youth"),
    Org("eastside", "Eastside Neighborhood Association", S.COMMUNITY_GROUP, "housing"),
    Org("northgate", "Northgate Tenants Union", S.COMMUNITY_GROUP, "housing"),
    Org("bikes", "Riverton Bike Collective", S.COMMUNITY_GROUP, "transit, climate"),
    Org("westbank", "Westbank Block Club Network", S.COMMUNITY_GROUP, "public safety"),
    Org("parkfriends", "Friends of Confluence Park", S.COMMUNITY_GROUP, "climate"),
    Org("somali", "Somali Community Association of Riverton", S.COMMUNITY_GROUP),
    Org("unidos", "Unidos Riverton", S.COMMUNITY_GROUP, "youth"),
    Org("seniors", "Riverton Seniors Circle", S.COMMUNITY_GROUP, "health"),
    Org("stbrigid", "St. Brigid's Parish", S.FAITH_BASED),
    Org("bethel", "Greater Bethel AME Church", S.FAITH_BASED, "youth"),
    Org("islamic", "Riverton Islamic Center", S.FAITH_BASED),
    Org("temple", "Temple Beth Shalom of Riverton", S.FAITH_BASED),
    Org("interfaith", "Riverton Interfaith Alliance", S.FAITH_BASED, "housing"),
    Org("grace", "Grace Lutheran Church", S.FAITH_BASED),
    Org("newhope", "New Hope Baptist Church", S.FAITH_BASED, "public safety"),
    Org("rps", "Riverton Public Schools", S.EDUCATION, "youth"),
    Org("rcc", "Riverton Community College", S.EDUCATION, "workforce"),
    Org("lincoln", "Lincoln High School", S.EDUCATION, "youth"),
    Org("earlylearning", "Riverton Early Learning Network", S.EDUCATION, "youth"),
    Org("rsu", "Riverton State University", S.ACADEMIA, "workforce"),
    Org("urbanlab", "RSU Center for Urban Research", S.ACADEMIA, "housing"),
    Org("ppi", "Prairie Policy Institute", S.ACADEMIA),
    Org("datalab", "Great Rivers Data Collaborative", S.ACADEMIA, "digital equity"),
    Org("rcf", "Riverton Community Foundation", S.PHILANTHROPY, "housing, youth"),
    Org("hartwell", "Hartwell Family Foundation", S.PHILANTHROPY, "arts"),
    Org("unitedway", "United Way of the Riverton Region", S.PHILANTHROPY, "health", "regional"),
    Org("masonlee", "Mason-Lee Foundation for Youth", S.PHILANTHROPY, "youth"),
    Org("pplfund", "Prairie Power & Light Community Fund", S.PHILANTHROPY, "climate"),
    Org("hospital", "Riverton General Hospital", S.ANCHOR_INSTITUTION, "health"),
    Org("mercy", "Mercy Health Riverton", S.ANCHOR_INSTITUTION, "health"),
    Org("airport", "Riverton Regional Airport", S.ANCHOR_INSTITUTION, "transit", "regional"),
    Org("courier", "The Riverton Courier", S.MEDIA),
    Org("krvt", "KRVT Public Radio", S.MEDIA, level="regional"),
    Org("rivertontoday", "Riverton Today", S.MEDIA, "downtown"),
    Org("wrvn", "WRVN Channel 8 News", S.MEDIA, level="regional"),
    Org("lavoz", "La Voz del Río", S.MEDIA),
    Org("icur", "International Council for Urban Resilience", S.INTERNATIONAL, "climate"),
    Org("tme", "Transatlantic Mayors' Exchange", S.INTERNATIONAL),
    Org("waterforum", "Global Cities Water Forum", S.INTERNATIONAL, "climate"),
)

PEOPLE = (
    Person("Mayor Dana Whitfield", "Mayor of Riverton", CITY_KEY, "downtown"),
    Person("Alice Reyes", "Chief of Staff to the Mayor", CITY_KEY, "downtown"),
    Person("Tom Brandt", "City Manager", CITY_KEY, "transit"),
    Person("Keisha Morgan", "Director of Housing & Community Development", CITY_KEY, "housing"),
    Person("Raj Patel", "Director of Economic Development", CITY_KEY, "workforce, downtown"),
    Person("Elena Novak", "Chief Sustainability Officer", CITY_KEY, "climate"),
    Person("Sam Whitaker", "Director of Parks & Recreation", CITY_KEY, "climate, youth"),
    Person("Angela Ruiz", "Chief of Police", CITY_KEY, "public safety"),
    Person("Jamal Carter", "Director of Youth & Community Services", CITY_KEY, "youth"),
    Person("Council Member Luis Ortega", "Council Member, Ward 2", "council"),
    Person("Council Member Beth Sorensen", "Council President", "council", "downtown"),
    Person("Commissioner Harold Lindgren", "Chair", "county"),
    Person("Denise Coleman", "Executive Director", "rha"),
    Person("Victor Huang", "General Manager", "transit"),
    Person("State Senator Grace Holloway", "Senator, District 12", sector=S.STATE_GOVERNMENT),
    Person("Mark Feldman", "District Engineer", "sdot"),
    Person("Rosa Jimenez", "Director of Multifamily Programs", "shfa"),
    Person("Congresswoman Teresa Lindqvist", "U.S. Representative", sector=S.NATIONAL_GOVERNMENT),
    Person("Paul Andersen", "Regional Administrator", "fedhousing"),
    Person("Carla Benson", "President & CEO", "chamber"),
    Person("Derek Wu", "Executive Director", "dra, chamber"),
    Person("Helen Kowalski", "Chief Executive", "rbm"),
    Person("Omar Farouk", "VP of Operations", "gpl"),
    Person("Richard Hale", "President", "frb"),
    Person("Tony Kessler", "Owner", "kessler"),
    Person("Lucia Mercado", "Founder", "mercado"),
    Person("Naomi Park", "Director of Community Relations", "ppl, pplfund"),
    Person("Ben Adeyemi", "Founder", "techhub"),
    Person("Janet Morales", "Executive Director", "habitat"),
    Person("Chris Donnelly", "Executive Director", "foodbank"),
    Person("Tasha Greene", "Executive Director", "youthfutures"),
    Person("Leo Martinez", "Coordinator", "green"),
    Person("Ruth Abernathy", "Managing Attorney", "legalaid"),
    Person("Darnell Price", "Program Director", "workforce"),
    Person("Sofia Russo", "Executive Director", "arts"),
    Person("Maria Delgado", "President", "eastside"),
    Person("Kevin O'Brien", "Lead Organizer", "northgate"),
    Person("Abdi Warsame", "Chair", "somali"),
    Person("Gloria Ramirez", "Co-founder", "unidos"),
    Person("Pete Sandoval", "Coordinator", "bikes"),
    Person("Father Michael Doyle", "Pastor", "stbrigid"),
    Person("Rev. Ada Simmons", "Senior Pastor", "bethel"),
    Person("Imam Yusuf Hassan", "Imam", "islamic"),
    Person("Rabbi Leah Goldman", "Rabbi", "temple"),
    Person("Rev. Karen Olsen", "Executive Director", "interfaith, grace"),
    Person("Dr. Monica Ellis", "Superintendent", "rps"),
    Person("Dr. Alan Brooks", "President", "rcc"),
    Person("Patricia Nguyen", "Principal", "lincoln"),
    Person("Dr. Samuel Osei", "President", "rsu"),
    Person("Dr. Hannah Weiss", "Director", "urbanlab, rsu"),
    Person("Dr. Ivan Petrov", "Senior Fellow", "ppi"),
    Person("Margaret Chen", "President & CEO", "rcf"),
    Person("David Okonjo", "Program Officer for Neighborhoods", "rcf"),
    Person("Eleanor Hartwell", "Board Chair", "hartwell"),
    Person("James Whitman", "President", "unitedway"),
    Person("Dr. Linda Foster", "Chief Executive", "hospital"),
    Person("Robert Kim", "VP of Community Health", "mercy"),
    Person("Sandra Voss", "Airport Director", "airport"),
    Person("Nick Alvarez", "City Hall Reporter", "courier"),
    Person("Jenna Scott", "News Director", "krvt"),
    Person("Marisol Vega", "Editor", "lavoz"),
    Person("Ingrid Halvorsen", "Programme Director", "icur"),
    Person("Pierre Laurent", "Secretary General", "tme"),
    resident("Jerome Fields", "Block captain", "Eastside", "public safety"),
    resident("Ana Pereira", "Parent leader, Lincoln High PTA", "Northgate", "youth"),
    resident("Walter Schmidt", "Retired engineer, flood-watch volunteer", "Confluence", "climate"),
    resident("Destiny Howard", "Tenant leader", "Northgate", "housing"),
    resident("Minh Tran", "Small landlord", "Westbank", "housing"),
    resident("Fatima Noor", "Youth mentor", "Eastside", "youth"),
    resident("George Papadopoulos", "Downtown condo board president", "Downtown", "downtown"),
    resident("Rachel Cohen", "Transit rider advocate", "Mill District", "transit"),
    resident("Tyrone Jackson", "Youth basketball coach", "Eastside", "youth"),
    resident("Emily Larsen", "Community gardener", "Southfield", "climate"),
    resident("Hector Flores", "Street vendor", "Westbank", "downtown"),
    resident("Grace Oyelaran", "Nurse and health advocate", "Southfield", "health"),
    resident("Linh Pham", "Neighborhood watch volunteer", "Mill District", "public safety"),
)

AREAS = ("Downtown", "Eastside", "Northgate", "Westbank", "Confluence", "Southfield",
         "Mill District")
STREETS = ("Main Street", "River Road", "Commerce Avenue", "Elm Street", "Confluence Way",
           "5th Avenue")
LEVEL_BY_SECTOR: dict[str, str] = {
    S.STATE_GOVERNMENT: Stakeholder.Level.STATE,
    S.NATIONAL_GOVERNMENT: Stakeholder.Level.NATIONAL,
    S.INTERNATIONAL: Stakeholder.Level.INTERNATIONAL,
}
OFFERS_BY_SECTOR: dict[str, tuple[str, ...]] = {
    S.LOCAL_GOVERNMENT: (V.DATA, V.FACILITIES, V.LAND, V.PAID_STAFF),
    S.STATE_GOVERNMENT: (V.FUNDING, V.DATA, V.EXPERTISE),
    S.NATIONAL_GOVERNMENT: (V.FUNDING, V.EXPERTISE, V.DATA),
    S.BUSINESS: (V.FUNDING, V.IN_KIND, V.VOLUNTEERS, V.EXPERTISE, V.VISIBILITY, V.IT),
    S.NONPROFIT: (V.VOLUNTEERS, V.COMMUNITY_CONNECTIONS, V.EXPERTISE, V.PAID_STAFF, V.INFORMATION),
    S.COMMUNITY_GROUP: (V.COMMUNITY_CONNECTIONS, V.VOLUNTEERS, V.INFORMATION, V.ADVOCACY),
    S.FAITH_BASED: (V.FACILITIES, V.VOLUNTEERS, V.COMMUNITY_CONNECTIONS, V.ADVOCACY),
    S.EDUCATION: (V.FACILITIES, V.EXPERTISE, V.VOLUNTEERS, V.DATA),
    S.ACADEMIA: (V.DATA, V.EXPERTISE, V.INFORMATION, V.IT),
    S.PHILANTHROPY: (V.FUNDING, V.FISCAL_MANAGEMENT, V.FACILITATION),
    S.ANCHOR_INSTITUTION: (V.FUNDING, V.LAND, V.FACILITIES, V.PAID_STAFF, V.DATA),
    S.MEDIA: (V.VISIBILITY, V.INFORMATION),
    S.INTERNATIONAL: (V.EXPERTISE, V.VISIBILITY, V.FACILITATION),
    S.RESIDENT: (V.INFORMATION, V.COMMUNITY_CONNECTIONS, V.VOLUNTEERS, V.ADVOCACY),
}
ROLES_BY_SECTOR: dict[str, tuple[str, ...]] = {
    S.LOCAL_GOVERNMENT: (R.IMPLEMENTER, R.CHAMPION, R.DATA_PARTNER),
    S.STATE_GOVERNMENT: (R.FUNDER, R.CHAMPION),
    S.NATIONAL_GOVERNMENT: (R.FUNDER, R.ADVISOR),
    S.BUSINESS: (R.FUNDER, R.CHAMPION, R.IMPLEMENTER),
    S.NONPROFIT: (R.IMPLEMENTER, R.COMMUNITY_VOICE, R.CHAMPION),
    S.COMMUNITY_GROUP: (R.COMMUNITY_VOICE, R.CHAMPION),
    S.FAITH_BASED: (R.COMMUNITY_VOICE, R.CONVENER),
    S.EDUCATION: (R.IMPLEMENTER, R.ADVISOR),
    S.ACADEMIA: (R.DATA_PARTNER, R.ADVISOR),
    S.PHILANTHROPY: (R.FUNDER, R.CONVENER, R.BROKER),
    S.ANCHOR_INSTITUTION: (R.FUNDER, R.IMPLEMENTER, R.CHAMPION),
    S.MEDIA: (R.CHAMPION, R.COMMUNITY_VOICE),
    S.INTERNATIONAL: (R.ADVISOR, R.CONVENER),
    S.RESIDENT: (R.COMMUNITY_VOICE,),
}
NOTES = {
    "rcf": "Convenes the funders' table; the one regular bridge between the congregations and "
    "downtown business.",
    "Margaret Chen": "Knows the clergy and the bank presidents alike: ask her first when the two "
    "need to meet.",
    "interfaith": "Speaks for about thirty congregations; prefers to meet at St. Brigid's hall.",
    "Mayor Dana Whitfield": "Second term; priorities are housing, the riverfront and youth jobs.",
}

# The structural hole the demo keeps open: congregations and business never tie directly, and
# only these brokers have ties into both.
HOLE = (S.FAITH_BASED, S.BUSINESS)
HOLE_BROKERS = ("rcf", "Margaret Chen")
# Brokers' ties into several sectors: (stakeholder, "the stakeholders it is tied to").
BROKER_TIES = (
    ("rcf", "stbrigid, bethel, interfaith, chamber, frb, habitat, foodbank, youthfutures"),
    ("rcf", "eastside, northgate, rps, krvt, hartwell, unitedway, masonlee"),
    ("Margaret Chen", "Rev. Ada Simmons, Father Michael Doyle, Carla Benson, Richard Hale"),
    ("unitedway", "foodbank, shelter, legalaid, workforce, chamber, hospital, bgclub"),
    ("rsu", "hospital, rbm, techhub, icur, rcc, sdeq, datalab, urbanlab"),
    ("chamber", "rcc, courier, council, dra, sba"),
    ("interfaith", "foodbank, shelter, islamic, temple, newhope, Rev. Ada Simmons"),
    ("Dr. Hannah Weiss", "eastside, green, datalab, Dr. Ivan Petrov"),
    ("hospital", "mercy, foodbank, mercado, rcc"),
)
# Whom the city's own people keep close: (sectors, tags, how many ties).
CITY_FOCUS: dict[str, tuple[tuple[str, ...], tuple[str, ...], int]] = {
    CITY_KEY: ((S.INTERNATIONAL, S.STATE_GOVERNMENT, S.NATIONAL_GOVERNMENT), (), 7),
    "Mayor Dana Whitfield": ((S.PHILANTHROPY, S.ANCHOR_INSTITUTION, S.MEDIA, S.BUSINESS), (), 9),
    "Alice Reyes": ((S.PHILANTHROPY, S.LOCAL_GOVERNMENT, S.ACADEMIA), ("downtown",), 9),
    "Tom Brandt": ((S.LOCAL_GOVERNMENT, S.STATE_GOVERNMENT), ("transit",), 6),
    "Keisha Morgan": ((), ("housing",), 9),
    "Raj Patel": ((S.BUSINESS,), ("workforce", "downtown"), 9),
    "Elena Novak": ((S.INTERNATIONAL,), ("climate",), 7),
    "Sam Whitaker": ((S.COMMUNITY_GROUP,), ("climate",), 5),
    "Angela Ruiz": ((S.RESIDENT,), ("public safety",), 5),
    "Jamal Carter": ((S.FAITH_BASED, S.EDUCATION), ("youth",), 8),
}
# Ties between sectors beyond the brokers': (sector, sector, how many).
BRIDGES = (
    (S.BUSINESS, S.NONPROFIT, 6), (S.BUSINESS, S.EDUCATION, 3), (S.BUSINESS, S.MEDIA, 2),
    (S.BUSINESS, S.ANCHOR_INSTITUTION, 3), (S.BUSINESS, S.LOCAL_GOVERNMENT, 4),
    (S.NONPROFIT, S.PHILANTHROPY, 6), (S.NONPROFIT, S.COMMUNITY_GROUP, 6),
    (S.NONPROFIT, S.EDUCATION, 2), (S.NONPROFIT, S.ANCHOR_INSTITUTION, 3),
    (S.NONPROFIT, S.RESIDENT, 4), (S.COMMUNITY_GROUP, S.RESIDENT, 9),
    (S.COMMUNITY_GROUP, S.MEDIA, 2), (S.COMMUNITY_GROUP, S.LOCAL_GOVERNMENT, 3),
    (S.EDUCATION, S.ACADEMIA, 3), (S.ACADEMIA, S.ANCHOR_INSTITUTION, 2),
    (S.ACADEMIA, S.INTERNATIONAL, 2), (S.STATE_GOVERNMENT, S.NATIONAL_GOVERNMENT, 3),
    (S.STATE_GOVERNMENT, S.LOCAL_GOVERNMENT, 3), (S.NATIONAL_GOVERNMENT, S.LOCAL_GOVERNMENT, 2),
    (S.MEDIA, S.LOCAL_GOVERNMENT, 2),
)
CADENCES = (14, 21, 30, 30, 45, 60, 60, 90)

TOPICS = {
    "housing": ("the Eastside affordable-housing pipeline", "the tenant-protection ordinance",
                "the housing trust fund", "the Northgate infill lots"),
    "climate": ("the Climate Action Plan update", "flood resilience at Confluence Park",
                "heat-emergency planning", "the solar-on-schools pilot"),
    "downtown": ("the Riverfront District plan", "downtown storefront vacancies",
                 "First Fridays on Main Street"),
    "youth": ("the summer youth jobs program", "after-school programming", "the youth council"),
    "workforce": ("the advanced-manufacturing apprenticeship", "local-hire commitments",
                  "the workforce training grant"),
    "health": ("the community health needs assessment", "food access on the Eastside",
               "the mobile clinic route"),
    "transit": ("the Route 9 rapid bus study", "the Main Street complete-streets project",
                "the bike network plan"),
    "arts": ("the public-art plan for the riverfront", "the Confluence music festival"),
    "public safety": ("the violence-interruption program", "the neighborhood lighting survey"),
    "digital equity": ("the broadband gap map", "the device-lending program"),
}
GENERAL_TOPICS = ("the joint grant application", "the capital budget request",
                  "the resident survey", "the partnership agreement",
                  "next year's budget priorities")
SUMMARIES = {
    Interaction.Kind.MEETING: "Meeting with {name} on {topic}",
    Interaction.Kind.CALL: "Call with {name} about {topic}",
    Interaction.Kind.EMAIL: "Emails with {name} on {topic}",
    Interaction.Kind.EVENT: "Saw {name} at a community forum on {topic}",
    Interaction.Kind.SITE_VISIT: "Site visit with {name}: {topic}",
    Interaction.Kind.SOCIAL_MEDIA: "Exchanged posts with {name} about {topic}",
    Interaction.Kind.OTHER: "Note from {name} about {topic}",
}
KIND_WEIGHTS = (30, 20, 24, 10, 7, 6, 3)
NOTE_LINES = ("Agreed to meet again after the council vote.", "They asked for the latest data.",
              "Warm conversation; they want to be involved early next time.",
              "Some frustration about slow permitting.", "Suggested we bring in the foundation.")
PRIVATE_SUMMARIES = ("Sounded out {name} on a council run, off the record",
                     "Heard a personnel concern from {name}",
                     "Early budget numbers shared with {name}")
US_PROMISES = ("Send {name} the draft agreement on {topic}", "Share the city's data on {topic}",
               "Introduce {name} to the Riverton Community Foundation",
               "Confirm the mayor's attendance at the next meeting with {name}",
               "Reply to {name} on the request about {topic}")
THEIR_PROMISES = ("{name} to send a letter of support for {topic}",
                  "{name} to confirm volunteer numbers for {topic}",
                  "{name} to return the signed data-sharing agreement",
                  "{name} to propose dates for a site visit", "{name} to share feedback on {topic}")


class GoalPlan(NamedTuple):
    """One demo goal, its dates as offsets from today."""

    statement: str
    metric: str
    baseline: int
    target: int
    unit: str
    started: int  # days before today
    deadline: int  # days after today; negative when already past
    owner: int  # index into DEMO_USERS
    status: str
    reached: float  # the share of the way from baseline to target reached by today
    stakeholders: str


GOALS = (
    GoalPlan("Grow active partnerships with philanthropy from 3 to 8 within the fiscal year",
             "active ties with philanthropic funders", 3, 8, "ties", 300, 190, 0, "active", 0.6,
             "rcf, hartwell, unitedway, masonlee, pplfund, Margaret Chen, Eleanor Hartwell"),
    GoalPlan("Raise $2.5 million in outside funding for the Eastside affordable-housing pipeline",
             "outside funding committed", 0, 2_500_000, "USD", 420, 250, 1, "active", 0.46,
             "shfa, fedhousing, frb, habitat, rha, devco, Rosa Jimenez, Janet Morales"),
    GoalPlan("Sign up six congregations as heat-emergency cooling centers before summer",
             "congregations signed up as cooling centers", 1, 6, "congregations", 380, -60, 2,
             "achieved", 1.0, "interfaith, stbrigid, bethel, islamic, temple, newhope"),
    GoalPlan("Meet all five anchor institutions every quarter on local hiring and purchasing",
             "anchor institutions met this quarter", 1, 5, "institutions", 200, 160, 0, "active",
             0.5, "hospital, mercy, airport, rsu, rcc"),
    GoalPlan("Place 40 young people in paid summer jobs with local employers",
             "summer job placements pledged", 0, 40, "placements", 150, 100, 2, "paused", 0.3,
             "chamber, youthfutures, rbm, gpl, techhub, Tasha Greene, Carla Benson"),
)
# fmt: on

# Surveys (surveys app): a partner network survey of the outside organisations in three waves,
# and a community feedback survey of one partnership in one wave of anonymous answers.
SURVEY_PARTNERS = 26
#: Waves of the partner survey: (name, opens days ago, closes days ago; negative: still to come).
PARTNER_WAVES = (("Spring 2025", 430, 409), ("Spring 2026", 65, 44), ("Autumn check-in", 6, -15))
#: Share of the roster that submits, and that leaves a saved draft, per wave.
PARTNER_TURNOUT = ((0.8, 0.0), (0.85, 0.0), (0.4, 0.15))
SURVEY_ROLES = (
    "Executive director",
    "Programme manager",
    "Partnerships lead",
    "Deputy director",
    "Community organiser",
    "Policy officer",
    "Board chair",
)
COMMUNITY_ABOUT = "Eastside food access partnership"
COMMUNITY_RESPONSES = 60
COMMUNITY_WORKS = (
    "The Saturday pantry at the library is easy to get to by bus.",
    "Volunteers are friendly and nobody asks too many questions.",
    "Fresh produce from the farmers market, not only cans.",
    "The text message reminders about distribution days.",
    "Staff speak Spanish and Vietnamese at the Eastside site.",
    "Delivery for seniors who cannot get out.",
    "The school backpack programme: my kids bring food home on Fridays.",
    "Being able to pick what we need instead of a fixed box.",
    "Information about SNAP sign-up at the same table.",
    "Short lines since they added the second evening.",
)
COMMUNITY_IMPROVE = (
    "Open later on weekdays; I work until six.",
    "More halal and vegetarian options.",
    "Tell us earlier when a distribution is cancelled.",
    "The parking lot at the church is too small on busy days.",
    "More fresh fruit, it runs out in the first hour.",
    "A pantry on the north side of the river too.",
    "Clearer signs in more languages.",
    "Ask residents before changing the schedule.",
    "Diapers and hygiene products, not just food.",
    "The website is out of date about the hours.",
)
