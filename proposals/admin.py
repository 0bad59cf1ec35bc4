"""The admin, for staff and administrators: reference data is editable; workflow data is not.

Workflow fields (states, numbers, kind, assignments, replies, ratings) are read-only here and
cases and audit events cannot be deleted: every workflow change goes through proposals.services,
which checks it and audits it.
"""

from django import forms
from django.contrib import admin

from core.admin import ReadOnlyAdmin

from . import settings_registry
from .models import (
    Assignment,
    Attachment,
    CalendarDay,
    Case,
    Category,
    CoHandlerView,
    ContactRecord,
    Extension,
    FollowUp,
    KeyProposal,
    Proposer,
    Rating,
    RejectionGround,
    Reply,
    SupervisionActivity,
    WorkflowSetting,
)


class ProposerInline(admin.TabularInline):
    model = Proposer
    fields = ("role", "user", "collective", "organisation", "sector", "committee", "confirmation", "confirmed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = (
        "unit",
        "role",
        "status",
        "round",
        "assigned_at",
        "return_deadline",
        "due_date",
        "signed_at",
        "replied_at",
        "accepted_at",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("display_number_col", "title", "kind", "status", "category", "source", "is_key", "submitted_at")
    list_filter = ("kind", "status", "session", "category", "source", "is_key")
    search_fields = ("title", "number")
    list_select_related = ("session", "category")
    date_hierarchy = "submitted_at"
    inlines = [ProposerInline, AssignmentInline]
    show_full_result_count = False

    @admin.display(description="编号", ordering="number")
    def display_number_col(self, obj):
        return obj.display_number or "—"

    def get_queryset(self, request):
        # Members' unsubmitted drafts stay private, in the admin too.
        return super().get_queryset(request).filter(submitted_at__isnull=False)


for model, columns, filters in [
    (Assignment, ("case", "unit", "role", "status", "due_date"), ("status", "role")),
    (Reply, ("case", "assignment", "round", "state", "reply_class", "submitted_at"), ("state", "reply_class")),
    (Rating, ("case", "assignment", "round", "proposer", "reply_rating", "contact_rating"), ("reply_rating", "round")),
    (ContactRecord, ("case", "assignment", "point", "way", "date", "face_to_face"), ("point", "way", "face_to_face")),
    (CoHandlerView, ("case", "assignment", "sent_at"), ()),
    (Extension, ("case", "assignment", "requested_due", "state"), ("state",)),
    (FollowUp, ("case", "date", "done"), ("done",)),
    (KeyProposal, ("case", "state", "recommended_at", "designated_at"), ("state",)),
    (SupervisionActivity, ("case", "kind", "date"), ("kind",)),
    (Attachment, ("case", "purpose", "original_name", "size", "uploaded_at"), ("purpose",)),
]:
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (ReadOnlyAdmin,),
            {
                "list_display": columns,
                "list_filter": filters,
                "show_full_result_count": False,
            },
        ),
    )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "active")
    list_editable = ("order", "active")

    def has_delete_permission(self, request, obj=None):
        return False  # cases keep their category; retire one by unticking 启用


@admin.register(RejectionGround)
class RejectionGroundAdmin(CategoryAdmin):
    pass


class HolidayNoticeForm(forms.Form):
    year = forms.IntegerField(
        label="年份", required=False, min_value=2000, max_value=2100, help_text="不填则取通知标题中的年份"
    )
    text = forms.CharField(
        label="通知全文",
        widget=forms.Textarea(attrs={"rows": 18, "cols": 100}),
        max_length=20000,
        help_text="粘贴“国务院办公厅关于20XX年部分节假日安排的通知”全文（至少包含“一、元旦：……”各条）",
    )


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    change_list_template = "admin/proposals/calendarday/change_list.html"

    def get_urls(self):
        from django.urls import path

        view = self.admin_site.admin_view(self.import_notice_view)
        return [path("import-notice/", view, name="proposals_calendarday_import_notice"), *super().get_urls()]

    def may_import(self, request) -> bool:
        # The notice replaces the year's rows: adding, changing and deleting calendar days.
        return all(
            (self.has_add_permission(request), self.has_change_permission(request), self.has_delete_permission(request))
        )

    def import_notice_view(self, request):
        """Paste the State Council's notice, see the days parsed (preview), confirm: rows written and audited."""
        from django.contrib import messages
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        from . import holiday_notice
        from .management.commands.import_holiday_notice import describe

        if not self.may_import(request):
            raise PermissionDenied
        form = HolidayNoticeForm(request.POST or None)
        preview, error = None, ""
        if request.method == "POST" and form.is_valid():
            try:
                notice = holiday_notice.parse(form.cleaned_data["text"], form.cleaned_data["year"])
            except holiday_notice.HolidayNoticeError as exc:
                error = f"通知无法解析，未写入任何数据：{exc}"
            else:
                if "confirm" in request.POST:
                    done = holiday_notice.apply(notice, request.user, source="admin")
                    messages.success(
                        request,
                        f"已写入 {notice.year} 年工作日历：新增 {len(done.add)} 条、"
                        f"修改 {len(done.change)} 条、删除 {len(done.remove)} 条。",
                    )
                    return redirect("admin:proposals_calendarday_changelist")
                preview = holiday_notice.plan(notice)
        context = {
            **self.admin_site.each_context(request),
            "title": "导入国务院节假日安排通知",
            "opts": self.model._meta,
            "form": form,
            "error": error,
            "preview": preview,
            "preview_lines": describe(preview) if preview else [],
        }
        return TemplateResponse(
            request, "admin/proposals/calendarday/import_notice.html", context, status=400 if error else 200
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_import_notice": self.may_import(request)}
        return super().changelist_view(request, extra_context)


class WorkflowSettingForm(forms.ModelForm):
    key = forms.ChoiceField(label="设置项", choices=[(d.key, d.label) for d in settings_registry.DEFINITIONS.values()])

    class Meta:
        model = WorkflowSetting
        fields = ("key", "value")

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("key")
        if key in settings_registry.DEFINITIONS and "value" in cleaned:
            cleaned["value"] = settings_registry.DEFINITIONS[key].clean(cleaned["value"])
        return cleaned


@admin.register(WorkflowSetting)
class WorkflowSettingAdmin(admin.ModelAdmin):
    form = WorkflowSettingForm
    list_display = ("key", "label", "value", "updated_at", "updated_by")

    @admin.display(description="说明")
    def label(self, obj):
        definition = settings_registry.DEFINITIONS.get(obj.key)
        return definition.label if definition else ""

    def save_model(self, request, obj, form, change):
        # Through the registry, so the change is audited and caches are refreshed.
        settings_registry.set_value(obj.key, obj.value, by=request.user)

    def has_delete_permission(self, request, obj=None):
        return False
