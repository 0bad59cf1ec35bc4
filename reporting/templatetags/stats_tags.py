from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.8571 → 85.7%; None (nothing counted yet) → —."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def field(row: dict, key: str):
    return row.get(key)
