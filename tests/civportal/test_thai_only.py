"""In Thai mode every message a person can meet is Thai.

Each role walks the portal like a person clicking through it: from the dashboard, every
link of the portal that a GET can follow, up to a bound; every form is seen as it opens
and as it comes back after an empty submit (its error messages). The words shown —
text, button values, labels read out to screen readers (aria-label, title, placeholder,
alt) — may hold no English outside a short list of names and marks. What people typed
(input values, textareas), addresses, code (file column names) and what the page marks as
data (``lang="en"`` on an English name, ``translate="no"`` on recorded values) are left out.
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest

from tests.mentorship.conftest import bangkok, book, person

pytestmark = pytest.mark.django_db

# Names and marks that stay in Latin letters in Thai text.
ALLOWED = {
    "CIV",
    # The programme's name as the glossary gives it: โครงการพัฒนาหมู่บ้าน… (Creative
    # Industry Village: CIV), spelling out CIV once on every page.
    "Creative",
    "Industry",
    "Village",
    "MOU",
    "MOUs",
    "OTOP",
    "GAP",
    "LINE",
    "Shopee",
    "Lazada",
    "Facebook",
    "SCG",
    "Big",
    "Brother",
    "Thailand",
    "iCal",
    "Google",
    "Calendar",
    "Apple",
    "Outlook",
    "CSV",
    "XLSX",
    "PDF",
    "JPEG",
    "PNG",
    "WebP",
    "Local",
    "Economy",
    "Organic",
    "DIPROM",
    "OA",
    "English",
    "QR",
    "MB",
    "Portal",
    "THB",
    "ID",
    "Excel",
    "SME",
    "ics",
    "csv",
    "xlsx",
    "API",
    "CSR",
}
WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*[A-Za-z]")
# Where a GET would download a file, leave, or change the language.
SKIP = re.compile(
    r"^/(admin|static|media|photos|i18n|lang|accounts/logout|accounts/password|accounts/email"
    # The API's documentation is Swagger UI (its own English interface; the operations are
    # described in English and Thai in the schema).
    r"|api/v1/docs)"
    r"|\.ics$|/signed-pdf/|/materials/\d+/$|/download/|export=|/feed/.+\.ics"
)
MAX_PAGES = 70


class Words(HTMLParser):
    """The words a reader meets on a page, and its links and forms."""

    SPOKEN = ("aria-label", "title", "placeholder", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.links, self.post_forms = [], [], []
        self.skip = 0  # inside script/style/textarea
        self.data_tags: list[str] = []  # open elements whose text is data (code, lang="en")
        self.form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "textarea"):
            self.skip += 1
        if (
            tag == "code"
            or attrs.get("translate") == "no"
            or ((attrs.get("lang") or "").startswith("en") and tag != "html")
        ):
            self.data_tags.append(tag)
        for name in self.SPOKEN:
            if attrs.get(name):
                self.text.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.text.append(attrs.get("value") or "")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.form = {"action": attrs.get("action") or "", "fields": 0}
            self.post_forms.append(self.form)
        if (
            self.form is not None
            and tag in ("select", "textarea")
            or (
                self.form is not None
                and tag == "input"
                and attrs.get("type", "text") in ("text", "email", "number", "url", "tel", "file")
            )
        ):
            self.form["fields"] += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea"):
            self.skip -= 1
        if self.data_tags and self.data_tags[-1] == tag:
            self.data_tags.pop()
        if tag == "form":
            self.form = None

    def handle_data(self, data):
        if not self.skip and not self.data_tags:
            self.text.append(data)


def english_words(html: str) -> tuple[set[str], Words]:
    page = Words()
    page.feed(html)
    text = " ".join(page.text)
    text = re.sub(r"\S+@\S+|https?://\S+", " ", text)  # addresses are data
    return {word for word in WORD.findall(text) if word not in ALLOWED}, page


def walk(client, start="/dashboard/"):
    """Every kind of page a GET reaches from ``start`` (at most two of each shape, e.g.
    two community pages), once each: (path, html)."""
    queue, seen, shapes, visited = deque([start]), {start}, {}, 0
    while queue and visited < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        visited += 1
        html = response.content.decode()
        yield path, html
        _words, page = english_words(html)
        for href in page.links:
            target = urlparse(urljoin(path, href))
            if target.netloc or not target.path.startswith("/"):
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            shape = re.sub(r"\d+", "N", target.path)
            if link in seen or SKIP.search(link) or shapes.get(shape, 0) >= 2:
                continue
            seen.add(link)
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append(link)


ROLES = [
    "staff@civ.example",
    "officer.lampang@civ.example",
    "coordinator@civ.example",
    "mentor@civ.example",
    "leader.maejaem@civ.example",
    "member.paentai@civ.example",
]


@pytest.mark.parametrize("email", ROLES)
def test_every_page_and_form_a_role_reaches_is_thai(client, email):
    book(starts_at=bangkok(2, 9))
    book(starts_at=bangkok(-2, 9), title="อบรมที่ผ่านมาแล้ว")
    client.force_login(person(email))
    english, visited = {}, 0
    for path, html in walk(client):
        visited += 1
        words, page = english_words(html)
        for word in words:
            english.setdefault(word, path)
        # The form as it comes back from an empty submit: its error messages.
        for form in page.post_forms:
            if form["fields"] and form["action"] in ("", path):
                response = client.post(path, {})
                if response.status_code == 200:
                    for word in english_words(response.content.decode())[0]:
                        english.setdefault(word, f"{path} (sent empty)")
    assert visited >= 20  # the walk really went round the portal
    assert english == {}, "English in Thai mode: " + ", ".join(
        f"{word} ({where})" for word, where in sorted(english.items())
    )
