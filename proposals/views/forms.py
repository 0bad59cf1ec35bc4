"""The action forms of the case page: the table's generated form, with widgets people can use.

The generated form (action_forms.action_form_class) stays the definition; here only widgets
change — a picker instead of an id box — and POST data is put back into the shape it expects.
"""

from __future__ import annotations

import json

from django import forms
from django.http import QueryDict

from members.models import Role, Unit, User
from proposals import settings_registry
from proposals.access import is_staff
from proposals.action_forms import action_form_class
from proposals.models import AssignmentRole, Attachment, Case, Category, Proposer, RejectionGround, ReplyClass
from proposals.workflow import ActionDef

UNIT_ROWS = 4
LETTER_UPLOAD = "letter_upload"  # the reply form's own file input for the stamped letter  # rows of the assignment picker; more units can be added by several assignments
PHOTO_UPLOAD = "photo_upload"  # the 督办记录 form's own file input for photos and materials
# Fields only staff fill, entering a paper form on a proposer's behalf (代录): hidden from everyone else.
PROXY_FIELDS = {"proposer", "scan", "form_scan"}
PROXY_ACTIONS = {"cosign", "decline_cosign", "rate"}
CLASS_HELP = (
    "A类：问题已解决或建议已采纳；B类：正在解决或已列入计划（写明时间安排）；C类：因条件限制留作参考（说明原因）。"
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return super().clean(data, initial)


FILE_FIELDS = {
    "scan": Attachment.Purpose.COSIGN_SCAN,
    "form_scan": Attachment.Purpose.RATING_FORM,
    "letter_file": Attachment.Purpose.REPLY_LETTER,
    "photos": Attachment.Purpose.EVIDENCE,
}


def _choice(field: forms.Field, choices, *, multiple: bool = False, widget=None) -> forms.Field:
    empty = [] if multiple or field.required else [("", "——请选择——")]
    cls = forms.TypedMultipleChoiceField if multiple else forms.TypedChoiceField
    return cls(
        label=field.label,
        required=field.required,
        help_text=field.help_text,
        coerce=int,
        choices=empty + list(choices),
        **({"widget": widget} if widget else {}),
    )


def _unit_choices():
    return [(u.pk, u.name) for u in Unit.objects.filter(active=True).order_by("name")]


def unit_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    """The active units grouped as people look for them: district bureaus, towns and streets, city branches."""
    groups: dict[str, list[tuple[int, str]]] = {}
    labels = dict(Unit.Kind.choices)
    for unit in Unit.objects.filter(active=True).order_by("kind", "name"):
        groups.setdefault(unit.kind, []).append((unit.pk, unit.name))
    order = [k for k, _ in Unit.Kind.choices]
    return [(labels[k], groups[k]) for k in order if k in groups]


def _file_choices(case: Case, purpose: str):
    return [(a.pk, f"{a.original_name}（{a.uploaded_at:%Y-%m-%d}）") for a in case.attachments.filter(purpose=purpose)]


def build_form(action: ActionDef, case: Case, user, data=None, initial=None) -> forms.Form:
    form = action_form_class(action)(data=data, initial=initial)
    fields = form.fields
    for name, field in list(fields.items()):
        if name in ("unit", "suggested_unit"):
            fields[name] = _choice(field, _unit_choices())
        elif name == "replace":
            live = [
                (a.pk, f"{a.unit.name}（{a.get_role_display()}）")
                for a in case.assignments.select_related("unit")
                if a.is_live
            ]
            fields[name] = _choice(field, live)
        elif name == "proposer":
            rows = case.proposers.select_related("user")
            if action.name in ("cosign", "decline_cosign"):
                rows = rows.filter(role=Proposer.Role.COSIGNER, confirmation=Proposer.Confirmation.PENDING)
            fields[name] = _choice(field, [(p.user_id, p.user.display_name) for p in rows])
        elif name in FILE_FIELDS:
            fields[name] = _choice(
                field,
                _file_choices(case, FILE_FIELDS[name]),
                multiple=name == "photos",
                widget=forms.CheckboxSelectMultiple if name == "photos" else None,
            )
        elif name in ("reply_rating", "contact_rating"):
            fields[name] = forms.ChoiceField(label=field.label, choices=field.choices, widget=forms.RadioSelect)
        elif name == "ground":
            fields[name] = _choice(field, RejectionGround.objects.filter(active=True).values_list("pk", "name"))
        elif name == "category":
            fields[name] = _choice(field, Category.objects.filter(active=True).values_list("pk", "name"))
        elif name == "leaders":
            leaders = User.objects.filter(groups__name=Role.LEADER, is_active=True).order_by("name")
            fields[name] = _choice(
                field, [(u.pk, u.display_name) for u in leaders], multiple=True, widget=forms.CheckboxSelectMultiple
            )
        elif name == "host":
            fields[name] = forms.IntegerField(label=field.label, required=field.required, widget=forms.HiddenInput)
    if action.name in PROXY_ACTIONS and not is_staff(user):
        for name in PROXY_FIELDS & set(fields):
            del fields[name]
    if "reply_class" in fields:
        original = fields["reply_class"]
        required_here = action.name == "reply" and settings_registry.needs_class(case.kind)
        fields["reply_class"] = forms.ChoiceField(
            label=original.label,
            required=original.required,
            choices=([] if required_here else [("", "不填" if action.name == "reply" else "不调整")])
            + list(ReplyClass.choices),
            widget=forms.RadioSelect,
            help_text=CLASS_HELP + ("本件须选择类别。" if required_here else ""),
        )
    if action.name == "log_supervision":
        # Photos are uploaded with the record itself; ones uploaded before are still offered when there are any.
        if not fields["photos"].choices:
            del fields["photos"]
        else:
            fields["photos"].label = "或选择已上传的照片/材料"
        fields[PHOTO_UPLOAD] = MultipleFileField(label="照片/材料（可多选；JPG、PNG、PDF）", required=False)
    if action.name == "reply":
        # The stamped letter is uploaded with the reply itself (issue 13); one uploaded before is still offered.
        fields["letter_file"].label = "或选择已上传的盖章答复函"
        fields[LETTER_UPLOAD] = forms.FileField(label="上传盖章答复函（PDF/OFD）", required=False)
        form.order_fields(
            [LETTER_UPLOAD, "letter_file"] + [n for n in fields if n not in (LETTER_UPLOAD, "letter_file")]
        )
    return form


def unit_rows(data) -> list[dict]:
    """The assignment picker's rows, as typed (for re-display)."""
    rows = []
    units = data.getlist("unit_pick") if data is not None else []
    roles = data.getlist("role_pick") if data is not None else []
    for i in range(UNIT_ROWS):
        rows.append({"unit": units[i] if i < len(units) else "", "role": roles[i] if i < len(roles) else ""})
    return rows


def post_data(action: ActionDef, post: QueryDict) -> dict:
    """POST → the data dict the service's form validates (lists for id lists, JSON for units)."""
    data: dict = {}
    for spec in action.fields:
        if spec.type == "units":
            rows = unit_rows(post)
            data[spec.name] = json.dumps([{"unit": r["unit"], "role": r["role"] or "lead"} for r in rows if r["unit"]])
        elif spec.type == "ids":
            data[spec.name] = [v for v in post.getlist(spec.name) if v]
        elif spec.name in post:
            data[spec.name] = post.get(spec.name)
    return data


ROLE_CHOICES = AssignmentRole.choices
