from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied

from .admin_roles import SYS, admin_roles_of
from .models import (
    CollectiveSigner,
    MemberGroup,
    Membership,
    Organisation,
    PartyBranch,
    Sector,
    Session,
    SpecialCommittee,
    Term,
    Unit,
    User,
)
from .signals import check_admin_roles
from .validators import normalize_mobile


class IssuedPasswordMixin:
    """A password an administrator sets must be changed by its owner at the next login."""

    def save(self, commit=True):
        self.instance.must_change_password = True
        return super().save(commit)


class UserCreationForm(IssuedPasswordMixin, AdminUserCreationForm):
    pass


class PasswordSetForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit)


class UserForm(UserChangeForm):
    def clean_phone(self):
        # '+86 139-1700-0001' is kept as 13917000001; the model field's validator then checks it.
        return normalize_mobile(self.cleaned_data.get("phone", ""))

    def clean(self):
        cleaned = super().clean()
        if "groups" in cleaned:  # 三员分立: no account holds two of the three administrator roles
            check_admin_roles(group.name for group in cleaned["groups"])
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserForm
    add_form = UserCreationForm
    change_password_form = PasswordSetForm
    list_display = ("username", "name", "phone", "is_active", "last_login", "must_change_password")
    list_filter = ("is_active", "groups")
    search_fields = ("username", "name", "phone")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("联系方式", {"fields": ("name", "phone", "address", "work_unit")}),
        (
            "账号安全",
            {
                "fields": (
                    "must_change_password",
                    "password_changed_at",
                    "last_login_ip",
                    "previous_login_at",
                    "previous_login_ip",
                )
            },
        ),
    )
    readonly_fields = (
        "password_changed_at",
        "last_login_ip",
        "previous_login_at",
        "previous_login_ip",
        "last_login",
        "date_joined",
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and "is_superuser" not in readonly:
            readonly.append("is_superuser")  # only a superuser makes a superuser (none in production)
        return readonly

    def user_change_password(self, request, id, form_url=""):
        # Setting passwords is account work: the system administrator's, not the security one's.
        if not (request.user.is_superuser or SYS in admin_roles_of(request.user)):
            raise PermissionDenied("只有系统管理员可以设置用户密码。")
        return super().user_change_password(request, id, form_url)


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


@admin.register(CollectiveSigner)
class CollectiveSignerAdmin(admin.ModelAdmin):
    list_display = ("term", "user", "kind", "organisation", "sector", "committee", "group")
    list_filter = ("term", "kind")
    search_fields = ("user__name", "user__username")
    autocomplete_fields = ("user",)


for model, fields in [
    (Sector, ("name", "order")),
    (SpecialCommittee, ("name", "order")),
    (MemberGroup, ("name", "term")),
    (PartyBranch, ("name", "term")),
    (Organisation, ("name", "kind", "active")),
]:
    admin.site.register(
        model, type(f"{model.__name__}Admin", (admin.ModelAdmin,), {"list_display": fields, "search_fields": ("name",)})
    )
