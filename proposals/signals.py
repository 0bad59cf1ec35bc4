"""Keep per-process caches honest when administrators edit the calendar or settings."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import settings_registry, workdays
from .models import CalendarDay, WorkflowSetting


@receiver([post_save, post_delete], sender=CalendarDay)
def _calendar_changed(**kwargs) -> None:
    workdays.invalidate()


@receiver([post_save, post_delete], sender=WorkflowSetting)
def _setting_changed(**kwargs) -> None:
    settings_registry.invalidate()
