"""Admin building blocks the apps share (no model of its own is registered here)."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show everything, change nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
