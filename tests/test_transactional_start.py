"""A transactional test starts from an empty database even when it is the first of the
run, so the demo it seeds keeps its photos in the test's own upload folder."""

import os
from io import StringIO

import pytest
from django.core.management import call_command

from communities.models import Community, CommunityPhoto

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_transactional_test_seeds_the_demo_with_its_photos_in_its_own_folder(settings):
    assert not Community.objects.exists()  # not the session's demo programme

    call_command("seed_demo", stdout=StringIO())

    photos = list(CommunityPhoto.objects.all())
    assert photos
    for photo in photos:
        assert photo.image.path.startswith(f"{settings.MEDIA_ROOT}{os.sep}")
        assert os.path.getsize(photo.image.path) > 0
