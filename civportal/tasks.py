from civportal.jobs import periodic_task

from .files import sweep_orphans


@periodic_task
def sweep_orphan_files() -> int:
    """Daily: delete uploaded files that no row has pointed to for a day (civportal.files)."""
    return len(sweep_orphans())
