"""`manage.py backup` / `restore`: one archive of the database, the uploaded files and beat's
state, restored into an empty database and folder and served again by the portal."""

import hashlib
import io
import json
import os
import re
import shelve
import subprocess
import sys
import tarfile
import time
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery.beat import PersistentScheduler
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from backups.postgres import major_of, server_version
from civportal.celery import app as celery_app
from civportal.images import clean_photo
from communities.management.commands.seed_demo import demo_password
from communities.models import Community, Province
from communities.services import log_visit
from reports import services as reports
from reports.models import ReportJob
from reports.tasks import run_report_job
from tests import seed_snapshot
from tests.communities.helpers import png
from tests.conftest import ROOT, database_url_for_subprocess
from tests.notifications.helpers import demo_user
from tests.servers import Gunicorn, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

OFFICER = "officer.lampang@civ.example"
WEEKLY_DIGEST_RAN = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)


@pytest.fixture
def portal_settings(settings, tmp_path, celery_queue):
    """This test's own upload folder, beat schedule file and backup folder; the test
    database without the seed's snapshot (tests/seed_snapshot.py), which a backup would
    carry and a restore would find in its way."""
    seed_snapshot.drop()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_BEAT_SCHEDULE_FILENAME = str(tmp_path / "beat" / "celerybeat-schedule")
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings


def write_beat_state(filename: str) -> None:
    """Beat's shelve as beat itself writes it, with one job's last run set to a known time."""
    Path(filename).parent.mkdir(parents=True, exist_ok=True)
    scheduler = PersistentScheduler(app=celery_app, schedule_filename=filename, lazy=False)
    scheduler.schedule["weekly-digest"].last_run_at = WEEKLY_DIGEST_RAN
    scheduler.close()


def the_archive(settings) -> Path:
    archives = sorted(Path(settings.BACKUP_DIR).glob("civ-backup-*.tar"))
    assert len(archives) == 1, archives
    return archives[0]


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


@pytest.fixture
def empty_database():
    """A brand-new database on the test server, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(database_url_for_subprocess())._replace(path=f"/{name}"))
    yield url
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_an_empty_database_and_folder_serves_the_report_and_photo(
    portal_settings, empty_database, tmp_path
):
    settings = portal_settings
    call_command("seed_demo", stdout=StringIO())
    officer = demo_user(OFFICER)
    community = Community.objects.filter(subdistrict__district__province_id="52").first()
    visit = log_visit(
        officer,
        community,
        visited_on=timezone.localdate(),
        summary="ลงพื้นที่ติดตามผลการขาย",
        photos=[clean_photo(png("ตลาดนัด.png"))],
    )
    photo = visit.photos.get()
    job = reports.request_report(
        officer, kind=ReportJob.Kind.PROVINCE_PDF, province=Province.objects.get(pk="52")
    )
    # The worker's task body, run here: the real province PDF, stored as a worker stores it.
    assert run_report_job(job.pk) == "done"
    job.refresh_from_db()
    originals = {
        reverse("report_download", args=[job.pk]): job.file.open("rb").read(),
        reverse("visit_photo", args=[photo.pk]): photo.image.open("rb").read(),
    }
    assert job.file.name.startswith("reports/")
    write_beat_state(settings.CELERY_BEAT_SCHEDULE_FILENAME)

    call_command("backup", stdout=StringIO())

    archive = the_archive(settings)
    manifest = manifest_of(archive)
    number, _text = server_version(connection)
    assert manifest["database"]["server_version_num"] == number
    assert f"(PostgreSQL) {major_of(number)}." in manifest["database"]["pg_dump"]
    assert manifest["files"][f"files/default/{job.file.name}"]["sha256"] == (
        hashlib.sha256(originals[reverse("report_download", args=[job.pk])]).hexdigest()
    )
    assert f"files/default/{photo.image.name}" in manifest["files"]
    assert manifest["referenced_files"] >= 2 and manifest["missing_files"] == []
    assert any(name.startswith("beat/schedule") for name in manifest["files"])

    restored = tmp_path / "restored"
    env = {
        **os.environ,
        "CIV_ENV": "test",
        "DATABASE_URL": empty_database,
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "MEDIA_ROOT": str(restored / "media"),
        "CELERY_BEAT_SCHEDULE_FILE": str(restored / "beat" / "celerybeat-schedule"),
    }
    restore = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert restore.returncode == 0, restore.stderr

    portal = Gunicorn(env, tmp_path, workers=1)
    try:
        portal.start()
        officer_session = signed_in(portal.base, OFFICER, demo_password())
        for url, original in originals.items():
            response = officer_session.get(portal.base + url, timeout=30)
            assert (url, response.status_code) == (url, 200)
            assert response.content == original
    finally:
        portal.stop()
    with shelve.open(env["CELERY_BEAT_SCHEDULE_FILE"], flag="r") as beat:
        assert beat["entries"]["weekly-digest"].last_run_at == WEEKLY_DIGEST_RAN


def test_restore_refuses_a_database_and_folder_that_are_not_empty(portal_settings):
    media = Path(portal_settings.MEDIA_ROOT)
    (media / "mous").mkdir(parents=True)
    (media / "mous" / "signed.pdf").write_bytes(b"%PDF-1.7 signed")
    call_command("backup", stdout=StringIO())
    (media / "mous" / "signed.pdf").write_bytes(b"%PDF-1.7 signed again")
    Province.objects.create(code="98", name_th="จังหวัดที่มีอยู่แล้ว")

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(the_archive(portal_settings)), stdout=StringIO())

    message = str(refused.value)
    assert f"database {connection.settings_dict['NAME']} has" in message
    assert f"folder {media.resolve()} (default files) is not empty" in message
    assert "--force" in message
    assert (media / "mous" / "signed.pdf").read_bytes() == b"%PDF-1.7 signed again"
    assert Province.objects.filter(code="98").exists()


def test_restore_with_force_replaces_what_the_target_holds(portal_settings):
    media = Path(portal_settings.MEDIA_ROOT)
    (media / "mous").mkdir(parents=True)
    (media / "mous" / "signed.pdf").write_bytes(b"%PDF-1.7 signed")
    write_beat_state(portal_settings.CELERY_BEAT_SCHEDULE_FILENAME)
    call_command("backup", stdout=StringIO())
    (media / "mous" / "signed.pdf").write_bytes(b"%PDF-1.7 changed later")
    (media / "later.jpg").write_bytes(b"\xff\xd8\xff later")
    Province.objects.create(code="99", name_th="จังหวัดที่เพิ่มทีหลัง")

    call_command("restore", str(the_archive(portal_settings)), force=True, stdout=StringIO())

    assert not Province.objects.filter(code="99").exists()
    assert (media / "mous" / "signed.pdf").read_bytes() == b"%PDF-1.7 signed"
    assert not (media / "later.jpg").exists()
    with shelve.open(portal_settings.CELERY_BEAT_SCHEDULE_FILENAME, flag="r") as beat:
        assert beat["entries"]["weekly-digest"].last_run_at == WEEKLY_DIGEST_RAN


def test_a_damaged_archive_is_refused_before_anything_is_touched(portal_settings):
    Province.objects.get_or_create(code="52", defaults={"name_th": "ลำปาง"})
    call_command("backup", stdout=StringIO())
    archive = the_archive(portal_settings)
    with tarfile.open(archive) as tar:
        offset = tar.getmember("database.dump").offset_data
    with archive.open("r+b") as damaged:
        damaged.seek(offset + 100)
        byte = damaged.read(1)
        damaged.seek(offset + 100)
        damaged.write(bytes([byte[0] ^ 0xFF]))

    with pytest.raises(CommandError, match="database.dump .* does not match its checksum"):
        call_command("restore", str(archive), force=True, stdout=StringIO())

    assert Province.objects.filter(code="52").exists()  # --force dropped nothing


def test_keep_n_leaves_only_the_newest_n_backups(portal_settings):
    folder = Path(portal_settings.BACKUP_DIR)
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup")
    made = []
    for _ in range(3):
        out = StringIO()
        call_command("backup", keep=2, stdout=out)
        made.append(re.search(r"Backed up to (\S+)", out.getvalue()).group(1))
        time.sleep(0.01)  # names carry milliseconds

    assert sorted(str(p) for p in folder.glob("civ-backup-*.tar")) == made[1:]
    assert "Removed the older backup" in out.getvalue()
    assert (folder / "notes.txt").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no leftovers


def test_rows_naming_files_that_are_not_on_disk_are_listed_and_warned_about(portal_settings):
    ReportJob.objects.create(
        kind=ReportJob.Kind.ATTENDANCE_CSV, status="done", file="reports/1/lost.csv"
    )
    err = StringIO()

    call_command("backup", stdout=StringIO(), stderr=err)

    assert manifest_of(the_archive(portal_settings))["missing_files"] == [
        "files/default/reports/1/lost.csv"
    ]
    assert "reports/1/lost.csv" in err.getvalue()


@pytest.mark.django_db(transaction=False)
def test_backup_stops_clearly_when_no_pg_dump_matches_the_server(portal_settings, monkeypatch):
    monkeypatch.setattr("backups.archive.server_version", lambda _c: (990001, "99.1"))

    with pytest.raises(CommandError, match="No pg_dump of PostgreSQL 99 was found"):
        call_command("backup", stdout=StringIO())

    assert not Path(portal_settings.BACKUP_DIR).exists() or not any(
        Path(portal_settings.BACKUP_DIR).iterdir()
    )


@pytest.mark.django_db(transaction=False)
def test_restore_refuses_a_dump_from_a_newer_postgresql(portal_settings, tmp_path):
    Province.objects.get_or_create(code="52", defaults={"name_th": "ลำปาง"})
    dump = b"PGDMP from the future"
    manifest = {
        "format": "civportal-backup",
        "format_version": 1,
        "started_at": "2030-01-01T00:00:00+00:00",
        "database": {"server_version": "99.1", "server_version_num": 990001},
        "folders": {},
        "files": {"database.dump": {"size": len(dump), "sha256": hashlib.sha256(dump).hexdigest()}},
    }
    archive = tmp_path / "civ-backup-20300101T000000.000Z.tar"
    with tarfile.open(archive, "w") as tar:
        for name, data in (("database.dump", dump), ("manifest.json", json.dumps(manifest))):
            data = data if isinstance(data, bytes) else data.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

    with pytest.raises(CommandError, match="dumped from PostgreSQL 99"):
        call_command("restore", str(archive), force=True, stdout=StringIO())

    assert Province.objects.filter(code="52").exists()  # --force dropped nothing


def test_backups_kept_inside_the_upload_folder_are_not_backed_up_again(portal_settings):
    media = Path(portal_settings.MEDIA_ROOT)
    (media / "reports").mkdir(parents=True)
    (media / "reports" / "a.csv").write_bytes(b"id\n1\n")
    portal_settings.BACKUP_DIR = media / "backups"

    call_command("backup", stdout=StringIO())
    call_command("backup", stdout=StringIO())

    newest = sorted((media / "backups").glob("civ-backup-*.tar"))[-1]
    uploads = [name for name in manifest_of(newest)["files"] if name.startswith("files/")]
    assert uploads == ["files/default/reports/a.csv"]
