"""Forms for the office's survey pages: surveys, questions, waves, respondents."""

from __future__ import annotations

from typing import Any

from django import forms

from cityweave.stakeholders.forms import (
    StakeholderChoiceField,
    StakeholdersChoiceField,
    pick_stakeholders,
)
from cityweave.stakeholders.models import Stakeholder
from cityweave.surveys import services
from cityweave.surveys.instruments import QuestionKind
from cityweave.surveys.models import Question, Respondent, Survey, Wave
from cityweave.workspaces.models import Membership

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyCreateForm(forms.Form):
    """Start a survey from a ready-made instrument or from nothing."""

    start = forms.ChoiceField(
        label="Start from",
        choices=[
            ("partner", "Partner network survey: partners rate each other's trust and value "
             "(PARTNER style); named, with a roster question"),
            ("community", "Community feedback survey: satisfaction and communication, what works, "
             "what to improve; anonymous, under ten minutes"),
            (services.BLANK, "A blank survey: add your own questions"),
        ],
        initial="partner",
        widget=forms.RadioSelect,
    )  # fmt: skip
    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="Leave empty to keep the template's title; a blank survey needs one.",
    )
    about = forms.CharField(
        max_length=200,
        required=False,
        help_text="The partnership or initiative the survey asks about, if any.",
    )


class SurveyForm(forms.ModelForm):
    """Edit a survey's own fields (its questions are edited one by one)."""

    class Meta:
        model = Survey
        fields = ["title", "introduction", "about", "anonymous", "min_raters"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.workspace = member.workspace

    def _post_clean(self) -> None:
        # The service checks the model and the rules between the survey and its questions.
        pass


def format_choices(choices: list[dict[str, Any]]) -> str:
    """Choices as the form writes them, one a line: "key | label | description"."""
    lines = []
    for choice in choices or []:
        parts = [str(choice.get("key", "")), str(choice.get("label", ""))]
        if choice.get("description"):
            parts.append(str(choice["description"]))
        lines.append(" | ".join(parts))
    return "\n".join(lines)


#: The form's fields each kind uses beyond the common ones.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    QuestionKind.SCALE: ("scale_points", "low_label", "high_label"),
    QuestionKind.SINGLE: ("choices_text",),
    QuestionKind.MULTIPLE: ("choices_text",),
    QuestionKind.NUMBER: ("min_value", "max_value"),
}
COMMON_FIELDS = ("kind", "text", "help_text", "required", "per_partner", "measure")


class QuestionForm(forms.ModelForm):
    """A question, with the fields its kind uses: scale points and end labels for a rating
    scale, choices for single and multiple choice, bounds for a number."""

    scale_points = forms.TypedChoiceField(
        label="Scale",
        choices=[(4, "1 to 4"), (5, "1 to 5")],
        coerce=int,
        initial=5,
        required=False,
    )
    choices_text = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One a line: key | label | description (the key and description are "
        "optional, e.g. “often | Every week”).",
    )

    class Meta:
        model = Question
        fields = [
            "kind", "text", "help_text", "required", "per_partner", "measure",
            "scale_points", "low_label", "high_label", "min_value", "max_value",
        ]  # fmt: skip
        labels = {"text": "Question", "help_text": "Help", "per_partner": "Asked of each partner"}
        widgets = {
            "min_value": forms.NumberInput(attrs={"step": "any"}),
            "max_value": forms.NumberInput(attrs={"step": "any"}),
        }
        help_texts = {
            "help_text": "Shown under the question.",
            "min_value": "The smallest number allowed, if any.",
            "max_value": "The largest number allowed, if any.",
        }

    def __init__(self, *args: Any, survey: Survey, kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.survey = survey
        self.instance.workspace = survey.workspace
        if self.instance.pk and not self.is_bound:
            self.initial["choices_text"] = format_choices(self.instance.choices)
        chosen = kind or (self.data.get("kind") if self.is_bound else None) or self.instance.kind
        self.kind = chosen if chosen in QuestionKind.values else QuestionKind.SCALE
        self.fields["kind"].initial = self.kind
        uses = KIND_FIELDS.get(self.kind, ())
        for name in (
            "scale_points",
            "low_label",
            "high_label",
            "choices_text",
            "min_value",
            "max_value",
        ):
            if name not in uses:
                del self.fields[name]
        if self.kind == QuestionKind.ROSTER:
            del self.fields["per_partner"]
            self.fields["help_text"].help_text = (
                "Shown under the roster: which partners to choose. The questions asked of each "
                "partner follow it."
            )

    def _post_clean(self) -> None:
        # The service checks the model and the survey's rules, naming the fields.
        pass

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `services.save_question` takes."""
        data = {name: self.cleaned_data.get(name) for name in COMMON_FIELDS if name in self.fields}
        data["kind"] = self.kind
        for name in ("help_text", "measure"):
            data[name] = data.get(name) or ""
        data.setdefault("per_partner", False)
        for name in ("scale_points", "low_label", "high_label", "min_value", "max_value"):
            if name in self.fields:
                value = self.cleaned_data.get(name)
                data[name] = "" if value is None and name.endswith("label") else value
        if "choices_text" in self.fields:
            data["choices"] = services.parse_choices(
                (self.cleaned_data.get("choices_text") or "").splitlines()
            )
        return data


class WaveForm(forms.ModelForm):
    """A wave: its name, days and roster."""

    roster = StakeholdersChoiceField(
        queryset=Stakeholder.objects.none(),
        required=False,
        help_text="The partners respondents choose from on the roster question. Left empty, "
        "it fills with the organisations of the respondents you add.",
    )

    class Meta:
        model = Wave
        fields = ["name", "opens_on", "closes_on", "roster"]
        labels = {"opens_on": "Opens on", "closes_on": "Closes on"}
        widgets = {"opens_on": DATE, "closes_on": DATE}

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.survey = survey
        self.instance.workspace = survey.workspace
        pick_stakeholders(self, "roster", survey.workspace)

    def _post_clean(self) -> None:
        pass

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["roster"] = list(data.get("roster") or [])
        return data


class AddRespondentsForm(forms.Form):
    """Ask stakeholders with an email to answer, each by their own link."""

    stakeholders = StakeholdersChoiceField(
        queryset=Stakeholder.objects.none(),
        label="People or organisations",
        help_text="Each gets a personal link by email. A person answers for their organisation "
        "when they have one (you can change it afterwards).",
    )

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pick_stakeholders(self, "stakeholders", member.workspace)


class LinkForm(forms.Form):
    """A personal link handed out by hand, for someone reached another way."""

    label = forms.CharField(
        label="For whom",
        max_length=200,
        help_text="E.g. “Harbour Trust, by phone”.",
    )
    represents = StakeholderChoiceField(
        queryset=Stakeholder.objects.none(),
        required=False,
        label="Answers for",
        empty_label="— nobody on the roster —",
        help_text="The partner whose ties their roster answers report.",
    )

    def __init__(
        self, *args: Any, member: Membership, anonymous: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if anonymous:
            # An anonymous survey reports no ties: nobody answers for a partner.
            del self.fields["represents"]
        else:
            pick_stakeholders(self, "represents", member.workspace)


class RespondentForm(forms.ModelForm):
    """Whom a respondent answers for, their label and email."""

    represents = StakeholderChoiceField(
        queryset=Stakeholder.objects.none(),
        required=False,
        label="Answers for",
        empty_label="— nobody on the roster —",
        help_text="The partner whose ties their roster answers report (usually their organisation).",
    )

    class Meta:
        model = Respondent
        fields = ["represents", "label", "email"]

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pick_stakeholders(self, "represents", member.workspace)

    def _post_clean(self) -> None:
        pass

    def service_data(self) -> dict[str, Any]:
        return {
            "represents": self.cleaned_data.get("represents"),
            "label": self.cleaned_data.get("label") or "",
            "email": self.cleaned_data.get("email") or "",
        }
