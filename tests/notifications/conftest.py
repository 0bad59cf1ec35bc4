import pytest

from notifications import sms
from notifications.models import Notification


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The World's nine users would otherwise spend seconds in PBKDF2 per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def w(world):
    """The world, with an email address for everyone (phones come from the factory)."""
    for user in world.users().values():
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    return world


class Watch:
    """Who got what since it was created: in-app notices by world name."""

    def __init__(self, world):
        self.world = world
        self.names = {u.pk: name for name, u in world.users().items()}
        self.since = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def notices(self):
        return Notification.objects.filter(id__gt=self.since).order_by("id")

    def notified(self) -> set[str]:
        return {self.names[n.user_id] for n in self.notices()}


@pytest.fixture
def watch(w):
    return lambda: Watch(w)
