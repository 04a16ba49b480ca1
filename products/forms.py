from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from civportal.forms import OneTimeTokenMixin, PortalForm, PortalModelForm, VersionedFormMixin
from civportal.images import clean_photo, validate_image_upload

from .models import ENQUIRY_MESSAGE_MAX_LENGTH, ENQUIRY_MESSAGE_TOO_LONG, Enquiry, Product
from .selectors import CatalogueFilter
from .services import PRODUCT_FIELDS

MAX_PHOTOS_PER_UPLOAD = 10
LARGE_SIDE = 1600
THUMB_SIDE = 400


class PhotoInput(forms.ClearableFileInput):
    """The phone's camera or gallery, several photos at once."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/*", "capture": "environment", **(attrs or {})})


class PhotosField(forms.FileField):
    widget = PhotoInput

    def clean(self, data, initial=None):
        clean_one = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        uploads = [clean_one(item, initial) for item in items if item]
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        return uploads


def processed_photos(uploads) -> list:
    """Each upload checked, then kept only as a large JPEG and a WebP thumbnail.

    Errors name the file, so a member who picked several photos knows which one failed.
    """
    if len(uploads) > MAX_PHOTOS_PER_UPLOAD:
        raise ValidationError(
            _("Please add at most %(max)d photos at a time.") % {"max": MAX_PHOTOS_PER_UPLOAD}
        )
    errors, photos = [], []
    for upload in uploads:
        try:
            validate_image_upload(upload)
        except ValidationError as error:
            errors.extend(f"{upload.name}: {message}" for message in error.messages)
            continue
        photos.append(
            (
                clean_photo(upload, max_side=LARGE_SIDE, fmt="JPEG"),
                clean_photo(upload, max_side=THUMB_SIDE, fmt="WEBP"),
            )
        )
    if errors:
        raise ValidationError(errors)
    return photos


class ProductForm(VersionedFormMixin, OneTimeTokenMixin, PortalModelForm):
    # On a phone the camera comes right after the name: photos are what members add first.
    field_order = ["name_th", "name_en", "photos", "category", "price", "unit", "story"]

    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_(
            "Take photos with the camera or choose them from the phone (JPEG, PNG or WebP, "
            "up to 15 MB each). The first photo becomes the cover; you can change it later."
        ),
    )

    class Meta:
        model = Product
        fields = [*PRODUCT_FIELDS, "sales_channels"]
        widgets = {
            "story": forms.Textarea(attrs={"rows": 4}),
            "sales_channels": forms.CheckboxSelectMultiple,
            "price": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
            "fda_number": forms.TextInput(
                attrs={"placeholder": "12-3-45678-9-0123", "inputmode": "numeric"}
            ),
        }
        help_texts = {
            "fda_number": _("13 digits as printed on the label, e.g. 12-3-45678-9-0123."),
            "community_standard": _("The มผช. certificate number, if the product has one."),
            "lead_time_days": _("For made-to-order products: days from order to delivery."),
        }

    def clean_photos(self):
        return processed_photos(self.cleaned_data["photos"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("made_to_order") and not cleaned.get("lead_time_days"):
            self.add_error("lead_time_days", _("Say how many days a made-to-order takes."))
        return cleaned

    def product_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PRODUCT_FIELDS}


class ReturnForm(PortalForm):
    comment = forms.CharField(
        label=_("What should the community change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplyForm(OneTimeTokenMixin, PortalForm):
    """A member's reply to a buyer; its one-time token makes a double tap send one e-mail."""

    message = forms.CharField(
        label=_("Your reply"),
        max_length=ENQUIRY_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent to the buyer's e-mail address on behalf of your community."),
    )


class EnquiryForm(OneTimeTokenMixin, PortalModelForm):
    # Honeypot: hidden from people by CSS and from screen readers; bots fill every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Enquiry
        fields = ["name", "contact", "quantity", "message"]
        error_messages = {"message": {"max_length": ENQUIRY_MESSAGE_TOO_LONG}}
        widgets = {
            "message": forms.Textarea(attrs={"rows": 4}),
            "quantity": forms.NumberInput(attrs={"inputmode": "numeric", "min": "1"}),
        }

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class CatalogueForm(PortalForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    province = forms.ChoiceField(label=_("Province"), required=False)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Product.Category.choices],
    )
    certification = forms.ChoiceField(
        label=_("Certification"),
        required=False,
        choices=[
            ("", _("Any")),
            ("otop", _("OTOP stars")),
            ("fda", _("Thai FDA (อย.)")),
            ("community_standard", _("Community product standard (มผช.)")),
            ("gap", _("GAP")),
            ("organic", _("Organic Thailand")),
        ],
    )
    price_min = forms.DecimalField(label=_("Price from (THB)"), required=False, min_value=0)
    price_max = forms.DecimalField(label=_("Price to (THB)"), required=False, min_value=0)

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [
            ("", _("All provinces")),
            *((province.code, province.name) for province in provinces),
        ]

    def filters(self) -> CatalogueFilter:
        """What to show; a field typed wrongly (a price of "abc") is left out, not the rest."""
        if not self.is_bound:
            return CatalogueFilter()
        self.is_valid()  # cleaned_data now holds every field that was valid
        data = self.cleaned_data
        return CatalogueFilter(
            q=data.get("q", ""),
            province=data.get("province", ""),
            category=data.get("category", ""),
            certification=data.get("certification", ""),
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
        )
