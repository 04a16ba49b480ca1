"""Storage faults for upload tests: a folder that cannot be written, and what is left on disk.

Tests run as root in CI, where ``chmod`` does not stop a write; a plain file standing where
an upload folder should be makes the write fail for every user, as an unwritable or
missing mount would.
"""

from pathlib import Path

from django.utils import timezone


def block_upload_folder(media_root: Path, folder: str) -> Path:
    """Make writes under ``<folder>/<yyyy>/<mm>/`` (``civportal.files.UploadTo``) fail."""
    blocker = Path(media_root, folder, f"{timezone.now():%Y}", f"{timezone.now():%m}")
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_bytes(b"")
    return blocker


def files_under(media_root: Path, *, besides=()) -> list[str]:
    """Every file under MEDIA_ROOT (relative names), leaving out ``besides``."""
    root = Path(media_root)
    if not root.exists():
        return []
    skip = {Path(path) for path in besides}
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and path not in skip
    )
