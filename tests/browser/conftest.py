import pytest


@pytest.fixture(scope="session", autouse=True)
def _media_url_for_the_live_server():
    """Django's live server wraps the app in a media-files handler that needs a MEDIA_URL string;
    the project sets none (uploads are served only by the permission-checked view)."""
    from django.conf import settings

    original = settings.MEDIA_URL
    settings.MEDIA_URL = "/__test_media_not_linked__/"
    yield
    settings.MEDIA_URL = original
