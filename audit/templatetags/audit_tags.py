"""The auditor's pages name events in Chinese (audit.labels, filled by each app)."""

from django import template

from audit import labels

register = template.Library()


@register.filter
def event_name(code: str) -> str:
    return labels.label(code)
