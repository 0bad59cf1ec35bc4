"""The audit payload contract: which keys each case action writes into its event's ``data``.

Every workflow action (``workflow.ACTIONS``) and the two drafting events (``create``, ``edit_draft``)
declare their event data here as a TypedDict. The writers (the runner and the drafting services) check
what they write with ``check_written()``; the readers (the timelines, the notification rules, the API's
event list) read through ``read()``, which refuses a key the action never declares. So a handler that
starts writing a new key, or a reader that expects a key nobody writes, fails the tests
(tests/proposals/test_payloads.py) instead of showing an empty field months later.

Keys marked ``NotRequired`` are written only sometimes (say, ``class_changed`` when staff changed the
class); all others are written on every successful event of that action.
"""

import logging
from typing import Any, NotRequired, TypedDict

from django.conf import settings

log = logging.getLogger(__name__)


class PayloadError(KeyError):
    """A writer or a reader broke the contract (a programming error, never the user's)."""


# --- Keys the runner adds to every event of an action on one unit's assignment -----------------------


class OnAssignment(TypedDict):
    assignment: int  # the assignment's id
    unit: str  # the unit's name at the time
    case_status: NotRequired[list[str]]  # [from, to] when the case moved too
    auto_moves: NotRequired[list[str]]  # workflow.AUTO_MOVES applied after the action


# --- Drafting ----------------------------------------------------------------------------------------


class Create(TypedDict):
    title: str
    cosigners: list[str]


class EditDraft(TypedDict):
    changed: list[str]
    added: list[str]
    removed: list[str]
    confirmations_reset: bool


class Cosign(TypedDict):
    proposer: str  # the co-signer's display name
    scan: NotRequired[int]  # the signed paper's attachment, when staff confirmed on their behalf


class DeclineCosign(Cosign):
    reason: NotRequired[str]


class Submit(TypedDict):
    source: str  # 大会 / 平时


class Reason(TypedDict):
    reason: str


# --- Review ------------------------------------------------------------------------------------------


class Recommend(TypedDict):
    outcome: str
    reason: str


class EditForReview(TypedDict):
    changes: dict[str, list[str]]  # field → [before, after]
    note: str


class File(TypedDict):
    number: int
    session: str
    display_number: str


class Convert(TypedDict):
    number: int
    display_number: str
    reason: str
    consent: str
    original_title: str  # the title before it became a suggestion's (…的提案 → …的建议)
    title: str


class Reject(TypedDict):
    ground: str
    message: str


class Merge(TypedDict):
    host: int
    host_number: str
    host_title: str
    joined: list[str]
    reason: str


# --- Handling ----------------------------------------------------------------------------------------


class Assign(TypedDict):
    units: list[dict[str, str]]  # {unit, role, due_date}


class Reassign(TypedDict):
    reason: str
    unit: str
    role: str
    replaced_unit: str  # empty when a unit was added (增派)
    due_date: str


class Sign(OnAssignment):
    pass


class DeemSigned(OnAssignment):
    deemed: bool


class RequestReturn(OnAssignment):
    reason: str
    suggested_unit: str


class DecideReturn(OnAssignment):
    reason: str


class LogContact(OnAssignment):
    contact: int
    way: str
    point: str
    date: str
    face_to_face: bool


class SendViews(OnAssignment):
    on_time: bool


class RequestExtension(OnAssignment):
    reason: str
    due: str
    extension: int


class ApproveExtension(OnAssignment):
    old_due: str
    due: str
    extension: int


class RefuseExtension(OnAssignment):
    reason: str
    extension: int


class Reply(OnAssignment):
    reply: int
    reply_class: str
    round: int


class ReturnReply(OnAssignment):
    reason: str
    reply: int


class AcceptReply(OnAssignment):
    reply: int
    reply_class: str
    round: int
    class_changed: NotRequired[list[str]]  # [before, after] when staff changed the class
    reason: NotRequired[str]  # why the class was changed


# --- Closing -----------------------------------------------------------------------------------------


class Rate(OnAssignment):
    rating: int
    round: int
    reply_rating: str
    contact_rating: str
    proposer: str
    form_scan: NotRequired[int]  # the paper form, when staff recorded it on the proposer's behalf


class Rehandle(TypedDict):
    round: int
    reopened: list[str]
    due_date: str
    reason: str


class Close(TypedDict):
    round: int


class FollowUp(TypedDict):
    follow_up: int
    done: bool


class SetPublic(TypedDict):
    public: bool
    reason: str


class Empty(TypedDict):
    pass


# --- Key proposals -----------------------------------------------------------------------------------


class Leaders(TypedDict):
    leaders: list[str]


class LogSupervision(TypedDict):
    kind: str
    date: str
    photos: list[int]


class Urge(TypedDict):
    """催办 (proposals.services.urging): not a workflow action, no state moves."""

    assignment: int
    unit: str
    due: str  # the step's due date the unit was reminded of


PAYLOADS: dict[str, Any] = {  # action → its TypedDict
    "create": Create,
    "edit_draft": EditDraft,
    "cosign": Cosign,
    "decline_cosign": DeclineCosign,
    "submit": Submit,
    "withdraw": Reason,
    "recommend": Recommend,
    "edit_for_review": EditForReview,
    "return_for_revision": Reason,
    "file": File,
    "convert_to_suggestion": Convert,
    "reject": Reject,
    "merge": Merge,
    "assign": Assign,
    "reassign": Reassign,
    "sign": Sign,
    "deem_signed": DeemSigned,
    "request_return": RequestReturn,
    "approve_return": DecideReturn,
    "refuse_return": DecideReturn,
    "log_contact": LogContact,
    "send_views": SendViews,
    "request_extension": RequestExtension,
    "approve_extension": ApproveExtension,
    "refuse_extension": RefuseExtension,
    "reply": Reply,
    "return_reply": ReturnReply,
    "accept_reply": AcceptReply,
    "rate": Rate,
    "rehandle": Rehandle,
    "close": Close,
    "follow_up": FollowUp,
    "set_public": SetPublic,
    "publish": Empty,
    "recommend_key": Leaders,
    "designate_key": Leaders,
    "log_supervision": LogSupervision,
    "urge": Urge,
}


# Keys only staff and reviewers see (the proposer's API event list and timeline leave them out): a class
# change and its reason are internal to the office.
INTERNAL_KEYS: dict[str, frozenset[str]] = {"accept_reply": frozenset({"class_changed", "reason"})}


def keys(action: str) -> tuple[frozenset[str], frozenset[str]]:
    """(required, optional) keys of an action's event data."""
    payload = PAYLOADS[action]
    return frozenset(payload.__required_keys__), frozenset(payload.__optional_keys__)


def declared(action: str) -> frozenset[str]:
    required, optional = keys(action)
    return required | optional


def _strict() -> bool:
    # Tests (and DEBUG) raise at once; production logs the slip and keeps the user's action.
    return bool(getattr(settings, "AUDIT_PAYLOAD_STRICT", settings.DEBUG))


def _broken(message: str) -> None:
    if _strict():
        raise PayloadError(message)
    log.error("audit payload contract: %s", message)


def check_written(action: str, data: dict[str, Any]) -> None:
    """The writer's side: exactly the declared keys, every required one present."""
    if action not in PAYLOADS:
        _broken(f"action {action!r} declares no payload in proposals/payloads.py")
        return
    required, optional = keys(action)
    extra = set(data) - required - optional
    missing = required - set(data)
    if extra:
        _broken(f"{action} writes undeclared keys {sorted(extra)}")
    if missing:
        _broken(f"{action} leaves out required keys {sorted(missing)}")


def read(event: Any, key: str, default: Any = None) -> Any:
    """The reader's side: ``event`` has ``action`` and ``data`` (an AuditEvent or a notification hook)."""
    action = event.action
    if action in PAYLOADS and key not in declared(action):
        _broken(f"a reader reads {key!r} of {action}, which never writes it")
    return (event.data or {}).get(key, default)
