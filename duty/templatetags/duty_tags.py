"""The dashboard's duty section: reporting's dashboard includes ``duty/_dashboard_section.html`` and this tag
fills it from ``duty.selectors.dashboard`` — reporting never calls duty for it."""

from __future__ import annotations

from django import template
from django.core.cache import cache

from duty import access, selectors

register = template.Library()
DASHBOARD_SECONDS = 600


@register.inclusion_tag("duty/_dashboard_body.html", takes_context=True)
def duty_dashboard(context, term):
    request = context.get("request")
    user = getattr(request, "user", None)
    year = selectors.default_year()
    if term is not None and selectors.years_of(term) and year not in selectors.years_of(term):
        year = selectors.years_of(term)[-1]
    # Cached for a few minutes, like the dashboard's own snapshot: the page stays a few queries however many
    # activities there are.
    key = f"duty:dashboard:{getattr(term, 'pk', None)}:{year}"
    figures = cache.get(key)
    if figures is None:
        figures = selectors.dashboard(term, year)
        cache.set(key, figures, DASHBOARD_SECONDS)
    return {"duty": figures, "show_links": user is not None and access.can_use(user)}
