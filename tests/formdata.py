"""What a browser would send back for a rendered form: every field as it is shown."""

import re
from html.parser import HTMLParser

from django import forms


def form_data(form, **changes) -> dict:
    """The form's current values (bound data or initial), file inputs left out.

    Hidden fields are included, so a form read earlier can be posted later exactly as a
    person who left it open would post it.
    """
    data = {}
    for field in form:
        if isinstance(field.field, forms.FileField):
            continue
        value = field.value()
        if value is None:
            continue
        widget = field.field.widget
        if isinstance(widget, forms.MultiWidget):  # one input per part, as the browser sends
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for suffix, part_widget, part in zip(
                widget.widgets_names, widget.widgets, parts, strict=False
            ):
                data[field.html_name + suffix] = part_widget.format_value(part) or ""
            continue
        if isinstance(field.field, forms.BooleanField):
            if value in (True, "on", "True", "true"):
                data[field.html_name] = "on"
            continue
        data[field.html_name] = value
    data.update(changes)
    return data


class _FormReader(HTMLParser):
    """Collects what a browser would send for the n-th POST form of a page."""

    def __init__(self, index: int):
        super().__init__(convert_charrefs=True)
        self.index, self.seen, self.inside, self.in_main = index, -1, False, False
        self.data: dict[str, list[str]] = {}
        self.select = self.option = self.textarea = None
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True  # the header's language switch is a POST form too
        if tag == "form" and self.in_main and (attrs.get("method") or "").lower() == "post":
            self.seen += 1
            self.inside = self.seen == self.index
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            kind = attrs.get("type", "text")
            value = attrs.get("value", "")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(value or "on")
                return
            # A date input shows (and sends) only yyyy-mm-dd; anything else is dropped.
            if kind == "date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                value = ""
            self.data.setdefault(name, []).append(value)
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select:
            self.option = [attrs.get("value"), "selected" in attrs, ""]
            self.options.append(self.option)
        elif tag == "textarea" and name:
            self.textarea = name
            self.data.setdefault(name, []).append("")

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data
        elif self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select:
            values = [(v if v is not None else text) for v, chosen, text in self.options if chosen]
            if not values and self.options:
                first = self.options[0]
                values = [first[0] if first[0] is not None else first[2]]
            self.data[self.select] = values
            self.select = None


def page_form_data(html: str, index: int = 0, **changes) -> dict:
    """What a browser sends for the ``index``-th POST form in a page's <main>, as shown —
    so a value the page shows wrongly (a date a ``type=date`` input cannot show) is lost
    as it would be in a browser."""
    reader = _FormReader(index)
    reader.feed(html)
    data = {name: values if len(values) > 1 else values[0] for name, values in reader.data.items()}
    data.pop("csrfmiddlewaretoken", None)
    data.update(changes)
    return data
