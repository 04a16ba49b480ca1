"""OpenAPI links (drf-spectacular emits none): which answer gives the ids that another
operation takes, so a client, and schemathesis' stateful phase, can follow them — a
community to its visits, stage changes, indicator values, targets and products, a list to
its first row, a logged visit to itself."""

# Where an id comes from in an answer: a row, or the first row of a list page.
ROW_ID = "$response.body#/id"
FIRST_ID = "$response.body#/results/0/id"

# The operations that narrow by one community, by their ``community`` filter.
BY_COMMUNITY = [
    "visits_list",
    "stage_changes_list",
    "indicator_values_list",
    "indicator_targets_list",
    "fiscal_year_targets_list",
    "products_list",
    "assignments_list",
]
# Every list with a detail of its own, by the name drf-spectacular gives both.
LISTED = [
    "assignments",
    "communities",
    "enquiries",
    "fiscal_year_targets",
    "indicator_targets",
    "indicator_values",
    "indicators",
    "mous",
    "notifications",
    "open_communities",
    "open_products",
    "products",
    "sessions",
    "stage_changes",
    "visits",
]


def _link(operation_id: str, body: dict | None = None, **parameters: str) -> dict:
    """A link to ``operation_id``; ``body``: fields of its request body taken from the
    answer (schemathesis merges them into the body it makes)."""
    link = {"operationId": operation_id, "parameters": parameters}
    if body:
        link["requestBody"] = body
    return link


def _links_by_answer() -> dict[tuple[str, str], dict[str, dict]]:
    """(operationId, status) → the links of that answer, named after their target."""
    links: dict[tuple[str, str], dict[str, dict]] = {}

    def add(source: str, status: str, name: str, link: dict) -> None:
        links.setdefault((source, status), {})[name] = link

    for name in LISTED:
        add(f"{name}_list", "200", f"{name}_retrieve", _link(f"{name}_retrieve", id=FIRST_ID))
    for target in BY_COMMUNITY:
        add("communities_retrieve", "200", target, _link(target, community=ROW_ID))
        add("communities_list", "200", target, _link(target, community=FIRST_ID))
    add(
        "communities_retrieve",
        "200",
        "communities_partial_update",
        _link("communities_partial_update", id=ROW_ID),
    )
    add(
        "open_communities_retrieve",
        "200",
        "open_products_list",
        _link("open_products_list", community=ROW_ID),
    )
    add(
        "products_retrieve",
        "200",
        "products_revision_retrieve",
        _link("products_revision_retrieve", id=ROW_ID),
    )
    add("mous_retrieve", "200", "sessions_list", _link("sessions_list", mou=ROW_ID))
    add("mous_retrieve", "200", "assignments_list", _link("assignments_list", mou=ROW_ID))
    add("products_retrieve", "200", "enquiries_list", _link("enquiries_list", product=ROW_ID))
    # Log a visit to the community just read (officers of its province may).
    add(
        "communities_retrieve",
        "200",
        "visits_create",
        _link("visits_create", body={"community": ROW_ID}),
    )
    # A logged visit: itself, its community, and the values it logged.
    add("visits_create", "201", "visits_retrieve", _link("visits_retrieve", id=ROW_ID))
    community_of_visit = "$response.body#/community"
    add(
        "visits_create",
        "201",
        "communities_retrieve",
        _link("communities_retrieve", id=community_of_visit),
    )
    add(
        "visits_create",
        "201",
        "indicator_values_list",
        _link("indicator_values_list", community=community_of_visit),
    )
    add(
        "visits_retrieve",
        "200",
        "communities_retrieve",
        _link("communities_retrieve", id=community_of_visit),
    )
    return links


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook: put the links on the answers that give them,
    only where both ends are in the document (a filtered schema keeps what it has)."""
    operations = {
        operation["operationId"]: (operation, path)
        for path, item in result.get("paths", {}).items()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for (source, status), links in _links_by_answer().items():
        if source not in operations:
            continue
        response = operations[source][0].get("responses", {}).get(status)
        if response is None:
            continue
        present = {
            name: link
            for name, link in links.items()
            if link["operationId"] in operations
            and all(
                _takes(operations[link["operationId"]][0], parameter)
                for parameter in link["parameters"]
            )
        }
        if present:
            response.setdefault("links", {}).update(present)
    return result


def _takes(operation: dict, parameter: str) -> bool:
    return any(p.get("name") == parameter for p in operation.get("parameters", []))
