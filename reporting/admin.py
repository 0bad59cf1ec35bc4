"""The system administrator's side of the documents: the 公文设置 (names, 版头, 发文字号 patterns) and
the 公文模板 — upload a replacement .docx for a kind (checked and tried first; earlier versions kept),
switch a version off to return to the previous one, download the template in use to edit it in Word."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header

from audit import trail as audit
from core import clock
from reporting.documents import engine, numbers
from reporting.documents import registry as document_registry

from .models import DocumentSettings, DocumentTemplate

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


class DocumentSettingsForm(forms.ModelForm):
    class Meta:
        model = DocumentSettings
        fields = (
            "committee",
            "header_text",
            "issuer",
            "number_pattern",
            "reply_number_pattern",
            "cc",
            "printer",
            "reply_cc",
            "office_contact",
            "office_phone",
        )

    def _pattern(self, name: str, **names: str) -> str:
        value = self.cleaned_data[name]
        if "{number}" not in value:
            raise forms.ValidationError("格式中必须包含 {number}（顺序号）。")
        try:
            value.format(year=2026, number=1, **names)
        except (KeyError, IndexError, ValueError):
            allowed = "、".join(["{year}", "{number}", *[f"{{{n}}}" for n in names]])
            raise forms.ValidationError(f"格式只能使用 {allowed}，花括号须成对。")
        return value

    def clean_number_pattern(self):
        return self._pattern("number_pattern")

    def clean_reply_number_pattern(self):
        return self._pattern("reply_number_pattern", unit="区住建局")


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(admin.ModelAdmin):
    form = DocumentSettingsForm
    list_display = ("__str__", "committee", "header_text", "number_pattern", "updated_at", "updated_by")
    readonly_fields = ("example_numbers",)

    @admin.display(description="文号示例")
    def example_numbers(self, obj):
        return "；".join(
            [
                numbers.format_number(obj.number_pattern, year=clock.today().year, number=12),
                numbers.format_number(obj.reply_number_pattern, year=clock.today().year, number=3, unit="区住建局"),
            ]
        )

    def has_add_permission(self, request, *args, **kwargs):
        return not DocumentSettings.objects.exists() and super().has_add_permission(request, *args, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def changelist_view(self, request, extra_context=None):
        # One row: open it directly (created with the defaults on first visit).
        if self.has_view_permission(request):
            from django.shortcuts import redirect

            settings_row = DocumentSettings.current()
            if settings_row._state.adding and self.has_change_permission(request):
                settings_row.save()
            if not settings_row._state.adding:
                return redirect("admin:reporting_documentsettings_change", settings_row.pk)
        return super().changelist_view(request, extra_context)


class DocumentTemplateForm(forms.ModelForm):
    kind = forms.ChoiceField(label="文书", choices=())
    upload = forms.FileField(label="模板文件（.docx）", required=True)

    class Meta:
        model = DocumentTemplate
        fields = ("kind", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = document_registry.choices()

    def clean(self):
        cleaned = super().clean()
        kind = document_registry.get(cleaned.get("kind") or "")
        upload = cleaned.get("upload")
        if kind is None or upload is None:
            return cleaned
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError("模板文件不能超过 5 MB。")
        content = upload.read()
        errors = engine.check_template(kind, content)
        if errors:
            raise forms.ValidationError([f"模板未被采用：{e}" for e in errors])
        cleaned["content"] = content
        return cleaned


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    list_display = ("kind_title", "version", "active", "filename", "uploaded_by", "uploaded_at", "note")
    list_filter = ("kind", "active")
    ordering = ("kind", "-version")

    @admin.display(description="文书", ordering="kind")
    def kind_title(self, obj):
        kind = document_registry.get(obj.kind)
        return kind.title if kind else obj.kind

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = DocumentTemplateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("kind", "upload", "note", "field_help")
        return ("kind_title", "version", "filename", "uploaded_by", "uploaded_at", "active", "note", "download")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("field_help",)
        return ("kind_title", "version", "filename", "uploaded_by", "uploaded_at", "download")

    @admin.display(description="各文书可用字段与当前模板")
    def field_help(self, obj=None):
        rows = []
        for kind in document_registry.kinds():
            link = reverse("admin:reporting_documenttemplate_current", args=[kind.key])
            fields = "、".join(f"{{{{ {k} }}}} {v}" for k, v in kind.all_fields.items())
            rows.append((kind.title, link, fields))
        return format_html(
            "<p>先下载当前模板，在 Word 或 WPS 中修改后上传；只能使用下列字段。上传后先用示例数据试生成，失败则不采用。</p>"
            "<dl>{}</dl>",
            format_html_join("", '<dt>{} <a href="{}">下载当前模板</a></dt><dd>{}</dd>', rows),
        )

    @admin.display(description="模板文件")
    def download(self, obj):
        return format_html(
            '<a href="{}">下载此版本</a>', reverse("admin:reporting_documenttemplate_file", args=[obj.pk])
        )

    def get_urls(self):
        extra = [
            path(
                "current/<slug:kind>/",
                self.admin_site.admin_view(self.current_file),
                name="reporting_documenttemplate_current",
            ),
            path(
                "<int:pk>/file/", self.admin_site.admin_view(self.version_file), name="reporting_documenttemplate_file"
            ),
        ]
        return extra + super().get_urls()

    def _send(self, content: bytes, filename: str) -> HttpResponse:
        response = HttpResponse(content, content_type=engine.DOCX_TYPE)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response

    def current_file(self, request: HttpRequest, kind: str) -> HttpResponse:
        if not self.has_view_permission(request):
            raise Http404
        found = document_registry.get(kind)
        if found is None:
            raise Http404("没有这种文书。")
        return self._send(engine.template_bytes(found), f"{found.title}模板.docx")

    def version_file(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise Http404
        obj = DocumentTemplate.objects.filter(pk=pk).first()
        if obj is None:
            raise Http404
        return self._send(bytes(obj.content), obj.filename)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        with transaction.atomic():
            last = DocumentTemplate.objects.filter(kind=obj.kind).aggregate(m=Max("version"))["m"] or 0
            obj.version = last + 1
            obj.content = form.cleaned_data["content"]
            obj.filename = form.cleaned_data["upload"].name[:200]
            obj.uploaded_by = request.user
            obj.uploaded_at = clock.now()
            obj.active = True
            obj.save()
            audit.record(
                "document_template_upload",
                actor=request.user,
                obj=obj,
                data={"kind": obj.kind, "version": obj.version, "filename": obj.filename, "bytes": len(obj.content)},
            )

    def has_delete_permission(self, request, obj=None):
        # Versions are kept: switching the newest off ("启用" unticked) returns to the previous one.
        return False
