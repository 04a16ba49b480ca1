from argparse import ArgumentTypeError
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backups.archive import DUMP, create_backup
from backups.postgres import BackupError


def at_least_one(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ArgumentTypeError("keep at least one backup")
    return number


def mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump of the server's own version), the uploaded files and "
        "Celery beat's schedule state into one archive, civ-backup-<UTC time>.tar, with a "
        "manifest of checksums. Restore it with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            help="folder of the archives (default: BACKUP_DIR, i.e. var/backups/)",
        )
        parser.add_argument(
            "--keep",
            type=at_least_one,
            metavar="N",
            help="after a good backup, delete all but the newest N archives in the folder",
        )

    def handle(self, *args, **options):
        output_dir = options["output_dir"] or Path(settings.BACKUP_DIR)
        try:
            backup = create_backup(output_dir, keep=options["keep"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = backup.manifest
        uploads = [entry for name, entry in manifest["files"].items() if name.startswith("files/")]
        beat = any(name.startswith("beat/") for name in manifest["files"])
        database = manifest["database"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {backup.path} ({mib(backup.path.stat().st_size)}) in "
                f"{backup.seconds:.1f} s: database of PostgreSQL {database['server_version']} "
                f"({mib(manifest['files'][DUMP]['size'])}), "
                f"{len(uploads)} uploaded files ({mib(sum(e['size'] for e in uploads))}), "
                f"beat schedule {'included' if beat else 'not found'}."
            )
        )
        if manifest["missing_files"]:
            self.stderr.write(
                self.style.WARNING(
                    f"{len(manifest['missing_files'])} files that rows name were not on disk "
                    f"(listed in the manifest): {', '.join(manifest['missing_files'][:10])}"
                )
            )
        for path in backup.removed:
            self.stdout.write(f"Removed the older backup {path.name} (--keep {options['keep']}).")
