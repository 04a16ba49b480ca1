import time

from django.core.management.base import BaseCommand

from communities.geography import load_geography


class Command(BaseCommand):
    help = (
        "Load every Thai province, district and subdistrict (official DOPA codes, postal "
        "codes) from the geothai package. Safe to run again: existing rows are updated."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = load_geography()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {counts['provinces']} provinces, {counts['districts']} districts, "
                f"{counts['subdistricts']} subdistricts in {elapsed:.1f} s."
            )
        )
