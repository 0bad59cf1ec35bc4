import datetime as dt

from audit.models import AuditEvent
from core import clock
from proposals.models import Case
from tests.factories import CaseBuilder


def test_a_case_goes_from_draft_to_closed(world):
    with clock.frozen(dt.date(2026, 3, 2)):
        b = CaseBuilder(world).closed()
    case = Case.objects.get(pk=b.case.pk)
    assert case.status == "closed"
    assert case.number == 1
    assert AuditEvent.objects.filter(case=case, outcome="success").count() > 5
