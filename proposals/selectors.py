"""Reads the pages share (HackSoft style: services write, selectors read). Today: the reference rows every
list page repeats (the filter drop-downs), cached.

Sessions, categories, committees, sectors and units change a few times a year; reading them on
every request of the case list cost six queries. They are kept in Django's cache (settings.CACHES)
for REFCACHE_SECONDS and dropped whenever one of those tables is saved or deleted.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from members.models import Sector, Session, SpecialCommittee, Term, Unit

from .models import Category

KEY = "selectors:filter_choices:v1"
REFCACHE_SECONDS = 300
MODELS = (Term, Session, Category, SpecialCommittee, Sector, Unit)


def filter_choices() -> dict:
    value = cache.get(KEY)
    if value is None:
        term = Term.current()
        value = {
            "sessions": list(Session.objects.filter(term=term)) if term else [],
            "categories": list(Category.objects.all()),
            "committees": list(SpecialCommittee.objects.all()),
            "sectors": list(Sector.objects.all()),
            "units": list(Unit.objects.filter(active=True).order_by("name")),
        }
        cache.set(KEY, value, REFCACHE_SECONDS)
    return value


def invalidate(**_kwargs) -> None:
    cache.delete(KEY)


for _model in MODELS:
    post_save.connect(invalidate, sender=_model, dispatch_uid=f"selectors-save-{_model.__name__}")
    post_delete.connect(invalidate, sender=_model, dispatch_uid=f"selectors-delete-{_model.__name__}")
