"""The surveys' fixed vocabularies: question kinds, what a question measures, the PARTNER
scales, and the two ready-made instruments (partner network survey, community feedback survey).

The PARTNER items follow Varda et al. and Visible Network Labs' knowledge base ("Analyze trust
and value"): three value items (power and influence, level of involvement, resource
contribution) and three trust items (reliability, support of mission, openness to discussion),
each rated 1 to 4; the level of collaboration runs Awareness, Cooperation, Coordination,
Integration, or no relationship. Definitions are ours, written after VNL's.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from cityweave.vocabulary import ValueType


class QuestionKind(models.TextChoices):
    """How a question is answered."""

    SCALE = "scale", "Rating scale"
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    SHORT_TEXT = "short-text", "Short text"
    LONG_TEXT = "long-text", "Long text"
    NUMBER = "number", "Number"
    ROSTER = "roster", "Roster (pick partners, then rate each)"


class Measure(models.TextChoices):
    """What a question's answers mean to the scores: blank for a question read only as asked."""

    RELIABILITY = "reliability", "Trust: reliability"
    MISSION = "mission", "Trust: support of mission"
    OPENNESS = "openness", "Trust: openness to discussion"
    POWER = "power", "Value: power and influence"
    INVOLVEMENT = "involvement", "Value: level of involvement"
    RESOURCES = "resources", "Value: resource contribution"
    COLLABORATION = "collaboration", "Level of collaboration"
    FREQUENCY = "frequency", "Frequency of interaction"
    ORGANISATION = "organisation", "Respondent's organisation"
    ROLE = "role", "Respondent's role"
    CONTRIBUTIONS = "contributions", "Contributions (value types)"
    KEY_CONTRIBUTION = "key-contribution", "Most important contribution"
    SATISFACTION = "satisfaction", "Satisfaction"
    COMMUNICATION = "communication", "Communication"


#: The three trust items and the three value items, as the SurveyTie fields they fill.
TRUST_ITEMS = (Measure.RELIABILITY, Measure.MISSION, Measure.OPENNESS)
VALUE_ITEMS = (Measure.POWER, Measure.INVOLVEMENT, Measure.RESOURCES)
RATING_ITEMS = (*VALUE_ITEMS, *TRUST_ITEMS)
#: Per-partner measures and the question kind each needs.
PARTNER_MEASURES: dict[str, str] = {
    **{item.value: QuestionKind.SCALE for item in RATING_ITEMS},
    Measure.COLLABORATION: QuestionKind.SINGLE,
    Measure.FREQUENCY: QuestionKind.SINGLE,
}
#: The PARTNER scale every trust and value item is rated on.
PARTNER_SCALE = 4


class Collaboration(models.TextChoices):
    """Level of collaboration between two partners, lowest first (VNL's four steps, or none)."""

    NONE = "none", "No relationship"
    AWARENESS = "awareness", "Awareness"
    COOPERATION = "cooperation", "Cooperation"
    COORDINATION = "coordination", "Coordination"
    INTEGRATION = "integration", "Integration"


COLLABORATION_DEFINITIONS = {
    Collaboration.NONE: "We do not work with this partner.",
    Collaboration.AWARENESS: "We know what this partner does, but we do not work with it.",
    Collaboration.COOPERATION: "We exchange information, attend meetings together and offer "
    "resources to each other (for example, referring people to each other's services).",
    Collaboration.COORDINATION: "Cooperation, plus deliberate efforts to strengthen each other's "
    "work for mutual benefit (for example, aligning separate programmes or planning together).",
    Collaboration.INTEGRATION: "Coordination, plus shared, negotiated goals, a common mission "
    "and shared resources (for example, one jointly run and funded programme).",
}


class Frequency(models.TextChoices):
    """How often two partners interact, least often first."""

    NEVER = "never", "Never"
    YEARLY = "yearly", "Once a year or less"
    QUARTERLY = "quarterly", "About once a quarter"
    MONTHLY = "monthly", "About once a month"
    WEEKLY = "weekly", "Every week"
    DAILY = "daily", "Every day"


def choice_list(
    choices: type[models.TextChoices], descriptions: dict[Any, str] | None = None
) -> list[dict[str, str]]:
    """A question's choices as stored: [{"key", "label"[, "description"]}, ...]."""
    rows = []
    for key, label in choices.choices:
        row = {"key": key, "label": str(label)}
        if descriptions and key in descriptions:
            row["description"] = descriptions[key]
        rows.append(row)
    return rows


def _rating(measure: Measure, text: str, low: str, high: str) -> dict[str, Any]:
    return {
        "kind": QuestionKind.SCALE,
        "measure": measure,
        "per_partner": True,
        "scale_points": PARTNER_SCALE,
        "text": text,
        "low_label": low,
        "high_label": high,
    }


#: The ready-made instruments: survey fields and questions in order (Question fields by name).
TEMPLATES: dict[str, dict[str, Any]] = {
    "partner": {
        "title": "Partner network survey",
        "kind": "partner",
        "anonymous": False,
        "introduction": (
            "We are mapping how the partners in our network work together. Your answers are "
            "seen only by the city's partnership office and are reported as averages. It takes "
            "about 15 minutes; you can save and come back until the survey closes."
        ),
        "questions": [
            {
                "kind": QuestionKind.SHORT_TEXT,
                "measure": Measure.ORGANISATION,
                "text": "Which organisation are you answering for?",
                "required": True,
            },
            {
                "kind": QuestionKind.SHORT_TEXT,
                "measure": Measure.ROLE,
                "text": "What is your role there?",
            },
            {
                "kind": QuestionKind.MULTIPLE,
                "measure": Measure.CONTRIBUTIONS,
                "text": "What does your organisation contribute, or could it contribute, to "
                "the network?",
                "help_text": "Choose all that apply.",
                "choices": choice_list(ValueType),
            },
            {
                "kind": QuestionKind.SINGLE,
                "measure": Measure.KEY_CONTRIBUTION,
                "text": "What is your organisation's most important contribution?",
                "choices": choice_list(ValueType),
            },
            {
                "kind": QuestionKind.ROSTER,
                "text": "Which of these partners does your organisation work with?",
                "help_text": "Choose every partner you have had any contact with; the next "
                "questions ask about each one you choose.",
            },
            {
                "kind": QuestionKind.SINGLE,
                "measure": Measure.FREQUENCY,
                "per_partner": True,
                "text": "How often does your organisation interact with this partner?",
                "choices": choice_list(Frequency),
            },
            {
                "kind": QuestionKind.SINGLE,
                "measure": Measure.COLLABORATION,
                "per_partner": True,
                "text": "What level of collaboration best describes your relationship?",
                "choices": choice_list(Collaboration, COLLABORATION_DEFINITIONS),
            },
            _rating(
                Measure.POWER,
                "How much power and influence does this partner have to help the network "
                "reach its goals?",
                "None at all",
                "A great deal",
            ),
            _rating(
                Measure.INVOLVEMENT,
                "How involved is this partner in the network's work?",
                "Not at all involved",
                "Very involved",
            ),
            _rating(
                Measure.RESOURCES,
                "How much does this partner contribute resources (money, staff, data, "
                "space, expertise) to the network?",
                "None at all",
                "A great deal",
            ),
            _rating(
                Measure.RELIABILITY,
                "How reliable is this partner: does it follow through on what it commits to?",
                "Not at all reliable",
                "Very reliable",
            ),
            _rating(
                Measure.MISSION,
                "How far does this partner share and support the network's mission and goals?",
                "Not at all",
                "Completely",
            ),
            _rating(
                Measure.OPENNESS,
                "How open is this partner to discussion: willing to listen, share and "
                "work through disagreement?",
                "Not at all open",
                "Very open",
            ),
        ],
    },
    "community": {
        "title": "Community feedback survey",
        "kind": "community",
        "anonymous": True,
        "introduction": (
            "Tell us how this partnership is working for you. The survey is anonymous: nothing "
            "links your answers to you. It takes under ten minutes."
        ),
        "questions": [
            {
                "kind": QuestionKind.SCALE,
                "measure": Measure.SATISFACTION,
                "scale_points": 5,
                "text": "Overall, how satisfied are you with this partnership's work?",
                "low_label": "Very dissatisfied",
                "high_label": "Very satisfied",
                "required": True,
            },
            {
                "kind": QuestionKind.SCALE,
                "measure": Measure.COMMUNICATION,
                "scale_points": 5,
                "text": "How well does the partnership keep you informed and listen to you?",
                "low_label": "Very poorly",
                "high_label": "Very well",
            },
            {
                "kind": QuestionKind.LONG_TEXT,
                "text": "What works well?",
            },
            {
                "kind": QuestionKind.LONG_TEXT,
                "text": "What should the partnership improve?",
            },
        ],
    },
}
