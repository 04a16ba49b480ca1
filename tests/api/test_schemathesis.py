"""The API against its own schema, over HTTP (gunicorn, tests/servers.py): schemathesis
generates requests from the OpenAPI document for every operation, with a token of each
role and anonymously, and checks that no answer is a server error and every documented
answer matches the schema: first with a handful of examples per operation, then in the
stateful phase, scenarios that follow the schema's links (api/schema.py) from answer to
request. About a minute each."""

import pytest
import schemathesis
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from accounts.models import User
from api.models import ApiToken
from tests.api.helpers import token_for
from tests.conftest import database_url_for_subprocess
from tests.servers import Gunicorn, portal_env

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = [
    None,
    "staff@civ.example",
    "officer.lampang@civ.example",
    "mentor@civ.example",
    "member.maejaem@civ.example",
]
EXAMPLES = 6
CHECKS = [
    checks.not_a_server_error,
    checks.response_schema_conformance,
    checks.content_type_conformance,
]


@pytest.fixture
def portal(seeded, tmp_path):
    env = portal_env(
        database_url_for_subprocess(),
        settings.REDIS_URL,
        MEDIA_ROOT=tmp_path / "media",
        API_TOKEN_RATE="100000/min",
        API_ANON_RATE="100000/min",
    )
    web = Gunicorn(env, tmp_path, workers=2).start()
    yield web
    web.stop()


def test_every_operation_keeps_to_the_schema_for_every_role(portal):
    schema = schemathesis.openapi.from_url(f"{portal.base}/api/v1/schema/?format=json")
    headers = {None: {}}
    for email in ROLES[1:]:
        key = token_for(User.objects.get(email=email), ApiToken.Scope.READ_WRITE)
        headers[email] = {"Authorization": f"Bearer {key}"}
    failures, answered = [], {who: set() for who in headers}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            for who, auth in headers.items():
                response = case.call(base_url=portal.base, headers=auth, timeout=30)
                answered[who].add(response.status_code)
                try:
                    case.validate_response(response, checks=CHECKS)
                except Exception as failure:  # noqa: BLE001 — collected, all reported below
                    failures.append(f"{who} {case.method} {case.formatted_path}: {failure}")

        run()

    # Every token was honoured somewhere, and the anonymous were turned away somewhere.
    assert all(200 in statuses for statuses in answered.values()), answered
    assert 401 in answered[None]
    assert not failures, "\n\n".join(failures[:10]) + f"\n\n{portal.log_text()[-3000:]}"


STATEFUL_SCENARIOS = 40
STATEFUL_STEPS = 10


def scenarios_as(schema, base, auth, failures, steps):
    """The schema's state machine, calling ``base`` with ``auth``; checks' failures go to
    ``failures``, (link, status) of every step that used ids from an earlier answer to
    ``steps``."""

    class Scenario(schema.as_state_machine()):
        def step(self, input):
            if input.transition is None and input.case.method == "GET":
                # A scenario starts from a plain first page: random filters and cursors
                # (the example test's work) mostly give empty pages, with no ids to follow.
                input.case.query = {}
            output = super().step(input)
            if input.transition is not None and input.applied_parameters:
                steps.append((input.transition.id, output.response.status_code))
            return output

        def get_call_kwargs(self, case):
            return {"base_url": base, "headers": auth, "timeout": 30}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as failure:  # noqa: BLE001 — collected, all reported below
                who = auth.get("Authorization", "anonymous")[:16]
                failures.append(f"{who} {case.method} {case.formatted_path}: {failure}")

    return Scenario


def test_following_the_links_keeps_to_the_schema_for_every_role(portal):
    """The stateful phase: scenarios that follow the schema's links (a community to its
    visits, a list to its first row, a logged visit to itself) with ids the API itself
    answered, so requests reach real rows rather than random ids."""
    schema = schemathesis.openapi.from_url(f"{portal.base}/api/v1/schema/?format=json")
    assert schema.statistic.transitions.total >= 30, "the links of api.schema.add_links"
    failures, linked = [], {}
    for who in ROLES:
        auth = {}
        if who:
            key = token_for(User.objects.get(email=who), ApiToken.Scope.READ_WRITE)
            auth = {"Authorization": f"Bearer {key}"}
        linked[who] = []
        scenarios_as(schema, portal.base, auth, failures, linked[who]).run(
            settings=hypothesis_settings(
                max_examples=STATEFUL_SCENARIOS,
                stateful_step_count=STATEFUL_STEPS,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
        )

    assert not failures, "\n\n".join(failures[:10]) + f"\n\n{portal.log_text()[-3000:]}"
    # Links were followed to rows that exist: by staff, who sees every row, and by a
    # community member, whose lists hold only their own community's rows.
    for who in ("staff@civ.example", "member.maejaem@civ.example"):
        reached = {link for link, status in linked[who] if status == 200}
        assert len(reached) >= 5, (who, linked[who])
