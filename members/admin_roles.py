"""三员分立 in the admin site: ONE mapping says which administrator may do what with each model.

- 系统管理员 (sysadmin): accounts, units, terms and reference data, workflow settings, the calendar.
- 安全管理员 (secadmin): roles (groups and membership), permissions, lockouts, 2FA devices.
- 审计管理员 (auditor): reads the audit trail and the login log; changes nothing.

The admin site's ``has_permission`` lets in superusers and the three administrators only. Every
registered ModelAdmin gets ``RoleAdminMixin`` (permission methods driven by ``ADMIN_MODELS``, and
its own actions audited as ``admin_change``). The groups' Django permissions are derived from the
same mapping after each migrate (``sync_group_permissions``), so ``user.has_perm`` agrees.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db import transaction

from .models import AdminRole
from .validators import UsernameLengthMixin

SYS, SEC, AUD = AdminRole.SYSADMIN.value, AdminRole.SECADMIN.value, AdminRole.AUDITOR.value
VIEW = frozenset({"view"})
MANAGE = frozenset({"view", "add", "change", "delete"})
EDIT = frozenset({"view", "change"})

_SYSADMIN_DATA = [
    "members.unit",
    "members.term",
    "members.session",
    "members.sector",
    "members.specialcommittee",
    "members.membergroup",
    "members.partybranch",
    "members.organisation",
    "members.collectivesigner",
    "members.membership",
    "proposals.category",
    "proposals.rejectionground",
    "proposals.calendarday",
    "proposals.workflowsetting",
    "reporting.documentsettings",  # the official documents: names, 版头, 发文字号 patterns (issue 16)
    "reporting.documenttemplate",  # uploaded .docx templates, versions kept
    "assist.synonymgroup",  # the synonym list of the similar-case search (staff ask; the sysadmin edits)
]

# model label → admin role → operations. A model not listed is for superusers only.
ADMIN_MODELS: dict[str, dict[str, frozenset[str]]] = {
    # Accounts: the system administrator creates and edits them (profile, active, password); the
    # security administrator sets their roles. Which fields each may touch: USER_FIELDS.
    "members.user": {SYS: frozenset({"view", "add", "change"}), SEC: EDIT},
    **{label: {SYS: MANAGE} for label in _SYSADMIN_DATA},
    "auth.group": {SEC: MANAGE},
    "auth.permission": {SEC: VIEW},
    "otp_totp.totpdevice": {SEC: frozenset({"view", "delete"})},
    "axes.accessattempt": {SEC: frozenset({"view", "delete"}), AUD: VIEW},
    "axes.accesslog": {SEC: VIEW, AUD: VIEW},
    "axes.accessfailurelog": {SEC: VIEW, AUD: VIEW},
    "audit.auditevent": {AUD: VIEW},
    "admin.logentry": {AUD: VIEW},
}

# Fields of a model each role may edit (others are read-only for them); superusers edit all.
USER_PROFILE_FIELDS = {
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "name",
    "phone",
    "address",
    "work_unit",
    "must_change_password",
    "password1",
    "password2",
    "usable_password",
}
# The fields that grant roles or permissions: nobody but a superuser changes them on their own account.
ROLE_FIELDS = ("groups", "user_permissions", "is_staff", "is_superuser", "is_active")
EDITABLE_FIELDS: dict[str, dict[str, set[str]]] = {
    "members.user": {SYS: USER_PROFILE_FIELDS, SEC: {"groups", "user_permissions", "is_staff"}},
}


def admin_roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return set(user.role_set()) & set(AdminRole.values)


def allowed(user, label: str, op: str) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    rules = ADMIN_MODELS.get(label, {})
    return any(op in rules.get(role, ()) for role in admin_roles_of(user))


class RoleAdminMixin:
    """Mixed into every registered ModelAdmin by CppccAdminSite.register."""

    def _label(self) -> str:
        return self.model._meta.label_lower

    def _may(self, request, op: str) -> bool:
        return allowed(request.user, self._label(), op)

    def has_module_permission(self, request):
        return request.user.is_superuser or any(self._may(request, op) for op in ("view", "change"))

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view") and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        return self._may(request, "add") and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change") and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "delete") and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        fields_by_role = EDITABLE_FIELDS.get(self._label())
        if not fields_by_role or request.user.is_superuser or obj is None:
            return readonly
        editable = set().union(*(fields_by_role.get(role, set()) for role in admin_roles_of(request.user)))
        every = {name for _, opts in self.get_fieldsets(request, obj) for name in opts["fields"]}
        return readonly + sorted(every - editable - set(readonly))

    # Their own actions are audited: the admin's LogEntry also becomes a hash-chained AuditEvent.
    def _audit(self, request, obj_type: str, obj_id, op: str, message) -> None:
        from audit import trail as audit

        with transaction.atomic():
            audit.record(
                "admin_change",
                actor=request.user,
                object_type=obj_type,
                object_id=str(obj_id)[:50],
                data={"op": op, "model": self._label(), "message": str(message)[:500]},
            )

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._audit(request, obj._meta.model_name, obj.pk, "add", message)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._audit(request, obj._meta.model_name, obj.pk, "change", message)
        return entry

    def log_deletions(self, request, queryset):
        objects = [(obj.pk, str(obj)) for obj in queryset]
        entries = super().log_deletions(request, queryset)
        for pk, text in objects:
            self._audit(request, self.model._meta.model_name, pk, "delete", text)
        return entries


class AdminLoginForm(UsernameLengthMixin, AdminAuthenticationForm):
    pass


class CppccAdminSite(admin.AdminSite):
    login_form = AdminLoginForm
    site_header = "陈仓区政协提案管理系统 · 管理后台"
    site_title = "提案管理后台"
    index_title = "系统管理"

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and (user.is_superuser or admin_roles_of(user)))

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, RoleAdminMixin):
            admin_class = type(
                admin_class.__name__, (RoleAdminMixin, admin_class), {"__module__": admin_class.__module__}
            )
        return super().register(model_or_iterable, admin_class, **options)


def sync_group_permissions(**kwargs) -> None:
    """Give the three groups exactly the Django permissions ADMIN_MODELS implies (post_migrate)."""
    from django.contrib.auth.models import Group, Permission

    for role in AdminRole.values:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for label, rules in ADMIN_MODELS.items():
            app_label, model = label.split(".")
            wanted += [(app_label, f"{op}_{model}") for op in rules.get(role, ())]
        perms = [
            p
            for p in Permission.objects.filter(codename__in=[c for _, c in wanted]).select_related("content_type")
            if (p.content_type.app_label, p.codename) in set(wanted)
        ]
        group.permissions.set(perms)
