"""The registry list and the community page cost the same SQL at 10 and at 200 rows."""

import pytest
from django.urls import reverse

from communities.management.commands.seed_demo import demo_password
from communities.models import Indicator
from communities.services import move_stage, set_indicator_targets

from .helpers import log_visits, officer, register_many

pytestmark = pytest.mark.django_db

# Counted once the officer's provinces and unread count are kept (accounts.selectors,
# notifications.services: read by their first page, the dashboard here). Scopes filter by
# the provinces' plain list, and the community page's permission checks ("who manages its
# members" among them) use the same list.
REGISTRY_QUERIES = 7
# 15 + 3 for the community's reporting rate (communities.completeness: the community with
# its first visit, the indicators with a calendar, the first value per period) — three
# whatever the number of visits and values.
COMMUNITY_PAGE_QUERIES = 18


def sign_in(client):
    client.login(username="officer.nakhon@civ.example", password=demo_password())
    client.get(reverse("dashboard"))


@pytest.mark.parametrize("n", [10, 200])
def test_registry_list_queries_do_not_grow_with_communities(client, django_assert_num_queries, n):
    register_many(officer(), n)
    sign_in(client)

    with django_assert_num_queries(REGISTRY_QUERIES):
        response = client.get(reverse("community_list"), {"q": "ทดสอบ", "stage": "target"})

    assert response.context["page"].paginator.count == n


@pytest.mark.parametrize("n", [10, 200])
def test_community_page_queries_do_not_grow_with_visits_and_values(
    client, django_assert_num_queries, n
):
    actor = officer()
    community = register_many(actor, 1)[0]
    indicators = list(Indicator.objects.filter(active=True)[:2])
    set_indicator_targets(actor, community, dict.fromkeys(indicators, (1, 1000)))
    log_visits(actor, community, n, indicators)
    move_stage(actor, community, "developing", "พร้อม")
    sign_in(client)

    with django_assert_num_queries(COMMUNITY_PAGE_QUERIES):
        response = client.get(reverse("community_detail", args=[community.pk]))

    assert sum(len(t.points) for t in response.context["trends"]) == 2 * n
