"""Redis down or hung, with the portal running as it ships (gunicorn, Celery worker and beat
as processes) on a Redis this test owns: people get their normal success pages, sign-in
keeps its limits, nothing is lost, and everything arrives once Redis is back."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from communities.management.commands.seed_demo import demo_password
from communities.models import Community
from outbox.models import Delivery
from products.models import Enquiry, Product
from reports.models import ReportJob
from tests.conftest import database_url_for_subprocess, seed_programme
from tests.servers import (
    Gunicorn,
    RedisServer,
    SmtpSink,
    portal_env,
    post_form,
    signed_in,
    start_beat,
    start_worker,
    wait_until,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


class Portal:
    def __init__(self, tmp_path, queue):
        self.tmp_path, self.queue = tmp_path, queue
        self.redis = RedisServer(tmp_path / "redis").start()
        self.smtp = SmtpSink().start()
        self.env = portal_env(
            database_url_for_subprocess(),
            self.redis.url,
            CELERY_QUEUE=queue,
            MEDIA_ROOT=tmp_path / "media",
            **self.smtp.env(),
        )
        self.processes = []
        web = Gunicorn(self.env, tmp_path).start()
        self.base = web.base
        self.processes.append(web)

    def start_workers(self):
        """A worker and beat with the shipped schedule: the outbox sweep runs every minute."""
        self.processes.append(start_worker(self.env, self.tmp_path, self.queue))
        self.processes.append(start_beat(self.env, self.tmp_path))

    def stop(self):
        for process in self.processes:
            process.stop()
        self.redis.stop()
        self.smtp.stop()


@pytest.fixture
def portal(tmp_path, celery_queue):
    seed_programme()
    Delivery.objects.all().delete()  # the demo data's own mail is not this test's
    portal = Portal(tmp_path, celery_queue)
    yield portal
    portal.stop()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_with_redis_down_people_see_success_and_everything_arrives_after_it_returns(portal):
    portal.redis.stop()
    base = portal.base
    maejaem = Community.objects.get(name_th="ชุมชนผลิตกาแฟบ้านแม่แจ๋ม")
    lime_powder = Product.objects.get(name_th="มะนาวผง")

    officer = signed_in(base, "officer.lampang@civ.example", demo_password())
    visit, visit_time = timed(
        lambda: post_form(
            officer,
            f"{base}/communities/{maejaem.pk}/visits/new/",
            {"visited_on": "2026-11-20", "summary": "ติดตามการคั่วกาแฟในโอ่ง", "next_steps": ""},
        )
    )
    report, _ = timed(
        lambda: post_form(officer, f"{base}/reports/", {"kind": "province_pdf", "province": "52"})
    )
    coordinator = signed_in(base, "coordinator@civ.example", demo_password())
    invitation, _ = timed(
        lambda: post_form(
            coordinator,
            f"{base}/training/mentors/invite/",
            {"email": "new.mentor@scg.example", "full_name": "พี่เลี้ยงคนใหม่"},
        )
    )
    buyer = requests.Session()
    enquiry, enquiry_time = timed(
        lambda: post_form(
            buyer,
            f"{base}/p/{lime_powder.pk}/enquire/",
            {
                "name": "ร้านของฝาก",
                "contact": "shop@buyer.example",
                "quantity": "5",
                "message": "ขอราคาส่ง 5 ถุง",
            },
        )
    )

    # The normal success pages (redirects), each in about the time it takes without Redis.
    for response in (visit, report, invitation, enquiry):
        assert response.status_code == 302, response.text[:3000]
    assert max(visit_time, enquiry_time) < 5
    # Saved, each with its side effect waiting in the outbox.
    assert maejaem.visits.filter(summary="ติดตามการคั่วกาแฟในโอ่ง").count() == 1
    assert Enquiry.objects.filter(contact="shop@buyer.example").count() == 1
    job = ReportJob.objects.get(requested_by__email="officer.lampang@civ.example")
    assert (job.status, job.dispatched_at) == ("queued", None)
    waiting = Delivery.objects.filter(status="pending")
    assert {"mentor@civ.example", "new.mentor@scg.example", "member.paentai@civ.example"} <= set(
        waiting.values_list("to", flat=True)
    )

    portal.redis.start()
    returned = time.monotonic()
    portal.start_workers()

    def all_delivered():
        job.refresh_from_db()
        return job.status == "done" and not Delivery.objects.exclude(status="sent").exists()

    wait_until(all_delivered, 180, "everything to be delivered within 3 minutes")
    assert time.monotonic() - returned < 180
    recipients = [m["To"] for m in portal.smtp.received()]
    assert sorted(recipients) == sorted(Delivery.objects.values_list("to", flat=True))  # once each
    assert recipients.count("new.mentor@scg.example") == 1


def test_sign_in_keeps_working_and_keeps_its_limit_while_redis_is_down(portal):
    portal.redis.stop()
    base = portal.base

    signed_in(base, "officer.lampang@civ.example", demo_password())  # no 500
    guesser = requests.Session()
    guesser.get(f"{base}/accounts/login/", timeout=10)
    statuses = []
    for attempt in range(8):
        response = guesser.post(
            f"{base}/accounts/login/",
            data={
                "login": "staff@civ.example",
                "password": f"wrong-{attempt}",
                "csrfmiddlewaretoken": guesser.cookies["csrftoken"],
            },
            headers={"Referer": f"{base}/accounts/login/"},
            allow_redirects=False,
            timeout=10,
        )
        statuses.append(response.status_code)
    right = guesser.post(
        f"{base}/accounts/login/",
        data={
            "login": "staff@civ.example",
            "password": demo_password(),
            "csrfmiddlewaretoken": guesser.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )

    assert 500 not in statuses
    # Locked after the per-account limit: even the right password is refused for now.
    assert right.status_code != 302


def test_a_hung_redis_costs_a_request_about_a_second_not_a_worker(portal):
    officer = signed_in(portal.base, "officer.lampang@civ.example", demo_password())
    portal.redis.freeze()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            pages = list(
                pool.map(
                    lambda path: timed(lambda: requests.get(f"{portal.base}{path}", timeout=30)),
                    ["/", "/catalogue/", "/accounts/login/", "/c/"],
                )
            )
            maejaem = Community.objects.get(name_th="ชุมชนผลิตกาแฟบ้านแม่แจ๋ม")
            visit, visit_time = timed(
                lambda: post_form(
                    officer,
                    f"{portal.base}/communities/{maejaem.pk}/visits/new/",
                    {"visited_on": "2026-11-21", "summary": "ลงพื้นที่ขณะ Redis ค้าง"},
                )
            )
    finally:
        portal.redis.thaw()

    for response, seconds in pages:
        assert response.status_code == 200
        assert seconds < 3, seconds
    assert visit.status_code == 302 and visit_time < 6
    assert Delivery.objects.filter(to="mentor@civ.example", status="pending").exists()
