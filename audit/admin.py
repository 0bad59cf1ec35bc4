"""The audit trail in the admin: the audit administrator reads it; nobody changes it."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "seq",
        "at",
        "actor_label",
        "on_behalf_of",
        "action",
        "object_type",
        "object_id",
        "from_state",
        "to_state",
        "outcome",
        "ip",
    )
    list_filter = ("outcome", "action")
    search_fields = ("actor_label", "object_id", "action")
    show_full_result_count = False
