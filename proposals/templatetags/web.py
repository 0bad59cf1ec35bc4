from django import template

from proposals.views.common import workbenches_of

register = template.Library()


@register.simple_tag
def workbenches(user):
    return workbenches_of(user)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0) if hasattr(mapping, "get") else 0


@register.simple_tag
def chrome_hidden(request) -> bool:
    """The password step is done but the 2FA code is not: the page shows no navigation and no bell,
    only the way out (issue 17 item 7)."""
    from members import twofactor

    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return False
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name == "otp_verify":
        return True
    return twofactor.requires_2fa(user) and not twofactor.is_verified(request)


@register.filter
def proposer_names(proposers) -> str:
    """The proposers that count (initiator, confirmed co-signers, merged-in), joined with 、 — no trailing
    separator when the last row does not count (issue 17 item 7)."""
    return "、".join(p.display_name for p in proposers if p.counts)


@register.filter
def highlight(text, query):
    """The words of a search marked in a result (<mark>), the rest escaped."""
    import re

    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    text = str(text or "")
    words = [w for w in re.split(r"\s+", str(query or "").strip()) if w][:5]
    if not words:
        return text
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))
