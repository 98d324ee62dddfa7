"""Ordered authors, as editors type them and as every citation format reads them.

Stored as a JSON list of people and organisations, in order:
    {"family": "Bengio", "given": "Yoshua", "affiliation": "...", "role": "chair"}
    {"literal": "International AI Safety Report", "role": "author"}
Edited as text, one per line: "Family, Given; affiliation; role" (a line without a comma
names an organisation). Roles: author (default), chair, writing group, editor.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

ROLES = {
    "author": "author",
    "chair": "chair",
    "writing group": "writing-group",
    "writing-group": "writing-group",
    "editor": "editor",
}
ROLE_WORDS = {"writing-group": "writing group"}


def parse_line(line, number):
    parts = [part.strip() for part in line.split(";")]
    if len(parts) > 3:
        raise ValidationError(
            "Line %(number)s has more than three parts; write “Family, Given; affiliation; role”.",
            params={"number": number},
        )
    name, affiliation, role = (parts + ["", ""])[:3]
    role_key = ROLES.get(role.lower() or "author")
    if role_key is None:
        raise ValidationError(
            "Line %(number)s: “%(role)s” is not a role; use author, chair, writing group or editor.",
            params={"number": number, "role": role},
        )
    if not name:
        raise ValidationError("Line %(number)s has no name.", params={"number": number})
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        if not family:
            raise ValidationError("Line %(number)s has no family name.", params={"number": number})
        person = {"family": family, "given": given}
    else:
        person = {"literal": name}
    if affiliation:
        person["affiliation"] = affiliation
    person["role"] = role_key
    return person


def parse(text):
    return [
        parse_line(line, number)
        for number, line in enumerate((text or "").splitlines(), start=1)
        if line.strip()
    ]


def as_text(people):
    lines = []
    for person in people or []:
        name = person.get("literal") or ", ".join(
            part for part in (person.get("family", ""), person.get("given", "")) if part
        )
        role = person.get("role", "author")
        parts = [name, person.get("affiliation", "")]
        if role != "author":
            parts.append(ROLE_WORDS.get(role, role))
        while parts and not parts[-1]:
            parts.pop()
        lines.append("; ".join(parts))
    return "\n".join(lines)


def display_name(person):
    """"Yoshua Bengio", or the organisation's name."""
    return person.get("literal") or " ".join(
        part for part in (person.get("given", ""), person.get("family", "")) if part
    )


def inverted_name(person):
    """"Bengio, Yoshua" (as BibTeX, RIS and citation_author read best), or the organisation."""
    if person.get("literal"):
        return person["literal"]
    return ", ".join(part for part in (person.get("family", ""), person.get("given", "")) if part)


class AuthorsFormField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list):
            return as_text(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return parse(super().to_python(value))


class AuthorsField(models.JSONField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        # Edited as lines of text, not as raw JSON (JSONField's own form field).
        return models.Field.formfield(self, **{"form_class": AuthorsFormField, **kwargs})

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        for person in value or []:
            if not isinstance(person, dict) or not (person.get("literal") or person.get("family")):
                raise ValidationError("Each author needs a name.")


def short_names(people):
    """"Bengio, Y., & Mindermann, S." style names for a one-line citation, or ""."""
    names = []
    for person in people:
        if person.get("role") == "editor":
            continue
        if person.get("literal"):
            names.append(person["literal"])
            continue
        initials = " ".join(f"{part[0]}." for part in person.get("given", "").replace("-", " ").split() if part)
        names.append(", ".join(part for part in (person["family"], initials) if part))
    if len(names) > 2:
        return f"{names[0]}, et al."
    return ", & ".join(names)
