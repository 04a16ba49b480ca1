"""All-or-nothing uploads (removed_on_rollback) and the daily sweep of files no row names."""

import os
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

from civportal.files import removed_on_rollback, sweep_orphans
from mentorship.models import MOU
from tests.samples import pdf_upload
from tests.storage import files_under

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def aged(name: str, seconds: float) -> str:
    """Make a stored file look ``seconds`` old."""
    path = default_storage.path(name)
    then = time.time() - seconds
    os.utime(path, (then, then))
    return name


def test_files_written_in_a_block_that_fails_are_removed():
    with pytest.raises(RuntimeError), removed_on_rollback(), transaction.atomic():
        written = default_storage.save("visits/a.jpg", ContentFile(b"a"))
        assert default_storage.exists(written)
        raise RuntimeError("the service failed after writing")
    assert not default_storage.exists(written)


def test_an_enclosing_block_decides_for_the_files_of_a_nested_one_that_succeeded():
    with pytest.raises(RuntimeError), removed_on_rollback():
        with removed_on_rollback():
            inner = default_storage.save("communities/a.jpg", ContentFile(b"a"))
        raise RuntimeError("the import failed on a later row")
    assert not default_storage.exists(inner)

    with removed_on_rollback(), removed_on_rollback():
        kept = default_storage.save("communities/b.jpg", ContentFile(b"b"))
    assert default_storage.exists(kept)


def test_files_written_before_the_block_are_never_touched():
    earlier = default_storage.save("visits/earlier.jpg", ContentFile(b"e"))
    with pytest.raises(RuntimeError), removed_on_rollback():
        raise RuntimeError
    assert default_storage.exists(earlier)


@pytest.fixture
def mou_with_two_pdfs():
    """An MOU whose signed PDF was replaced once: the first file is named only by history."""
    from mentorship.services import attach_signed_pdf
    from tests.mentorship.conftest import person, scg_mou

    officer = person("officer.lampang@civ.example")
    mou = attach_signed_pdf(officer, scg_mou(), pdf_upload())
    first = mou.signed_pdf.name
    mou = attach_signed_pdf(officer, MOU.objects.get(pk=mou.pk), pdf_upload())
    return first, mou.signed_pdf.name


def test_the_sweep_removes_only_old_files_no_row_names(mou_with_two_pdfs):
    earlier, current = mou_with_two_pdfs
    for name in (earlier, current):
        aged(name, 3 * DAY)
    old_orphan = aged(default_storage.save("products/2026/01/gone.jpg", ContentFile(b"x")), 2 * DAY)
    young_orphan = default_storage.save("visits/2026/11/in-flight.jpg", ContentFile(b"y"))

    removed = sweep_orphans()

    assert removed == [old_orphan]
    assert files_under(settings.MEDIA_ROOT) == sorted([earlier, current, young_orphan])


def test_the_sweep_command_lists_without_deleting_on_a_dry_run():
    orphan = aged(default_storage.save("materials/2026/01/x.pdf", ContentFile(b"x")), 2 * DAY)
    out = StringIO()
    call_command("sweep_orphan_files", "--dry-run", stdout=out)
    assert orphan in out.getvalue() and default_storage.exists(orphan)
    call_command("sweep_orphan_files", stdout=StringIO())
    assert not default_storage.exists(orphan)


def test_beat_runs_the_sweep_every_day():
    from civportal.celery import app

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "sweep_orphan" in e["task"]]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert schedule.hour == {3} and schedule.minute == {30} and len(schedule.day_of_week) == 7
    app.loader.import_default_modules()
    assert entries[0]["task"] in app.tasks
