"""Writes: acting on a merge suggestion, and the synonym list. Every merge-suggestion step is one action of
the workflow through proposals.services.perform (one transaction and one audit event each; a refusal changes
nothing and is reported for its case). A synonym group is created, changed or deleted in one transaction with
one audit event; the cases that mention its old or new words are reindexed in that transaction
(assist.signals)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit import trail as audit
from proposals import access, services
from proposals.errors import WorkflowError
from proposals.models import Case

from . import selectors
from .models import SynonymGroup


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


# --- The synonym list ---------------------------------------------------------------------------------


def _may_edit(user) -> None:
    if not selectors.may_edit_synonyms(user):
        raise PermissionDenied("只有提案委工作人员可以维护同义词表。")


def _state(group: SynonymGroup) -> dict:
    return {"words": group.word_list(), "active": group.active, "note": group.note}


@transaction.atomic
def create_synonym_group(user, *, words: list[str], active: bool = True, note: str = "") -> SynonymGroup:
    _may_edit(user)
    group = SynonymGroup.objects.create(words=" ".join(words), active=active, note=note)
    audit.record("synonym_group_created", actor=user, obj=group, data=_state(group))
    return group


@transaction.atomic
def update_synonym_group(user, group_id: int, *, words: list[str], active: bool, note: str) -> SynonymGroup:
    _may_edit(user)
    group = SynonymGroup.objects.select_for_update().get(pk=group_id)
    before = _state(group)
    group.words, group.active, group.note = " ".join(words), active, note
    group.save()
    after = _state(group)
    changed = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
    audit.record("synonym_group_changed", actor=user, obj=group, data={"words": after["words"], "changed": changed})
    return group


@transaction.atomic
def delete_synonym_group(user, group_id: int) -> None:
    _may_edit(user)
    group = SynonymGroup.objects.select_for_update().get(pk=group_id)
    state = _state(group)
    group.delete()
    audit.record("synonym_group_deleted", actor=user, object_type="synonymgroup", object_id=group_id, data=state)
