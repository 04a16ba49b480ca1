"""Two real transactions on two connections book the same mentor at overlapping times."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from communities.models import Community
from mentorship.models import SessionCommunity, SessionMentor, TrainingSession
from tests.conftest import seed_programme

from .conftest import bangkok, book, person

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_bookings_of_one_mentor_one_wins_the_other_gets_the_clash_message():
    seed_programme()
    demo_sessions = set(TrainingSession.objects.values_list("pk", flat=True))
    mentor = person("mentor@civ.example")
    coordinator = person("coordinator@civ.example")
    jaekhon = Community.objects.get(subdistrict__code="520606")
    first_booked = threading.Event()
    outcome = {}

    def hold_after_booking(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if 'INSERT INTO "mentorship_sessionmentor"' in sql and not first_booked.is_set():
            first_booked.set()
            # Keep this transaction open so the other one runs into its uncommitted booking.
            time.sleep(1.5)
        return result

    def first():
        try:
            with connection.execute_wrapper(hold_after_booking):
                outcome["first"] = book(mentor, title="ถ่ายภาพสินค้า", starts_at=bangkok(2, 9))
            outcome["first_committed"] = time.monotonic()
        finally:
            connection.close()

    def second():
        try:
            first_booked.wait(10)
            outcome["second_started"] = time.monotonic()
            book(
                coordinator,
                title="บัญชีครัวเรือน",
                starts_at=bangkok(2, 10),
                communities=[jaekhon],
                mentors=[mentor],
            )
        except ValidationError as error:
            outcome["second_error"] = error
            outcome["second_failed"] = time.monotonic()
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    # The second really overlapped the first: it started while the first was still open
    # and the database made it wait for the first's booking before refusing it.
    assert outcome["second_started"] < outcome["first_committed"]
    assert outcome["second_failed"] - outcome["second_started"] > 1.0
    message = outcome["second_error"].messages[0]
    assert "ถ่ายภาพสินค้า" in message and "09:00–11:00 น." in message
    winner = outcome["first"]
    booked = TrainingSession.objects.exclude(pk__in=demo_sessions)
    assert list(booked.values_list("title", flat=True)) == [winner.title]
    assert list(
        SessionMentor.objects.exclude(session_id__in=demo_sessions).values_list(
            "session_id", flat=True
        )
    ) == [winner.pk]
    assert list(
        SessionCommunity.objects.exclude(session_id__in=demo_sessions).values_list(
            "session_id", flat=True
        )
    ) == [winner.pk]
