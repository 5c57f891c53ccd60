"""The product's fixed vocabularies (see DESIGN.md: Words), as Django choices."""

from __future__ import annotations

from django.db import models


class SectorChoice(models.TextChoices):
    """The built-in sectors; a workspace may add its own (stakeholders.Sector)."""

    LOCAL_GOVERNMENT = "local-government", "Local government"
    STATE_GOVERNMENT = "state-government", "State government"
    NATIONAL_GOVERNMENT = "national-government", "National government"
    BUSINESS = "business", "Business"
    NONPROFIT = "nonprofit", "Nonprofit"
    COMMUNITY_GROUP = "community-group", "Community group"
    FAITH_BASED = "faith-based", "Faith-based"
    EDUCATION = "education", "Education"
    ACADEMIA = "academia", "Academia & think tank"
    PHILANTHROPY = "philanthropy", "Philanthropy"
    ANCHOR_INSTITUTION = "anchor-institution", "Anchor institution"
    MEDIA = "media", "Media"
    INTERNATIONAL = "international", "International organisation"
    RESIDENT = "resident", "Resident"


class ValueType(models.TextChoices):
    """What a stakeholder can offer, and what a goal or partnership needs."""

    FUNDING = "funding", "Funding"
    IN_KIND = "in-kind", "In-kind resources"
    PAID_STAFF = "paid-staff", "Paid staff"
    VOLUNTEERS = "volunteers", "Volunteers"
    DATA = "data", "Data"
    INFORMATION = "information", "Information & feedback"
    EXPERTISE = "expertise", "Expertise"
    COMMUNITY_CONNECTIONS = "community-connections", "Community connections"
    FISCAL_MANAGEMENT = "fiscal-management", "Fiscal management"
    FACILITATION = "facilitation", "Facilitation & leadership"
    ADVOCACY = "advocacy", "Advocacy"
    IT = "it", "IT"
    VISIBILITY = "visibility", "Visibility & influence"
    FACILITIES = "facilities", "Facilities"
    LAND = "land", "Land"


class PartnerRole(models.TextChoices):
    """What a stakeholder does in a relationship or partnership."""

    CHAMPION = "champion", "Champion"
    FUNDER = "funder", "Funder"
    IMPLEMENTER = "implementer", "Implementer"
    CONVENER = "convener", "Convener"
    BROKER = "broker", "Broker"
    ADVISOR = "advisor", "Advisor"
    DATA_PARTNER = "data-partner", "Data partner"
    COMMUNITY_VOICE = "community-voice", "Community voice"


def labels_for(choices: type[models.TextChoices], keys: list[str]) -> list[str]:
    """The display labels of `keys`, in the order given, skipping unknown keys."""
    mapping = dict(choices.choices)
    return [str(mapping[k]) for k in keys if k in mapping]
