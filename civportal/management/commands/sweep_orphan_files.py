from django.core.management.base import BaseCommand

from civportal.files import sweep_orphans


class Command(BaseCommand):
    help = (
        "Delete files under MEDIA_ROOT that no row (history rows and report jobs included) "
        "points to and that are older than --hours (default 24). Beat runs it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=24, help="minimum age of a file")
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would go, delete nothing"
        )

    def handle(self, *args, hours, dry_run, **options):
        removed = sweep_orphans(older_than_hours=hours, dry_run=dry_run)
        for name in removed:
            self.stdout.write(name)
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(removed)} orphan file(s)"))
