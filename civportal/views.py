from datetime import timedelta

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.models import Role
from accounts.permissions import can_manage_members
from accounts.selectors import officer_provinces, province_codes
from communities.figures import dashboard_figures, dashboard_lists_key
from communities.selectors import (
    communities_for,
    stage_counts,
    visits_for,
)
from mentorship.models import TrainingSession
from mentorship.selectors import (
    expiring_mous_for,
    mous_for,
    sessions_for,
    upcoming_sessions_for,
)
from outbox.selectors import undelivered_for
from products.selectors import enquiries_for, listings_to_review_for, products_for
from reports.selectors import delayed_reports_for


def _broker_answers() -> bool:
    url = settings.CELERY_BROKER_URL.replace("redis+socket://", "unix://")
    timeout = settings.REDIS_TIMEOUT
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(client.ping())
    finally:
        client.close()


@never_cache
def healthz(request):
    """200 while the database answers; the broker's state is reported beside it.

    Without Redis the portal still serves pages and saves work (jobs wait in the outbox),
    so a broker outage is "degraded", not "down": a load balancer must keep sending
    people here. Without the database nothing works: 503.
    """
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            checks["database"] = cursor.fetchone() == (1,)
    except Exception:  # any failure to answer is "down"; the reason goes to the log
        checks["database"] = False
    try:
        checks["broker"] = _broker_answers()
    except Exception:
        checks["broker"] = False
    status = ("ok" if checks["broker"] else "degraded") if checks["database"] else "down"
    return JsonResponse({"status": status, **checks}, status=503 if status == "down" else 200)


# The first rows of each list a dashboard shows; each links to the page holding the rest.
DASHBOARD_ROWS = 10

DASHBOARD_TEMPLATES = {
    Role.STAFF: "dashboard/staff.html",
    Role.OFFICER: "dashboard/officer.html",
    Role.COORDINATOR: "dashboard/company.html",
    Role.MENTOR: "dashboard/company.html",
    Role.LEADER: "dashboard/community.html",
    Role.MEMBER: "dashboard/community.html",
}


def community_home(user) -> dict:
    """A member's or leader's home on a phone: their community's listings, the latest
    enquiries and their upcoming sessions, each with what they can do next. A fixed number
    of queries, however many listings or sessions there are."""
    sessions = list(upcoming_sessions_for(user)[:10])
    registrations = dict(
        user.attendance.filter(session__in=[s.pk for s in sessions]).values_list("session_id", "pk")
    )
    now = timezone.now()
    for session in sessions:
        session.my_registration = registrations.get(session.pk)
        session.open_for_registration = (
            session.status in (TrainingSession.Status.PLANNED, TrainingSession.Status.CONFIRMED)
            and session.starts_at > now
        )
        session.full = bool(session.capacity) and session.registered_count >= session.capacity
    return {
        "community": user.community,
        "listings": list(products_for(user).order_by("status", "name_th")[:50]),
        "latest_enquiries": list(enquiries_for(user).select_related("product")[:5]),
        "new_enquiry_count": enquiries_for(user).filter(status="new").count(),
        "upcoming": sessions,
        "invite_url": reverse("community_people", args=[user.community_id])
        if can_manage_members(user, user.community)
        else "",
    }


@login_required
def dashboard(request):
    """What this person's scope holds: communities, MOUs, sessions this week, products."""
    user = request.user
    if user.role in (Role.LEADER, Role.MEMBER) and not user.is_programme_staff:
        context = {"today": timezone.localdate()} | community_home(user)
        return render(request, DASHBOARD_TEMPLATES[user.role], context)
    now = timezone.now()
    communities = communities_for(user)
    week_ahead = now + timedelta(days=7)
    context = {
        "today": timezone.localdate(),
        # The first rows of each list; the registry and the listings page hold the rest.
        "dashboard_rows": DASHBOARD_ROWS,
        "communities": communities[:DASHBOARD_ROWS],
        "mous": mous_for(user)[:DASHBOARD_ROWS],
        "sessions": sessions_for(user).filter(starts_at__gte=now, starts_at__lt=week_ahead)[
            :DASHBOARD_ROWS
        ],
        "products": products_for(user).order_by("status", "name_th")[:DASHBOARD_ROWS],
        "enquiries": enquiries_for(user).filter(status="new")[:10],
        # What needs this person now (empty outside the roles that act on them).
        "to_review": listings_to_review_for(user)[:10],
        "expiring_mous": expiring_mous_for(user)[:10],
    }
    role = Role.STAFF if user.is_programme_staff else user.role
    if role in (Role.OFFICER, Role.STAFF):
        # Counted over the whole scope: kept in the cache (communities.figures).
        scope_key = "all" if role == Role.STAFF else ",".join(province_codes(user))
        context |= dashboard_figures(
            communities, scope_key, officer=role == Role.OFFICER, visits=visits_for(user)
        )
        # The lists' first rows, the same for the whole scope: kept rendered (the
        # templates' {% cache %}), so their querysets are read only when the key is new.
        context |= {
            "lists_key": dashboard_lists_key(scope_key),
            "lists_seconds": settings.DASHBOARD_FIGURES_SECONDS,
        }
    else:
        context |= {
            "community_count": communities.count(),
            "stage_counts": stage_counts(communities),
        }
    if role == Role.OFFICER:
        context["provinces"] = officer_provinces(user)
    if role == Role.STAFF:
        context |= {
            "undelivered_count": undelivered_for(user).count(),
            "delayed_reports": delayed_reports_for(user)[:10],
        }
    template = DASHBOARD_TEMPLATES.get(role, "dashboard/no_role.html")
    return render(request, template, context)
