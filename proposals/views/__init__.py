"""The server-rendered pages, one module per group: see proposals/urls.py."""

from .assigning import bulk_assign  # noqa: F401
from .cases import action_view, case_detail, host_search, reply_draft_view  # noqa: F401
from .drafting import draft_edit, draft_new, member_search  # noqa: F401
from .files import download, upload  # noqa: F401
from .public import public_detail, public_list  # noqa: F401
from .workbenches import (  # noqa: F401
    case_list,
    home,
    leader_workbench,
    member_workbench,
    overdue_board,
    reviewer_workbench,
    staff_workbench,
    unit_workbench,
    urge_assignment,
)
