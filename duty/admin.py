"""The rules an administrator edits: points per kind of record (versioned by year) and the assessment method."""

from django.contrib import admin

from .models import AssessmentPolicy, PointRule


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "year", "points", "cap", "note"]
    list_filter = ["kind", "year"]
    ordering = ["kind", "-year"]


@admin.register(AssessmentPolicy)
class AssessmentPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "method",
        "excellent_min",
        "qualified_min",
        "basic_min",
        "excellent_share",
        "basic_share",
        "unqualified_share",
    ]
