"""The outbox in the admin, read-only: messages are written by the rules and sent by deliver_outbox."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("channel", "address", "subject", "state", "attempts", "next_attempt_at")
    list_filter = ("state", "channel")
    show_full_result_count = False
