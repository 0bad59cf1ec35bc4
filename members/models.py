"""People, terms and organisations of the CPPCC committee, and the handling units.

A person has one login for life (User); what they are in a given term (sector, committee,
group, standing committee) is a Membership of that term, so a re-appointed member keeps one
account and past statistics never move when somebody changes committee.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.models import UserManager as AuthUserManager
from django.db import models
from django.db.models import Q

from .validators import validate_mobile


class Role(models.TextChoices):
    """The roles of DOMAIN.md. Each is a Django group of the same name (created by migration)."""

    MEMBER = "member", "委员"
    STAFF = "staff", "提案委"
    REVIEWER = "reviewer", "审查"
    UNIT = "unit", "承办单位"
    LEADER = "leader", "督办领导"


_ROLE_FLAG = "_has_role_"


class UserManager(AuthUserManager):
    def with_roles(self):
        """Users with one EXISTS flag per role group, so ``role_set()`` needs no query of its own:
        the user of every request comes this way and saves a query on every page."""
        from django.db.models import Exists, OuterRef

        through = User.groups.through.objects
        return self.get_queryset().annotate(
            **{
                _ROLE_FLAG + name: Exists(through.filter(user_id=OuterRef("pk"), group__name=name))
                for name in ROLE_GROUPS
            }
        )


class User(AbstractUser):
    name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField(
        "手机号码",
        max_length=30,
        blank=True,
        validators=[validate_mobile],
        help_text="中国大陆 11 位手机号码，用于短信通知。",
    )
    address = models.CharField("通讯地址", max_length=200, blank=True)
    work_unit = models.CharField("工作单位及职务", max_length=200, blank=True)
    # Account security (members.passwords, members.signals): expiry, administrator-issued
    # passwords, and the previous login shown after the next one.
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    must_change_password = models.BooleanField(
        "须修改密码", default=False, help_text="管理员设置或重置的密码，用户登录后必须先修改。"
    )
    last_login_ip = models.GenericIPAddressField("最近登录 IP", null=True, blank=True)
    previous_login_at = models.DateTimeField("上次登录时间", null=True, blank=True)
    previous_login_ip = models.GenericIPAddressField("上次登录 IP", null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.name or self.username

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username

    def set_password(self, raw_password) -> None:
        super().set_password(raw_password)
        # Stamped here, not in a signal: any path that sets a password (form, admin, command)
        # restarts the expiry clock and feeds the history written in save().
        from django.utils import timezone

        self.password_changed_at = timezone.now()
        self._password_history_pending = True

    def save(self, *args, **kwargs) -> None:
        pending = getattr(self, "_password_history_pending", False) and self.has_usable_password()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "password" in update_fields:
            kwargs["update_fields"] = {*update_fields, "password_changed_at", "must_change_password"}
        super().save(*args, **kwargs)
        if pending:
            self._password_history_pending = False
            PasswordHistory.objects.create(user=self, password=self.password, created_at=self.password_changed_at)

    def role_set(self) -> frozenset[str]:
        """Role codes of this user, read once per request object — or none at all when the user was
        loaded ``with_roles()`` (every request's user is: members.backends)."""
        cached = getattr(self, "_role_set", None)
        if cached is None:
            if not self.is_authenticated or not self.is_active:
                cached = frozenset()
            elif hasattr(self, _ROLE_FLAG + Role.MEMBER):
                cached = frozenset(name for name in ROLE_GROUPS if getattr(self, _ROLE_FLAG + name))
            else:
                cached = frozenset(self.groups.values_list("name", flat=True))
            self._role_set = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.role_set()


def role_group(role: str) -> Group:
    group, _ = Group.objects.get_or_create(name=role)
    return group


class Term(models.Model):
    number = models.PositiveSmallIntegerField("届次", unique=True)
    name = models.CharField("名称", max_length=20, help_text="如：四届")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    is_current = models.BooleanField("当前届次", default=False)

    class Meta:
        verbose_name = "届次"
        verbose_name_plural = "届次"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_term")
        ]

    def __str__(self) -> str:
        return f"{self.name}陈仓区政协"

    @classmethod
    def current(cls) -> Term | None:
        return cls.objects.filter(is_current=True).first()


class Session(models.Model):
    """A plenary session (次会议). Plenary cases come in between opens and closes (the 大会 window)."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="sessions", verbose_name="届次")
    number = models.PositiveSmallIntegerField("次会议序号")
    name = models.CharField("名称", max_length=30, help_text="如：四届三次会议")
    opens = models.DateField("会议开幕（大会提案开始）")
    closes = models.DateField("大会提案截止")

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = ["term__number", "number"]
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="unique_session_number")]

    def __str__(self) -> str:
        return self.name


class Sector(models.Model):
    name = models.CharField("界别", max_length=50, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "界别"
        verbose_name_plural = "界别"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class SpecialCommittee(models.Model):
    name = models.CharField("专委会", max_length=50, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "专委会"
        verbose_name_plural = "专委会"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class MemberGroup(models.Model):
    """委员小组 / 联组, per term."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="groups", verbose_name="届次")
    name = models.CharField("委员小组/联组", max_length=50)

    class Meta:
        verbose_name = "委员小组"
        verbose_name_plural = "委员小组"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="unique_group_name")]

    def __str__(self) -> str:
        return self.name


class PartyBranch(models.Model):
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="party_branches", verbose_name="届次")
    name = models.CharField("党支部", max_length=50)

    class Meta:
        verbose_name = "党支部"
        verbose_name_plural = "党支部"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """Parties (党派) and people's organisations (人民团体) that propose collectively."""

    class Kind(models.TextChoices):
        PARTY = "party", "民主党派/工商联"
        PEOPLES_ORG = "peoples_org", "人民团体"

    name = models.CharField("名称", max_length=80, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "党派团体"
        verbose_name_plural = "党派团体"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class CollectiveSigner(models.Model):
    """Who signs a collective proposal for a body in one term (DOMAIN.md: "an organisation acts through the
    member(s) it names"): a party or people's organisation, a sector (界别), a special committee (专委会) or a
    members' group names its contact (联系人) or convener (召集人); only they may submit its collective cases."""

    class Kind(models.TextChoices):
        CONTACT = "contact", "联系人"
        CONVENER = "convener", "召集人"

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="collective_signers", verbose_name="届次")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="collective_signers", verbose_name="委员")
    kind = models.CharField("身份", max_length=20, choices=Kind.choices, default=Kind.CONTACT)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="党派团体"
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="界别"
    )
    committee = models.ForeignKey(
        SpecialCommittee, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="专委会"
    )
    group = models.ForeignKey(
        MemberGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="委员小组"
    )

    BODIES = ("organisation", "sector", "committee", "group")

    class Meta:
        verbose_name = "集体提案联系人/召集人"
        verbose_name_plural = "集体提案联系人/召集人"
        ordering = ["term", "id"]
        constraints = [
            # Exactly one body per row.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        organisation__isnull=False, sector__isnull=True, committee__isnull=True, group__isnull=True
                    )
                    | models.Q(
                        organisation__isnull=True, sector__isnull=False, committee__isnull=True, group__isnull=True
                    )
                    | models.Q(
                        organisation__isnull=True, sector__isnull=True, committee__isnull=False, group__isnull=True
                    )
                    | models.Q(
                        organisation__isnull=True, sector__isnull=True, committee__isnull=True, group__isnull=False
                    )
                ),
                name="collective_signer_one_body",
            ),
        ]

    def __str__(self) -> str:
        body = self.organisation or self.sector or self.committee or self.group
        return f"{self.term} {body} {self.get_kind_display()}：{self.user}"

    @classmethod
    def may_sign(cls, user, term, **body) -> bool:
        """Whether ``user`` is a named contact or convener of the body (``organisation=…`` etc.) in ``term``."""
        return cls.objects.filter(term=term, user=user, **body).exists()


class Affiliation(models.TextChoices):
    CPC = "cpc", "中共党员"
    MINGE = "minge", "民革"
    MINMENG = "minmeng", "民盟"
    MINJIAN = "minjian", "民建"
    MINJIN = "minjin", "民进"
    NONGGONG = "nonggong", "农工党"
    ZHIGONG = "zhigong", "致公党"
    JIUSAN = "jiusan", "九三学社"
    NONPARTY = "nonparty", "无党派人士"
    MASSES = "masses", "群众"


class Membership(models.Model):
    """What a person is in one term. Ends (active=False) when the term ends or they leave."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships", verbose_name="委员")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="memberships", verbose_name="届次")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, verbose_name="界别")
    committee = models.ForeignKey(SpecialCommittee, on_delete=models.PROTECT, verbose_name="专委会")
    group = models.ForeignKey(MemberGroup, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="委员小组")
    party_branch = models.ForeignKey(
        PartyBranch, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="党支部"
    )
    affiliation = models.CharField("政治面貌", max_length=20, choices=Affiliation.choices)
    is_standing = models.BooleanField("常委", default=False)
    active = models.BooleanField("在任", default=True)

    class Meta:
        verbose_name = "委员身份"
        verbose_name_plural = "委员身份"
        ordering = ["term", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "term"], name="one_membership_per_term")]
        indexes = [models.Index(fields=["term", "active"])]

    def __str__(self) -> str:
        return f"{self.user.display_name}（{self.term.name}）"


class Unit(models.Model):
    """承办单位. Contact users act for the unit; a unit sees only cases assigned to it."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", "区级部门"
        TOWN = "town", "镇/街道"
        CITY_BRANCH = "city_branch", "市级驻区单位"
        OTHER = "other", "其他"

    name = models.CharField("单位名称", max_length=80, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.BUREAU)
    active = models.BooleanField("有效", default=True)
    phone = models.CharField("办公电话", max_length=30, blank=True)
    contacts = models.ManyToManyField(
        User, blank=True, related_name="units", verbose_name="联系人账号", limit_choices_to={"is_active": True}
    )

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.name


# --- Account security (issue 7: 等保 level 3) -----------------------------------------------------


class AdminRole(models.TextChoices):
    """三员分立: the three administrators. Groups of the same name; no account holds two of them."""

    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords, so none of the last few comes back (members.passwords)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history", verbose_name="用户")
    password = models.CharField("密码哈希", max_length=128)
    created_at = models.DateTimeField("设置时间", db_index=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]


# Every group a role check may ask about (the workflow's roles and the three administrators).
ROLE_GROUPS = (*Role.values, *AdminRole.values)
