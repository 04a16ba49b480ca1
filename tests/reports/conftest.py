import pytest


@pytest.fixture
def media(settings, tmp_path):
    """Report files go to this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
