"""Checking photos before they are stored with an issue."""

from django.core.exceptions import ValidationError
from django.core.files import File
from PIL import Image, UnidentifiedImageError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 5
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# Refuse decompression bombs early: a phone photo is far below this.
MAX_PIXELS = 50_000_000


def check_photo(photo: File) -> str:
    """Raise ValidationError unless `photo` is a real JPEG, PNG or WebP image of a sane
    size; return its format."""
    if photo.size is not None and photo.size > MAX_PHOTO_BYTES:
        raise ValidationError(f"{photo.name}: larger than {MAX_PHOTO_BYTES // 1024 // 1024} MB")
    try:
        photo.seek(0)
        with Image.open(photo) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(f"{photo.name}: the image has too many pixels")
            image.verify()
            found = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(f"{photo.name}: not a readable image") from exc
    finally:
        photo.seek(0)
    if found not in ACCEPTED_FORMATS:
        raise ValidationError(f"{photo.name}: {found} images are not accepted (JPEG, PNG, WebP)")
    return found
