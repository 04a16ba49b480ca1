from io import StringIO

import pytest
from django.core.management import call_command

from communities.models import Community, IndicatorValue, ProgressVisit
from products.models import Product

pytestmark = pytest.mark.django_db


def synthetic():
    return Community.objects.filter(province_id="52", name_th__startswith="[SCALE]")


def seed(*args):
    call_command("seed_scale", "--province", "52", "--communities", "20", *args, stdout=StringIO())


def sizes():
    """Communities, visits, indicator values and products of the synthetic programme."""
    return (
        synthetic().count(),
        ProgressVisit.objects.filter(community__in=synthetic()).count(),
        IndicatorValue.objects.filter(visit__community__in=synthetic()).count(),
        Product.objects.filter(community__in=synthetic()).count(),
    )


def test_seed_scale_builds_a_marked_synthetic_programme_and_running_it_again_adds_nothing():
    seed()
    counts = sizes()
    seed()
    again = sizes()

    assert counts == again
    assert counts[0] == 20 and counts[1] == 80 and counts[2] > 0 and counts[3] == 60
    assert set(synthetic().values_list("stage", flat=True)) == {
        "target",
        "developing",
        "civ",
        "self_sustaining",
    }


def test_seed_scale_reset_replaces_the_synthetic_rows_and_leaves_the_real_ones():
    real = Community.objects.exclude(name_th__startswith="[SCALE]").count()
    seed()
    first_ids = set(synthetic().values_list("pk", flat=True))

    seed("--reset")

    assert synthetic().count() == 20
    assert not first_ids & set(synthetic().values_list("pk", flat=True))
    assert Community.objects.exclude(name_th__startswith="[SCALE]").count() == real


def test_seed_scale_spreads_communities_and_adds_sessions_with_attendance_once():
    from mentorship.models import Attendance, SessionCommunity, TrainingSession

    args = ("--spread", "9", "--spread-provinces", "3", "--sessions", "40", "--attendance", "2")
    seed(*args)
    everywhere = Community.objects.filter(name_th__startswith="[SCALE]")
    sessions = TrainingSession.objects.filter(mou__title_th__startswith="[SCALE]")
    attendance = Attendance.objects.filter(session__in=sessions)  # not the demo's sessions
    counts = (everywhere.count(), sessions.count(), attendance.count())
    seed(*args)

    assert counts == (29, 40, 80)
    assert (everywhere.count(), sessions.count(), attendance.count()) == counts
    assert everywhere.values("province").distinct().count() == 4
    # Each session books one synthetic community; none of them is double-booked.
    assert SessionCommunity.objects.filter(session__in=sessions).count() == 40
    names = list(Product.objects.filter(community__in=everywhere).values_list("name_en", flat=True))
    assert names and not any(name.startswith("[SCALE]") for name in names)
