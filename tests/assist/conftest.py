import pytest

from proposals import services
from tests.factories import CaseBuilder


def draft(user, title: str, facts: str = "", suggestions: str = "", world=None):
    return services.create_draft(
        user,
        title=title,
        facts=facts or f"{title}。",
        suggestions=suggestions or "请予研究落实。",
        category=world.category.pk if world else None,
        cosigners=[],
    )


def submitted(user, title: str, world, facts: str = "", suggestions: str = ""):
    case = draft(user, title, facts, suggestions, world)
    return services.perform("submit", user, case.pk, {})


@pytest.fixture
def parking(world):
    """Three cases on the same matter (停车难) in other words, one per visibility, plus an unrelated one."""
    w = world
    own = submitted(w.member, "关于缓解老旧小区停车难的建议", w, facts="老旧小区没有规划车位，车辆乱停占用消防通道。")
    others = submitted(
        w.outsider, "破解城区居民小区停车位不足问题", w, facts="小区车位缺口大，乱停乱放堵塞消防通道，居民意见很大。"
    )
    builder = CaseBuilder(w, title="多渠道增加老旧小区周边停车场供给")
    published = builder.closed().act("publish", w.staff).case
    unrelated = submitted(w.outsider, "加强中小学生体育锻炼", w, facts="学生体质下降，近视率上升。")
    return {"own": own, "others": others, "published": published, "unrelated": unrelated}
