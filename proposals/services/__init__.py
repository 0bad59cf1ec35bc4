"""One function per workflow action, and the drafting operations around them, one module per stage:
``drafting``, ``review``, ``handling``, ``closing``, ``keys``, all behind the one runner ``perform()``
(``runner``). Callers import from ``proposals.services``; the split is for readers.

Every action goes through ``perform()``: it opens one transaction, locks the case row, runs the
table's checks (visibility 404, actor 403, state 409), validates the data (400), moves the
states, writes exactly one audit event and commits. A refusal rolls everything back and is then
recorded, in its own transaction, as one ``refused`` security event.
"""

from . import closing, drafting, handling, keys, review, urging  # noqa: F401  (each registers its handlers)
from .drafting import create_draft, update_draft
from .handling import save_reply_draft
from .runner import BODY_MAX, HANDLERS, TITLE_MAX, Outcome, action_performed, draft_changed, perform
from .urging import assignment_urged, urge

__all__ = [
    "BODY_MAX",
    "HANDLERS",
    "TITLE_MAX",
    "Outcome",
    "action_performed",
    "assignment_urged",
    "create_draft",
    "draft_changed",
    "perform",
    "save_reply_draft",
    "update_draft",
    "urge",
]
