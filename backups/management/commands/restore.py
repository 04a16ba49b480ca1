from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.archive import restore_backup
from backups.postgres import BackupError


class Command(BaseCommand):
    help = (
        "Restore an archive of `manage.py backup` into this installation's database (which "
        "must be empty: a new database), upload folders and beat schedule file (which must "
        "be empty or absent). --force empties them first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="a civ-backup-*.tar file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="drop everything in the database's public schema and delete the uploaded "
            "files and beat's schedule before restoring (what is there is lost)",
        )

    def handle(self, *args, **options):
        archive = options["archive"]
        if not archive.is_file():
            raise CommandError(f"{archive} is not a file.")
        try:
            manifest = restore_backup(archive, force=options["force"], say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup taken at {manifest['started_at']}. If this code is newer "
                "than the backup, run `manage.py migrate` before starting the portal."
            )
        )
