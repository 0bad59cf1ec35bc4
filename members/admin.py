from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    MemberGroup, Membership, Organisation, PartyBranch, Sector, Session, SpecialCommittee, Term, Unit, User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "phone", "is_active", "last_login")
    list_filter = ("is_active", "groups")
    search_fields = ("username", "name", "phone")
    fieldsets = BaseUserAdmin.fieldsets + (("联系方式", {"fields": ("name", "phone", "address", "work_unit")}),)


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("name", "number", "start_date", "end_date", "is_current")
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("name", "term", "opens", "closes")
    list_filter = ("term",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "term", "sector", "committee", "group", "affiliation", "is_standing", "active")
    list_filter = ("term", "committee", "sector", "affiliation", "is_standing", "active")
    search_fields = ("user__name", "user__username")
    list_select_related = ("user", "term", "sector", "committee", "group")
    autocomplete_fields = ("user",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "phone", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    filter_horizontal = ("contacts",)


for model, fields in [
    (Sector, ("name", "order")),
    (SpecialCommittee, ("name", "order")),
    (MemberGroup, ("name", "term")),
    (PartyBranch, ("name", "term")),
    (Organisation, ("name", "kind", "active")),
]:
    admin.site.register(model, type(f"{model.__name__}Admin", (admin.ModelAdmin,), {"list_display": fields, "search_fields": ("name",)}))
