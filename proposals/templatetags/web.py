from django import template

from proposals.views.common import workbenches_of

register = template.Library()


@register.simple_tag
def workbenches(user):
    return workbenches_of(user)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0) if hasattr(mapping, "get") else 0
