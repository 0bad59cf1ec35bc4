"""Staff edit the synonym list in the admin; an edit reindexes the cases that mention its words."""

from django.contrib import admin

from .models import SynonymGroup


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    list_display = ("__str__", "active", "note", "updated_at")
    list_filter = ("active",)
    search_fields = ("words", "note")
    fields = ("words", "active", "note")
