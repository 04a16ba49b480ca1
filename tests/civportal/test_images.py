"""The shared photo cleaner: a file Pillow cannot decode is a form error, never a 500."""

import pytest
from django.core.exceptions import ValidationError
from PIL import ImageFile

from civportal import images
from tests.communities.helpers import truncated_jpeg


def test_a_truncated_jpeg_fails_validation_although_its_header_is_whole():
    with pytest.raises(ValidationError) as caught:
        images.validate_image_upload(truncated_jpeg())
    assert caught.value.code == "incomplete"


def test_a_truncated_jpeg_is_refused_even_after_weasyprint_relaxed_pillow(monkeypatch):
    # Importing WeasyPrint sets this for the whole process (the worker, or a test run).
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    with pytest.raises(ValidationError) as caught:
        images.validate_image_upload(truncated_jpeg())
    assert caught.value.code == "incomplete"


def test_clean_photo_turns_a_decoding_failure_into_a_form_error(monkeypatch):
    # Even if a damaged file got past validation, processing it must not raise OSError.
    monkeypatch.setattr(images, "validate_image_upload", lambda upload: None)

    with pytest.raises(ValidationError) as caught:
        images.clean_photo(truncated_jpeg())
    assert caught.value.code == "not_an_image"
