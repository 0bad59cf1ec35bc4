import pytest
from django.test import Client


@pytest.fixture
def login():
    """A client logged in as ``user`` (the test settings let force_login pass the two-factor step)."""

    def as_(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return as_
