"""What a dashboard counts over its whole scope, kept in the cache.

The officer and staff dashboards show figures that read every community of their scope
(5,000 in the busiest province, 10,000 for programme staff): how many per stage and per
province, which have waited longest for a visit, and the reporting rates
(``communities.completeness``). Counting them costs time in proportion to the scope, so
they are kept in the cache (Redis) per scope ("all", or an officer's provinces), language
and day, for ``DASHBOARD_FIGURES_SECONDS`` at most. Every save or delete of what they
count (communities, visits, indicator values, indicators, an officer's name) starts a new
generation, so the next dashboard counts afresh; writes that send no signals
(``seed_scale``, ``QuerySet.update``) are seen within the cache's lifetime. A community
page's reporting rate is kept the same way, per community.

The first rows of a dashboard's lists (communities, MOUs, listings, listings to review,
MOUs ending soon) are the same for everyone with the same scope: the dashboard templates
keep them rendered (``{% cache %}``) under ``dashboard_lists_key``, per scope, language and
day, until a community, province, organisation, MOU (or its communities), listing or
listing change is saved or deleted (``lists_generation``).

A community page's body (its story, photos, indicator trends, readiness, listings and
timeline) is the same for everyone who may open the page: the page template keeps it
rendered under ``community_page_key``, per community, language and day, until anything
it shows is saved or deleted anywhere (``page_generation``: a community, its photos,
visits and what they recorded, stage moves, targets, indicators, listings, training
sessions and areas, places, cohorts, a person's name), for ``DASHBOARD_FIGURES_SECONDS``
at most.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from civportal.cache import Generation

from . import charts
from .completeness import completeness, reporting_year, summarise
from .models import Community, Indicator, IndicatorValue, ProgressVisit, Stage

generation = Generation("dashboard-figures")
lists_generation = Generation("dashboard-lists")
page_generation = Generation("community-pages")
STALE_SHOWN = 20
LATEST_VISITS = 10
LATEST_VISIT_FIELDS = (
    "visited_on",
    "community__name_th",
    "community__name_en",
    "officer__full_name",
    "officer__email",
    "officer__login_name",
)
# Part of the key: a release that changes what the figures hold does not read the
# figures an earlier release kept (they would lack its new entries).
LAYOUT = 3
# A User save that touches none of these (a sign-in's last_login) changes no figure.
NAME_FIELDS = {"full_name", "email", "login_name"}


def dashboard_figures(
    communities: QuerySet[Community],
    scope_key: str,
    *,
    officer: bool,
    visits: QuerySet[ProgressVisit],
):
    """The scope-wide figures of a dashboard: ``community_count``, ``stage_counts``,
    ``completeness`` (a ``completeness.Summary``), and for officers ``stale_count``,
    ``stale_communities`` (the ``STALE_SHOWN`` longest waiting), ``stage_chart`` (stages
    per province) and ``latest_visits`` (the ``LATEST_VISITS`` latest of ``visits``, with
    what the list shows of them: date, community, officer; renewed by the same changes)."""
    from .selectors import stage_counts, stage_counts_by_province, stale_communities

    today = timezone.localdate()
    key = (
        f"dashboard-figures:{LAYOUT}:{generation.current()}:{scope_key}:{int(officer)}:{get_language()}:"
        f"{today.isoformat()}"
    )
    figures = cache.get(key)
    if figures is not None:
        return figures
    figures = {
        "community_count": communities.count(),
        "stage_counts": stage_counts(communities),
        "completeness": summarise(completeness(communities, reporting_year(today), today)),
    }
    if officer:
        stale = stale_communities(communities, today)
        figures |= {
            "stale_count": stale.count(),
            "stale_communities": list(stale.select_related(None)[:STALE_SHOWN]),
            "stage_chart": charts.stage_bars(stage_counts_by_province(communities), Stage),
            "latest_visits": list(
                visits.select_related("community", "officer")
                .only(*LATEST_VISIT_FIELDS)
                .order_by("-visited_on", "-id")[:LATEST_VISITS]
            ),
        }
    cache.set(key, figures, settings.DASHBOARD_FIGURES_SECONDS)
    return figures


def kept_community_reporting(community: Community):
    """A community page's reporting rate with its missing and late values
    (``selectors.community_reporting``: three queries over its visits and values), kept
    like the dashboards' figures: per community, language (the gaps name their places) and
    day, renewed by the same changes."""
    from .selectors import community_reporting

    today = timezone.localdate()
    key = (
        f"community-reporting:{LAYOUT}:{generation.current()}:{community.pk}:{get_language()}:"
        f"{today.isoformat()}"
    )
    return cache.get_or_set(
        key, lambda: community_reporting(community, today), settings.DASHBOARD_FIGURES_SECONDS
    )


def dashboard_lists_key(scope_key: str) -> str:
    """What a dashboard's rendered lists are kept under: the scope ("all", or an officer's
    provinces), the language and the day (an MOU "ends within 60 days" of today), in the
    current ``lists_generation``."""
    return (
        f"{LAYOUT}:{lists_generation.current()}:{scope_key}:{get_language()}:"
        f"{timezone.localdate().isoformat()}"
    )


def community_page_key(community: Community) -> str:
    """What a community page's body is kept under: the community, the language and the
    day (this fiscal year's targets), in the current ``page_generation``."""
    return (
        f"{LAYOUT}:{page_generation.current()}:{community.pk}:{get_language()}:"
        f"{timezone.localdate().isoformat()}"
    )


def forget_figures(**_kwargs) -> None:
    """Start new generations: every dashboard counts its figures and renders its lists
    afresh, and every community page its body."""
    generation.renew()
    lists_generation.renew()
    page_generation.renew()


def connect() -> None:
    from django.db.models.signals import m2m_changed

    from accounts.models import User
    from mentorship.models import MOU, MentoringArea, TrainingSession
    from products.models import Product, ProductRevision

    from . import models

    generation.watch(Community, ProgressVisit, IndicatorValue, Indicator)
    generation.watch(User, receiver=generation.changed_if(NAME_FIELDS))
    lists_generation.watch(
        Community, models.Province, models.Organisation, MOU, Product, ProductRevision
    )
    page_generation.watch(
        Community,
        models.CommunityPhoto,
        ProgressVisit,
        models.VisitPhoto,
        IndicatorValue,
        models.ReadinessAssessment,
        models.StageChange,
        models.CommunityIndicator,
        models.CommunityTarget,
        Indicator,
        Product,
        ProductRevision,
        TrainingSession,
        MentoringArea,
        models.Province,
        models.District,
        models.Subdistrict,
        models.Cohort,
    )
    page_generation.watch(User, receiver=page_generation.changed_if(NAME_FIELDS))
    # An MOU covering a community of a province joins that province's officers' lists.
    m2m_changed.connect(
        lists_generation.changed, sender=MOU.communities.through, dispatch_uid="dashboard-lists"
    )
