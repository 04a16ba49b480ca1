"""Existing values go to the period of their visit; each single target to the fiscal year
it was set in (the day its current figure was saved, from the row's history, else the day
the community was registered)."""

from django.db import migrations
from django.utils import timezone

from civportal.fiscal import fiscal_year, period_containing

BATCH = 2000


def values_to_periods(apps, schema_editor):
    IndicatorValue = apps.get_model("communities", "IndicatorValue")
    HistoricalIndicatorValue = apps.get_model("communities", "HistoricalIndicatorValue")
    ProgressVisit = apps.get_model("communities", "ProgressVisit")
    Indicator = apps.get_model("communities", "Indicator")
    frequency = dict(Indicator.objects.values_list("pk", "frequency"))

    rows = IndicatorValue.objects.filter(period_start__isnull=True).select_related("visit")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        period = period_containing(row.visit.visited_on, frequency[row.indicator_id])
        row.period_start, row.period_end = period.start, period.end
        row.recorded_at = row.visit.created_at
        batch.append(row)
        if len(batch) >= BATCH:
            IndicatorValue.objects.bulk_update(batch, ["period_start", "period_end", "recorded_at"])
            batch = []
    IndicatorValue.objects.bulk_update(batch, ["period_start", "period_end", "recorded_at"])

    # History rows: the period of the visit when it still exists, else of the day recorded.
    visited = dict(ProgressVisit.objects.values_list("pk", "visited_on"))
    batch = []
    for row in HistoricalIndicatorValue.objects.filter(period_start__isnull=True).iterator(
        chunk_size=BATCH
    ):
        day = visited.get(row.visit_id) or timezone.localtime(row.history_date).date()
        period = period_containing(day, frequency.get(row.indicator_id, "visit"))
        row.period_start, row.period_end = period.start, period.end
        row.recorded_at = row.history_date
        batch.append(row)
        if len(batch) >= BATCH:
            HistoricalIndicatorValue.objects.bulk_update(
                batch, ["period_start", "period_end", "recorded_at"]
            )
            batch = []
    HistoricalIndicatorValue.objects.bulk_update(
        batch, ["period_start", "period_end", "recorded_at"]
    )


def set_on(row, history):
    """The day ``row``'s current target was saved: the oldest history record of the latest
    unbroken run of records carrying that figure."""
    day = None
    for record in history:  # newest first
        if record.target != row.target:
            break
        day = record.history_date
    return day


def targets_to_fiscal_years(apps, schema_editor):
    CommunityIndicator = apps.get_model("communities", "CommunityIndicator")
    CommunityTarget = apps.get_model("communities", "CommunityTarget")
    History = apps.get_model("communities", "HistoricalCommunityIndicator")

    histories = {}
    for record in History.objects.order_by("-history_date", "-history_id").iterator(
        chunk_size=BATCH
    ):
        histories.setdefault(record.id, []).append(record)

    targets = []
    for row in CommunityIndicator.objects.select_related("community").iterator(chunk_size=BATCH):
        moment = set_on(row, histories.get(row.pk, ())) or row.community.created_at
        targets.append(
            CommunityTarget(
                community_id=row.community_id,
                indicator_id=row.indicator_id,
                fiscal_year=fiscal_year(timezone.localtime(moment).date()),
                target=row.target,
            )
        )
    CommunityTarget.objects.bulk_create(targets, batch_size=BATCH, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0008_fiscal_year_targets_and_value_periods"),
    ]

    operations = [
        migrations.RunPython(values_to_periods, migrations.RunPython.noop),
        migrations.RunPython(targets_to_fiscal_years, migrations.RunPython.noop),
    ]
