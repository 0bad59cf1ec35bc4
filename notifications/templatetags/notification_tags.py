from django import template

from notifications.rules import unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user, fresh=False) -> int:
    return unread_count(user, fresh=bool(fresh))
