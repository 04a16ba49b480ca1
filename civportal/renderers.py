"""The form renderer: Django's, except that a ``<select>`` is written in Python.

Django renders every ``<option>`` through two templates of its own (the option and its
attributes), about 0.2 ms each: the catalogue's filters (provinces, categories,
certifications) took 12 of a search page's 36 ms, and the registry's and the community
form's selects as much again. ``render_select`` writes the same markup as those templates
(tests/civportal/test_renderers.py compares the two); any other widget, and a select
whose options use a template of their own, still go through the templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attributes(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html writes them: a True value as the bare name, a
    False one left out, anything else as name="value"."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{escape(str(value))}"')
    return "".join(parts)


def render_select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{escape(str(option["value"]))}"'
                f"{_attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class PortalRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT_TEMPLATE else None
        if widget is not None and all(
            option["template_name"] == OPTION_TEMPLATE
            for _name, choices, _index in widget["optgroups"]
            for option in choices
        ):
            return render_select(widget)
        return super().render(template_name, context, request)
