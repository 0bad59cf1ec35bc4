"""Django forms built from the workflow table's field specs.

The same form validates an action's data for the service layer, renders the action's form on
the case page, and describes the body of the action's API route — one definition, three uses.
"""

from __future__ import annotations

import json

from django import forms

from .workflow import ActionDef, FieldSpec


class IdListField(forms.Field):
    """A list of ids: JSON list from the API, several values or '1,2,3' from a form."""

    default_error_messages = {"invalid": "请填写编号列表。"}

    def to_python(self, value):
        if value in (None, "", []):
            return []
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip().startswith("[") else value.split(",")
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not isinstance(value, (list, tuple)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return [int(v) for v in value if str(v).strip() != ""]
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class UnitsField(forms.Field):
    """[{"unit": id, "role": "lead"|"co"|"separate"}, …] — the assignment of a case."""

    default_error_messages = {"invalid": '承办单位格式不正确：应为 [{"unit": 单位编号, "role": "lead/co/separate"}]。'}

    def to_python(self, value):
        if value in (None, "", []):
            return []
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not isinstance(value, list):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        items = []
        for item in value:
            if not isinstance(item, dict) or "unit" not in item or item.get("role") not in ("lead", "co", "separate"):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            try:
                items.append({"unit": int(item["unit"]), "role": item["role"]})
            except (TypeError, ValueError):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return items


def form_field(spec: FieldSpec) -> forms.Field:
    common = {"label": spec.label, "required": spec.required, "help_text": spec.help}
    if spec.type == "text":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=spec.max_length, **common)
    if spec.type == "string":
        return forms.CharField(max_length=spec.max_length, **common)
    if spec.type == "choice":
        choices = list(spec.choices) if spec.required else [("", "——")] + list(spec.choices)
        return forms.ChoiceField(choices=choices, **common)
    if spec.type == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.type == "bool":
        return forms.BooleanField(**{**common, "required": False})
    if spec.type == "id":
        return forms.IntegerField(min_value=1, **common)
    if spec.type == "ids":
        return IdListField(**common)
    if spec.type == "units":
        return UnitsField(**common)
    raise ValueError(spec.type)


def action_form_class(action: ActionDef) -> type[forms.Form]:
    attrs = {spec.name: form_field(spec) for spec in action.fields}
    return type(f"{action.name.title().replace('_', '')}Form", (forms.Form,), attrs)


def describe_fields(action: ActionDef) -> list[dict]:
    """For GET /api/cases/{id}/actions/: what each field is and whether it is required."""
    out = []
    for spec in action.fields:
        item = {"name": spec.name, "label": spec.label, "type": spec.type, "required": spec.required}
        if spec.choices:
            item["choices"] = [{"value": value, "label": label} for value, label in spec.choices]
        if spec.max_length:
            item["max_length"] = spec.max_length
        out.append(item)
    return out
