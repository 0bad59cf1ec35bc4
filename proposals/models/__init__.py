"""Cases (提案/建议) and everything that happens to them, one module per part of the case.

Workflow fields (status, number, kind, assignment states, replies, ratings) are written only by
proposals.services; the admin shows them read-only. Import from ``proposals.models``: the split into
modules is for readers, not callers.
"""

from .attachments import Attachment, upload_path
from .cases import (
    STATUS_LABELS_BY_KIND,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseManager,
    CaseQuerySet,
    Category,
    Kind,
    NumberSequence,
    Proposer,
    RejectionGround,
    ReplyClass,
    Satisfaction,
    Source,
    Status,
)
from .handling import (
    Assignment,
    AssignmentQuerySet,
    CoHandlerView,
    ContactRecord,
    Extension,
    FollowUp,
    Rating,
    Reply,
    ReplyQuerySet,
    overdue_q,
)
from .keys import KeyProposal, SupervisionActivity
from .settings import CalendarDay, WorkflowSetting

__all__ = [
    "STATUS_LABELS_BY_KIND",
    "Assignment",
    "AssignmentQuerySet",
    "AssignmentRole",
    "AssignmentStatus",
    "Attachment",
    "CalendarDay",
    "Case",
    "CaseManager",
    "CaseQuerySet",
    "Category",
    "CoHandlerView",
    "ContactRecord",
    "Extension",
    "FollowUp",
    "KeyProposal",
    "Kind",
    "NumberSequence",
    "Proposer",
    "Rating",
    "RejectionGround",
    "Reply",
    "ReplyClass",
    "ReplyQuerySet",
    "Satisfaction",
    "Source",
    "Status",
    "SupervisionActivity",
    "WorkflowSetting",
    "overdue_q",
    "upload_path",
]
