"""The contact channels a community may publish on its public page (its shop window).

Each channel is a value on the community plus a "publish" choice; only published,
non-empty channels ever reach the public page (``public_channels``). Phone numbers are
checked and written the Thai way by ``phonenumbers`` (Google's libphonenumber); shop
links must be http(s) and, for the marketplaces, on the marketplace's own domain, so a
buyer who taps "Shopee" lands on Shopee.
"""

import contextlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

THAI_REGION = "TH"

# A LINE ID: 4–20 of a–z, 0–9, ".", "-", "_"; an official account's ID starts with "@".
LINE_ID = re.compile(r"^@?[a-z0-9._-]{4,20}$")


def parse_thai_phone(value: str) -> phonenumbers.PhoneNumber:
    """The number if it is a valid Thai phone number (0XX…, +66…), else ValidationError."""
    message = _(
        "Enter a Thai phone number, e.g. 081 234 5678 or 054 123 456 "
        "(a mobile number has 10 digits, a landline 9, both starting with 0)."
    )
    try:
        number = phonenumbers.parse(value, THAI_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(message, code="phone") from error
    if (
        not phonenumbers.is_valid_number(number)
        or phonenumbers.region_code_for_number(number) != THAI_REGION
    ):
        raise ValidationError(message, code="phone")
    return number


def validate_thai_phone(value: str) -> None:
    parse_thai_phone(value)


def normalise_thai_phone(value: str) -> str:
    """Written as Thais read it: 081 234 5678, 02 123 4567, 054 123 456."""
    if not value:
        return value
    return phonenumbers.format_number(
        parse_thai_phone(value), phonenumbers.PhoneNumberFormat.NATIONAL
    )


def tel_uri(value: str) -> str:
    """``tel:+66812345678``: international form, so it dials from any phone."""
    return phonenumbers.format_number(
        parse_thai_phone(value), phonenumbers.PhoneNumberFormat.RFC3966
    )


def normalise_line_id(value: str) -> str:
    return value.strip().lower()


def validate_line_id(value: str) -> None:
    if not LINE_ID.match(normalise_line_id(value)):
        raise ValidationError(
            _(
                "Enter the LINE ID as it appears in LINE: 4 to 20 letters a–z, digits, "
                "dots, dashes or underscores (an official account's ID starts with @)."
            ),
            code="line_id",
        )


def line_uri(value: str) -> str:
    """LINE's "add friend" link: ~ID for a person, @ID for an official account."""
    line_id = normalise_line_id(value)
    if line_id.startswith("@"):
        return f"https://line.me/R/ti/p/{line_id}"
    return f"https://line.me/R/ti/p/~{line_id}"


WEB_ADDRESS_MESSAGE = _("Enter a full web address, such as https://www.example.com")
_web_url = URLValidator(schemes=["http", "https"])


def _on_domains(host: str, domains: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in domains)


class ShopLinkValidator:
    """An http(s) link, on one of ``domains`` when given (subdomains included)."""

    def __init__(self, shop: str = "", domains: tuple[str, ...] = ()):
        self.shop = shop
        self.domains = domains

    def __call__(self, value: str) -> None:
        try:
            _web_url(value)
        except ValidationError as error:
            raise ValidationError(WEB_ADDRESS_MESSAGE, code="url") from error
        if self.domains and not _on_domains(urlsplit(value).hostname or "", self.domains):
            raise ValidationError(
                _("This is not a %(shop)s address: it must be on %(domains)s."),
                code="domain",
                params={"shop": self.shop, "domains": ", ".join(self.domains)},
            )

    def __eq__(self, other):
        return isinstance(other, ShopLinkValidator) and (self.shop, self.domains) == (
            other.shop,
            other.domains,
        )

    def deconstruct(self):
        return (
            "communities.contacts.ShopLinkValidator",
            (),
            {"shop": self.shop, "domains": self.domains},
        )


SHOP_DOMAINS = {
    "shopee_url": ("Shopee", ("shopee.co.th", "shope.ee")),
    "lazada_url": ("Lazada", ("lazada.co.th",)),
    "facebook_url": ("Facebook", ("facebook.com", "fb.com", "fb.me")),
    "line_oa_url": ("LINE", ("line.me", "lin.ee")),
}


@dataclass(frozen=True)
class Channel:
    kind: str  # phone, line, shopee, lazada, facebook, line_oa, website
    label: str  # what the button says
    detail: str  # the number, ID or site shown under it ("" when the label says it all)
    href: str
    external: bool  # leaves the portal: rel="noopener nofollow"


# (value field, publish field): in the order buttons appear on the public page.
CHANNEL_FIELDS = (
    ("buyer_phone", "publish_buyer_phone"),
    ("line_id", "publish_line_id"),
    ("shopee_url", "publish_shopee_url"),
    ("lazada_url", "publish_lazada_url"),
    ("facebook_url", "publish_facebook_url"),
    ("line_oa_url", "publish_line_oa_url"),
    ("website_url", "publish_website_url"),
)


def _channel(field: str, value: str) -> Channel:
    if field == "buyer_phone":
        return Channel("phone", pgettext("button", "Call"), value, tel_uri(value), False)
    if field == "line_id":
        return Channel("line", gettext("Add on LINE"), value, line_uri(value), True)
    if field == "website_url":
        host = (urlsplit(value).hostname or "").removeprefix("www.")
        return Channel("website", gettext("Our website"), host, value, True)
    if field == "line_oa_url":
        return Channel("line_oa", gettext("LINE official account"), "", value, True)
    if field == "facebook_url":
        return Channel("facebook", gettext("Facebook page"), "", value, True)
    label = gettext("Buy on %(shop)s") % {"shop": SHOP_DOMAINS[field][0]}
    return Channel(field.removesuffix("_url"), label, "", value, True)


def public_channels(community) -> list[Channel]:
    """The channels the community chose to publish, as buttons; never an unpublished one.

    A value that no longer passes its check (written around the forms) is left out rather
    than breaking the public page.
    """
    channels = []
    for field, publish in CHANNEL_FIELDS:
        value = getattr(community, field)
        if not value or not getattr(community, publish):
            continue
        with contextlib.suppress(ValidationError):
            channels.append(_channel(field, value))
    return channels
