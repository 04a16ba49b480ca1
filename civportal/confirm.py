"""Confirm before a destructive or hard-to-undo action: one page, one rule.

The page that offers such an action links to the action's own address (GET). That address
answers with a confirmation page saying in plain words what will happen, with the POST
button and a way back; only a POST carrying ``confirm=yes`` — sent by that page's button —
does it. Any other POST (a stale one-tap form, a stray tap, a script) is shown the
confirmation page instead, so nothing happens by accident. No JavaScript is needed;
static/js/confirm.js shows the same page in a <dialog> where scripts run.
"""

from django.shortcuts import render

CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "yes"


def is_confirmed(request) -> bool:
    """True only for a POST sent from a confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def confirmation_page(
    request, *, title, consequences, button, back, hidden=None, danger=True, status=200
):
    """The page asking to confirm: ``consequences`` are sentences of what happens (and how
    to undo it, if one can); ``hidden`` are extra fields the action needs (``status``);
    ``back`` is where "go back" leads, changing nothing."""
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "button": button,
            "back": back,
            "hidden": dict(hidden or {}),
            "danger": danger,
            "confirm_field": CONFIRM_FIELD,
            "confirm_value": CONFIRM_VALUE,
        },
        status=status,
    )
