from django import template

from communities.addresses import format_address

register = template.Library()


@register.filter
def address(place, part: str = "full"):
    """``{{ community|address }}`` (or a subdistrict); ``|address:"local"`` leaves out the
    province."""
    if hasattr(place, "subdistrict"):  # a community: its own province, already loaded
        return format_address(place.subdistrict, place.province, with_province=part != "local")
    return format_address(place, with_province=part != "local")
