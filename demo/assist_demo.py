"""Review assistance in the demo (issue 15): a few cases waiting for review that raise one matter in other
words — as each other and as earlier sessions' 供暖 cases — so a new user sees the "类似提案" panel and a
merge suggestion at once; then the similarity index is built."""

from __future__ import annotations

from assist import index
from members.models import Membership, Term
from proposals import services
from proposals.models import Category

# Written for this purpose, not from demo/names.py's templates: how members put the heating matter.
SAME_MATTER = [
    (
        "关于解决虢镇街道老旧小区冬季暖气不热问题的建议",
        "入冬以来，虢镇街道多个老旧小区居民反映暖气不热，室温长期达不到18度，老人孩子只能开电暖器取暖。\n"
        "据社区统计，今冬相关投诉已有130余件。供热管网年久失修、跑冒滴漏严重，是主要原因。",
        "一、供热企业对老旧小区供热管网逐户排查，先解决投诉集中的楼栋。\n"
        "二、把老旧供热管网更新列入明年城市更新计划。\n"
        "三、公布供热投诉电话，限时处理并回访。",
    ),
    (
        "关于加快虢镇街道城区老旧供热管网更新改造的提案",
        "虢镇街道城区集中供热管网不少已运行二十多年，管道锈蚀，热损失大。\n"
        "末端老旧小区室温普遍偏低，约有1200户居民反映暖气不热。",
        "一、分年度实施供热管网改造，三年内完成城区老旧管网更新。\n"
        "二、对末端小区加装换热站。\n"
        "三、建立供热质量监测和考核机制。",
    ),
    (
        "虢镇街道冬季供暖温度不达标问题应引起重视",
        "今年供暖季，虢镇街道部分老旧小区室温不达标，暖气不热，居民多次投诉后仍未解决。\n"
        "经走访，约三成住户室温低于16度，供热管网老化、末端压力不足是主要原因。",
        "一、主管部门督促供热企业排查整改供热管网。\n二、对供暖不达标的小区按规定退还部分取暖费。",
    ),
]


def add_same_matter_cases(member_user, out=None) -> list[int]:
    """Three members (the demo member first) submit the heating matter in their own words."""
    term = Term.current()
    others = list(
        Membership.objects.filter(term=term, active=True)
        .exclude(user=member_user)
        .order_by("user__username")
        .values_list("user", flat=True)[:2]
    )
    from members.models import User

    authors = [member_user, *User.objects.filter(pk__in=others).order_by("username")]
    category = Category.objects.filter(name__contains="城").first() or Category.objects.order_by("order").first()
    ids = []
    for user, (title, facts, suggestions) in zip(authors, SAME_MATTER):
        case = services.create_draft(
            user,
            title=title,
            facts=facts,
            suggestions=suggestions,
            category=category.pk if category else None,
            cosigners=[],
        )
        services.perform("submit", user, case.pk, {})
        ids.append(case.pk)
    if out:
        out(f"审查辅助：{len(ids)} 件同一事项的待审查提案（供暖）")
    return ids


def build_index(out=None) -> None:
    n = index.rebuild()
    if out:
        out(f"类似提案索引：{n} 件")
