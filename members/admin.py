from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit import trail as audit
from audit.models import AuditEvent
from core.params import parse_id

from .admin_roles import ROLE_FIELDS, SYS, admin_roles_of
from .models import (
    ROLE_GROUPS,
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
from .validators import mask_phone, normalize_mobile


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


def audit_admin_refusal(request, obj_type: str, obj_id, reason: str, data: dict | None = None) -> None:
    """A refused change in the admin is a security event (outcome ``refused``), like a refused action."""
    with transaction.atomic():
        audit.record(
            "admin_change",
            actor=request.user,
            object_type=obj_type,
            object_id=str(obj_id or "")[:50],
            outcome=AuditEvent.Outcome.REFUSED,
            data={"reason": reason[:300], **(data or {})},
        )


class UserForm(UserChangeForm):
    request = None  # set by UserAdmin.get_form: the refusal is audited with who tried

    def clean_phone(self):
        # '+86 139-1700-0001' is kept as 13917000001; the model field's validator then checks it.
        return normalize_mobile(self.cleaned_data.get("phone", ""))

    def clean(self):
        cleaned = super().clean()
        if "groups" in cleaned:  # 三员分立: one administrator role at most, never with a business role
            names = [group.name for group in cleaned["groups"]]
            try:
                check_admin_roles(names)
            except ValidationError as error:
                if self.request is not None:
                    audit_admin_refusal(
                        self.request, "user", self.instance.pk, error.messages[0], {"groups": sorted(names)}
                    )
                raise
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserForm
    add_form = UserCreationForm
    change_password_form = PasswordSetForm
    list_display = ("username", "name", "masked_phone", "is_active", "last_login", "must_change_password")
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

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request = request
        return form

    @admin.display(description="手机号码", ordering="phone")
    def masked_phone(self, obj) -> str:
        """The list shows 139****0001: administrators manage accounts, they do not read members'
        numbers in bulk (the system administrator sees the full number on the account's own form)."""
        return mask_phone(obj.phone)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and "is_superuser" not in readonly:
            readonly.append("is_superuser")  # only a superuser makes a superuser (none in production)
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            # The security administrator manages others' roles, never its own.
            readonly += [name for name in ROLE_FIELDS if name not in readonly]
        return readonly

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if (
            request.method == "POST"
            and object_id is not None
            and str(object_id) == str(request.user.pk)
            and not request.user.is_superuser
            and any(name in request.POST for name in ROLE_FIELDS)
        ):
            audit_admin_refusal(request, "user", object_id, "不能修改自己的角色与权限。")
            raise PermissionDenied("三员分立：不能修改自己的角色与权限。")
        return super().changeform_view(request, object_id, form_url, extra_context)

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


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Roles are matched by group name (members.models.ROLE_GROUPS) and the administrators' permissions
    are derived from admin_roles.ADMIN_MODELS after each migrate: a role group is shown, never renamed,
    re-permissioned or deleted. Other groups stay the security administrator's to manage."""

    def _is_role_group(self, obj) -> bool:
        return obj is not None and obj.name in ROLE_GROUPS

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + ["name", "permissions"] if self._is_role_group(obj) else readonly

    def has_delete_permission(self, request, obj=None):
        return not self._is_role_group(obj) and super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            group = Group.objects.filter(pk=parse_id(object_id)).first()
            if self._is_role_group(group) and {"name", "permissions"} & set(request.POST):
                audit_admin_refusal(request, "group", object_id, "角色组不能改名或修改权限。", {"group": group.name})
                raise PermissionDenied("角色组不能改名或修改权限。")
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        group = Group.objects.filter(pk=parse_id(object_id)).first()
        if self._is_role_group(group):
            audit_admin_refusal(request, "group", object_id, "角色组不能删除。", {"group": group.name})
            raise PermissionDenied("角色组不能删除。")
        return super().delete_view(request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        # The changelist's bulk delete: role groups are refused there too (audited before Django's 403).
        if request.method == "POST" and request.POST.get("action") == "delete_selected":
            ids = [pk for pk in map(parse_id, request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)) if pk]
            roles = list(Group.objects.filter(pk__in=ids, name__in=ROLE_GROUPS).values_list("name", flat=True))
            if roles:
                audit_admin_refusal(request, "group", "", "角色组不能删除。", {"groups": sorted(roles)})
                raise PermissionDenied("角色组不能删除。")
        return super().changelist_view(request, extra_context)
