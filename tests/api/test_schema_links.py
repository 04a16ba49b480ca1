"""The OpenAPI links of api/schema.py: present on the answers that give the ids, and
every one names an operation and parameters that the document has."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    response = APIClient().get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(document) -> dict[str, dict]:
    return {
        operation["operationId"]: operation
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


def test_a_community_links_to_its_visits_and_a_visit_made_to_itself(document):
    by_id = operations(document)
    community = by_id["communities_retrieve"]["responses"]["200"]["links"]
    assert community["visits_list"] == {
        "operationId": "visits_list",
        "parameters": {"community": "$response.body#/id"},
    }
    assert {"stage_changes_list", "fiscal_year_targets_list", "products_list"} <= set(community)
    assert community["visits_create"]["requestBody"] == {"community": "$response.body#/id"}
    created = by_id["visits_create"]["responses"]["201"]["links"]
    assert created["visits_retrieve"]["parameters"] == {"id": "$response.body#/id"}
    listed = by_id["products_list"]["responses"]["200"]["links"]
    assert listed["products_retrieve"]["parameters"] == {"id": "$response.body#/results/0/id"}


def test_every_link_names_an_operation_and_parameters_it_takes(document):
    by_id = operations(document)
    links = [
        link
        for operation in by_id.values()
        for answer in operation["responses"].values()
        for link in answer.get("links", {}).values()
    ]
    assert len(links) >= 30
    for link in links:
        target = by_id[link["operationId"]]
        names = {parameter["name"] for parameter in target.get("parameters", [])}
        assert set(link["parameters"]) <= names, link
