"""Forms and the one FilterSet of the activity list (pages and API)."""

from __future__ import annotations

import django_filters as filters
from django import forms

from members.models import MemberGroup, Membership, Sector, SpecialCommittee

from .models import Activity, ActivityKind


class ActivityForm(forms.ModelForm):
    SCOPES = [
        ("organiser", "组织方的委员（所选专委会、界别或委员小组）"),
        ("all", "全体委员"),
        ("standing", "全体常委"),
        ("none", "仅下方选择的委员"),
    ]
    scope = forms.ChoiceField(label="邀请范围", choices=SCOPES, initial="organiser")
    members = forms.ModelMultipleChoiceField(
        label="另行邀请的委员",
        queryset=Membership.objects.none(),
        required=False,
        help_text="可多选（按住 Ctrl 或在手机上逐个点选）",
    )

    class Meta:
        model = Activity
        fields = ["kind", "title", "date", "place", "organiser", "committee", "sector", "group", "summary"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, term=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.term = term
        ms = (
            Membership.objects.filter(term=term, active=True)
            .select_related("user", "sector")
            .order_by("sector__order", "user__name")
        )
        self.fields["members"].queryset = ms
        self.fields["members"].label_from_instance = lambda m: f"{m.user.display_name}（{m.sector.name}）"
        self.fields["group"].queryset = MemberGroup.objects.filter(term=term)

    def clean(self):
        data = super().clean()
        if data.get("scope") == "organiser" and not any(data.get(k) for k in ("committee", "sector", "group")):
            self.add_error("scope", "按组织方邀请时，请选择组织的专委会、界别或委员小组。")
        return data

    def invitees(self) -> list[int]:
        data = self.cleaned_data
        ms = Membership.objects.filter(term=self.term, active=True)
        scope = data["scope"]
        if scope == "all":
            chosen = ms
        elif scope == "standing":
            chosen = ms.filter(is_standing=True)
        elif scope == "organiser":
            chosen = ms.none()
            for key in ("committee", "sector", "group"):
                if data.get(key):
                    chosen = chosen | ms.filter(**{key: data[key]})
        else:
            chosen = ms.none()
        ids = set(chosen.values_list("user_id", flat=True))
        ids |= {m.user_id for m in data.get("members") or []}
        return sorted(ids)


class OpinionForm(forms.Form):
    text = forms.CharField(label="意见建议", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    author = forms.TypedChoiceField(label="提出委员", coerce=int, required=False, empty_value=None)


class SelfReportForm(forms.Form):
    text = forms.CharField(
        label="年度履职工作报告",
        widget=forms.Textarea(attrs={"rows": 14}),
        min_length=50,
        max_length=20000,
        error_messages={"min_length": "履职工作报告至少 50 字。", "required": "请填写履职工作报告。"},
    )


class ActivityFilterSet(filters.FilterSet):
    year = filters.NumberFilter(field_name="date", lookup_expr="year", label="年度", min_value=2000, max_value=2100)
    kind = filters.ChoiceFilter(choices=ActivityKind.choices, label="类型", empty_label="全部类型")
    committee = filters.ModelChoiceFilter(
        queryset=SpecialCommittee.objects.all(), label="专委会", empty_label="全部专委会"
    )
    sector = filters.ModelChoiceFilter(queryset=Sector.objects.all(), label="界别", empty_label="全部界别")
    q = filters.CharFilter(field_name="title", lookup_expr="icontains", label="名称")

    class Meta:
        model = Activity
        fields = ["year", "kind", "committee", "sector", "q"]


def filter_activities(params, queryset):
    fs = ActivityFilterSet(params, queryset=queryset)
    return fs, (fs.qs if fs.is_valid() else queryset.none())
