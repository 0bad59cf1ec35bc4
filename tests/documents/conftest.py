"""The duty world (tests/duty/conftest.py) for the duty documents' tests (test_duty_documents.py)."""

from tests.duty.conftest import duty_world  # noqa: F401
