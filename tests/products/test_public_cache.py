"""Public searches and filters are kept rendered like the other public pages: one page
per search, answered from the cache until a listing or community changes."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from products.public_cache import forget_public_pages
from search.documents import rebuild_all

pytestmark = pytest.mark.django_db


def queries_of(client, path, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_a_repeated_search_is_answered_from_the_cache(client):
    first, page = queries_of(client, "/catalogue/", q="กาแฟ", category="food")
    again, same = queries_of(client, "/catalogue/", category="food", q="กาแฟ")
    assert first > 0 and again == 0
    assert same == page
    # Other words, another page: searched afresh.
    other, _page = queries_of(client, "/catalogue/", q="ข้าว")
    assert other > 0


def test_a_change_to_a_listing_renews_every_cached_search(
    client, lime_powder, django_capture_on_commit_callbacks
):
    _count, before = queries_of(client, "/catalogue/", q="ปูน")
    assert "ปูนแดงสูตรใหม่" not in before
    with django_capture_on_commit_callbacks(execute=True):
        lime_powder.name_th = "ปูนแดงสูตรใหม่"
        lime_powder.price = Decimal(35)
        lime_powder.save()
        rebuild_all()
    count, after = queries_of(client, "/catalogue/", q="ปูน")
    assert count > 0 and "ปูนแดงสูตรใหม่" in after


@pytest.mark.parametrize(
    "query",
    [
        "?q=a&q=b",  # a parameter twice
        "?q=" + "ก" * 101,  # longer than the search box allows
        "?utm_source=line",  # a parameter the page does not read
    ],
)
def test_addresses_outside_the_rules_are_rendered_for_their_visitor(client, query):
    client.get("/catalogue/" + query)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/catalogue/" + query).status_code == 200
    assert len(queries) > 0


def test_signed_in_readers_never_get_the_cached_search(client, lampang_officer):
    queries_of(client, "/catalogue/", q="กาแฟ")
    client.force_login(lampang_officer)
    count, _page = queries_of(client, "/catalogue/", q="กาแฟ")
    assert count > 0


def _filters(page: str) -> str:
    return page[page.index("<details") : page.index("</details>")]


def _price_inputs_rendered(response) -> bool:
    return any(t.name == "django/forms/widgets/number.html" for t in response.templates)


def test_the_filters_are_rendered_once_for_every_search_with_the_same_filter_values(client):
    coffee = client.get("/catalogue/", {"q": "กาแฟ"})
    rice = client.get("/catalogue/", {"q": "ข้าว"})
    assert _price_inputs_rendered(coffee) and not _price_inputs_rendered(rice)
    assert _filters(coffee.content.decode()) == _filters(rice.content.decode())
    # Other filter values, their own block: a value typed wrongly keeps its message.
    wrong = client.get("/catalogue/", {"q": "ข้าว", "price_min": "abc"})
    assert _price_inputs_rendered(wrong)
    assert 'value="abc"' in _filters(wrong.content.decode())
    chosen = client.get("/catalogue/", {"q": "ข้าว", "category": "food"})
    assert '<option value="food" selected>' in _filters(chosen.content.decode())
    # A new generation (a listing or community changed): rendered afresh.
    forget_public_pages()
    assert _price_inputs_rendered(client.get("/catalogue/", {"q": "มะนาว"}))
