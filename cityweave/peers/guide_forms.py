"""Forms for the peer guide pages: a guide (title, challenge, summary, author cities and their
authors), a section (heading, Markdown body, the city of its case example), and the note of
what changed that a published guide's every save asks for."""

from __future__ import annotations

from typing import Any

from django import forms

from cityweave.peers import guides, services
from cityweave.peers.access import NetworkMember
from cityweave.peers.models import Guide, GuideSection, MemberCity

CHANGE_NOTE_HELP = "The guide is published: each change is kept as a version with this note."


def _change_note(required: bool) -> forms.CharField:
    return forms.CharField(
        label="What changed",
        max_length=300,
        required=required,
        help_text=CHANGE_NOTE_HELP,
    )


def _city_choices(member: NetworkMember) -> list[tuple[str, str]]:
    return [(str(c.pk), str(c)) for c in services.cities(member)]


class GuideForm(forms.Form):
    """A guide's title, challenge, summary, author cities and authors."""

    title = forms.CharField(max_length=200)
    challenge = forms.ChoiceField(help_text="The challenge the guide helps with.")
    summary = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A paragraph: who it is for and what it shows.",
    )
    cities = forms.MultipleChoiceField(
        label="Author cities",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="The member cities writing it; their officials can edit it and approve it.",
    )
    authors = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: the city, a colon, then the author's name and role, e.g. "
        "“Chattanooga: Maria Lopez, Director of Digital Equity”.",
    )

    def __init__(
        self, *args: Any, member: NetworkMember, guide: Guide | None = None, **kwargs: Any
    ) -> None:
        self.member = member
        if guide is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": guide.title,
                "challenge": guide.challenge,
                "summary": guide.summary,
                "cities": [str(c.pk) for c in guides.author_cities(guide)],
                "authors": "\n".join(
                    f"{city.name}: {name}"
                    for city, names in guides.authors_by_city(guide)
                    for name in names
                ),
            }
        super().__init__(*args, **kwargs)
        challenge = self.fields["challenge"]
        assert isinstance(challenge, forms.ChoiceField)
        challenge.choices = services.challenge_choices(member.network)
        self.city_list = list(services.cities(member))
        cities = self.fields["cities"]
        assert isinstance(cities, forms.MultipleChoiceField)
        cities.choices = [(str(c.pk), str(c)) for c in self.city_list]
        if guide is not None and guide.is_published:
            self.fields["change_note"] = _change_note(required=True)

    def _city_named(self, text: str) -> MemberCity | None:
        wanted = text.strip().casefold()
        found = [c for c in self.city_list if wanted in (c.name.casefold(), str(c).casefold())]
        return found[0] if len(found) == 1 else None

    def clean_authors(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        problems: list[str] = []
        for number, line in enumerate(self.cleaned_data.get("authors", "").splitlines(), 1):
            if not line.strip():
                continue
            city_text, colon, name = line.partition(":")
            city = self._city_named(city_text) if colon else None
            if not colon or not name.strip():
                problems.append(f"Line {number}: write the city, a colon, then the name.")
            elif city is None:
                problems.append(f"Line {number}: no member city “{city_text.strip()[:60]}”.")
            else:
                rows.append({"city": city.pk, "name": name.strip()})
        if problems:
            raise forms.ValidationError(problems)
        return rows

    def service_data(self) -> dict[str, Any]:
        """The cleaned fields as `guides.save_guide` takes them."""
        data = {name: self.cleaned_data[name] for name in ("title", "challenge", "summary")}
        data["cities"] = [int(pk) for pk in self.cleaned_data["cities"]]
        data["authors"] = self.cleaned_data["authors"]
        if not data["cities"] and not data["authors"] and self.member.city_ids:
            data["cities"] = sorted(self.member.city_ids)
        return data


class SectionForm(forms.Form):
    """A section of a guide: a heading, a body in Markdown, and where its case example is from."""

    heading = forms.CharField(max_length=200)
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Markdown: **bold**, *italic*, lists (- item), links ([text](https://…)), "
        "tables. No images or scripts: they are left out.",
    )
    case_city = forms.ChoiceField(
        label="Case example from",
        required=False,
        help_text="The member city this section's example comes from, if any.",
    )

    def __init__(
        self,
        *args: Any,
        member: NetworkMember,
        guide: Guide,
        section: GuideSection | None = None,
        **kwargs: Any,
    ) -> None:
        if section is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "heading": section.heading,
                "body": section.body,
                "case_city": str(section.case_city_id or ""),
            }
        super().__init__(*args, **kwargs)
        field = self.fields["case_city"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "— none —"), *_city_choices(member)]
        if guide.is_published:
            self.fields["change_note"] = _change_note(required=True)

    def service_data(self) -> dict[str, Any]:
        """The cleaned fields as `guides.save_section` takes them."""
        case_city = self.cleaned_data["case_city"]
        return {
            "heading": self.cleaned_data["heading"],
            "body": self.cleaned_data["body"],
            "case_city": int(case_city) if case_city else None,
        }


class PublishForm(forms.Form):
    """The note the publication's version keeps."""

    change_note = forms.CharField(
        label="Note for this version",
        max_length=300,
        required=False,
        help_text="e.g. First edition. Left empty, it reads “Published.”",
    )
