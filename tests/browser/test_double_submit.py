"""A double click on a create form's button sends the form once."""

import re

import pytest

from communities.models import Community, ProgressVisit
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs after forms.js's own submit handler (registered later, same event): notes what the
# button and form look like once the form is on its way; sessionStorage outlives the page.
NOTE_STATE = """
document.addEventListener("submit", () => setTimeout(() => {
  const form = document.querySelector("main form");
  const button = form.querySelector("button[type=submit]");
  sessionStorage.setItem("sent", `${button.disabled} ${form.getAttribute("aria-busy")}`);
}, 0));
"""


def test_double_clicking_save_visit_sends_one_post_and_logs_one_visit(page):
    community = Community.objects.get(subdistrict_id="521304")
    path = f"/communities/{community.pk}/visits/new/"
    sign_in(page, "officer.lampang@civ.example")
    page.goto(path)
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    page.evaluate(NOTE_STATE)
    page.fill("textarea[name=summary]", "ดับเบิลคลิกปุ่มบันทึก")

    page.dblclick("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"/communities/{community.pk}/$"))

    assert len([url for url in posts if url.endswith(path)]) == 1
    assert ProgressVisit.objects.filter(summary="ดับเบิลคลิกปุ่มบันทึก").count() == 1
    assert page.evaluate("sessionStorage.getItem('sent')") == "true true"  # disabled, busy
