"""Writes: acting on a merge suggestion. Every step is one action of the workflow through
proposals.services.perform (one transaction and one audit event each; a refusal changes nothing and is
reported for its case)."""

from __future__ import annotations

from dataclasses import dataclass

from proposals import access, services
from proposals.errors import WorkflowError
from proposals.models import Case


@dataclass
class Step:
    case_id: int
    action: str
    ok: bool
    message: str
    code: str = ""


def act_on_group(user, host_id: int, member_ids: list[int], *, file_host: bool = False, note: str = "") -> list[Step]:
    """A reviewer merges each member into the host (filing a waiting host first when asked); staff, who
    may not merge, record for each member the recommendation to merge it into the host."""
    steps: list[Step] = []
    host = access.visible_cases(user).filter(pk=host_id).first()
    host_label = (host.display_number or f"提案#{host.pk}《{host.title}》") if host else f"提案#{host_id}"
    members = [m for m in dict.fromkeys(member_ids) if m != host_id]
    if access.is_reviewer(user):
        if file_host and host is not None and host.status == "submitted":
            steps.append(_do(user, "file", host_id, {}))
            host = Case.objects.filter(pk=host_id).first()
            host_label = host.display_number if host and host.display_number else host_label
        for case_id in members:
            reason = note or f"与{host_label}属同一事项，并案办理（审查辅助建议）。"
            steps.append(_do(user, "merge", case_id, {"host": host_id, "reason": reason}))
    else:
        for case_id in members:
            reason = note or f"建议并入{host_label}（提案#{host_id}）：同一事项（审查辅助建议）。"
            steps.append(_do(user, "recommend", case_id, {"outcome": "merge", "reason": reason}))
    return steps


def _do(user, action: str, case_id: int, data: dict) -> Step:
    try:
        services.perform(action, user, case_id, data)
    except WorkflowError as error:
        return Step(case_id, action, False, error.message, error.code)
    return Step(case_id, action, True, "已完成")
