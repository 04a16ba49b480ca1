"""Each community's responsible officer is the officer who registered it, where its history
says who that was."""

from django.db import migrations


def responsible_from_registrant(apps, schema_editor):
    Community = apps.get_model("communities", "Community")
    History = apps.get_model("communities", "HistoricalCommunity")
    registrants = dict(
        History.objects.filter(history_type="+", history_user__role="officer").values_list(
            "id", "history_user_id"
        )
    )
    rows = list(Community.objects.filter(responsible_officer__isnull=True, pk__in=registrants))
    for community in rows:
        community.responsible_officer_id = registrants[community.pk]
    Community.objects.bulk_update(rows, ["responsible_officer"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0011_responsible_officer_head_officer_reminders"),
    ]

    operations = [
        migrations.RunPython(responsible_from_registrant, migrations.RunPython.noop),
    ]
