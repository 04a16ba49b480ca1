"""The portal's form renderer writes a <select> exactly as Django's templates do."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from civportal.renderers import PortalRenderer
from communities.forms import CommunityForm
from products.forms import CatalogueForm


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "A"), ("b", "B & <b>")])
    grouped = forms.ChoiceField(
        choices=[
            ("", "— choose —"),
            ("Thai", [("th", gettext_lazy("Thai")), ("lo", "ลาว")]),
            ("Other", [("en", "English"), (None, "none")]),
        ],
        required=False,
    )
    several = forms.MultipleChoiceField(choices=[(1, "one"), (2, mark_safe("<i>two</i>"))])
    chosen = forms.TypedChoiceField(
        choices=[(1, "1"), (2, '2 "quoted"')],
        coerce=int,
        widget=forms.Select(
            attrs={"hx-get": "/geo/?a=1&b=2", "data-x": 'say "hi"', "disabled": True, "off": False}
        ),
    )
    answer = forms.NullBooleanField()


def _both(form_class, data=None, **kwargs):
    portal = form_class(data, renderer=PortalRenderer(), **kwargs)
    django = form_class(data, renderer=DjangoTemplates(), **kwargs)
    return portal, django


def test_every_kind_of_select_comes_out_as_django_writes_it():
    data = {"plain": "b", "grouped": "lo", "several": ["1", "2"], "chosen": "2", "answer": "true"}
    for bound in (None, data):
        portal, django = _both(Everything, bound)
        for name in Everything.base_fields:
            assert str(portal[name]) == str(django[name]), name
            assert "<select" in str(portal[name])


def test_the_portal_forms_selects_come_out_as_django_writes_them(db):
    from accounts.models import User

    officer = User.objects.get(email="officer.lampang@civ.example")
    with override("th"):
        portal, django = _both(CatalogueForm, {"category": "food", "province": "52"})
        assert str(portal) == str(django)
        # Its one-time token differs from one form to the next: compare the selects.
        portal, django = _both(CommunityForm, None, user=officer)
        selects = [n for n, f in portal.fields.items() if isinstance(f.widget, forms.Select)]
        assert {"province", "district", "subdistrict"} <= set(selects)
        for name in selects:
            assert str(portal[name]) == str(django[name]), name


def test_the_portal_renderer_is_the_one_the_site_uses():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), PortalRenderer)
