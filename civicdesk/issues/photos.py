"""Checking photos before they are stored with an issue, and making them safe to publish.

Every interface (citizens' pages, Open311 multipart) passes through `prepare_photo`: the
content must be a JPEG, PNG or WebP that Pillow opens and verifies, within
settings.PHOTO_MAX_BYTES and PHOTO_MAX_PIXELS / PHOTO_MAX_SIDE (read from the header,
before anything is decoded, so a small file declaring a huge image costs nothing). The
stored copy is re-encoded: turned upright by its EXIF orientation, at most
PHOTO_STORED_EDGE pixels, and with no metadata at all (camera make, model and serial
number, owner's name, software, times, XMP, comments) except the GPS position, kept only
when the citizen chose to share the photo's location."""

import io
import secrets
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTOS = 5
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
STORED_QUALITY = 80
GPS_IFD = 0x8825
# What a bad file makes Pillow raise while reading its header or verifying it.
UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


def _too_many_pixels(photo: File) -> ValidationError:
    return ValidationError(
        _("%(name)s: the image is too large (at most %(pixels)s megapixels)")
        % {"name": photo.name, "pixels": settings.PHOTO_MAX_PIXELS // 1_000_000},
        code="too_large",
    )


def _check_dimensions(photo: File, width: int, height: int) -> None:
    if width * height > settings.PHOTO_MAX_PIXELS or max(width, height) > settings.PHOTO_MAX_SIDE:
        raise _too_many_pixels(photo)


def _open(photo: File) -> Image.Image:
    """Open `photo` (header only), refusing decompression bombs as a validation error."""
    photo.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(photo)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(photo) from exc
    except UNREADABLE as exc:
        raise ValidationError(
            _("%(name)s: not a readable image") % {"name": photo.name}, code="unreadable"
        ) from exc
    # Not closed when refused: closing an image closes the upload it reads from.
    _check_dimensions(photo, image.width, image.height)
    return image


def check_photo(photo: File) -> str:
    """Raise ValidationError unless `photo` is a real JPEG, PNG or WebP image of a sane
    size; return its format."""
    if photo.size is not None and photo.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("%(name)s: larger than %(size)s MB")
            % {"name": photo.name, "size": settings.PHOTO_MAX_BYTES // 1024 // 1024},
            code="too_large",
        )
    try:
        with _open(photo) as image:
            found = image.format
            try:
                image.verify()
            except UNREADABLE as exc:
                raise ValidationError(
                    _("%(name)s: not a readable image") % {"name": photo.name}, code="unreadable"
                ) from exc
    finally:
        photo.seek(0)
    if found not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("%(name)s: %(format)s images are not accepted (JPEG, PNG, WebP)")
            % {"name": photo.name, "format": found},
            code="format",
        )
    return found


class PreparedPhoto(ContentFile):
    """A photo `prepare_photo` made: stored as it is."""


def prepare_photos(photos: list[File], *, share_location: bool = False) -> list[PreparedPhoto]:
    """Each photo prepared (see prepare_photo); one ValidationError for all that fail.
    Callers prepare before their transaction: decoding an image takes a while."""
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": [f"at most {MAX_PHOTOS} photos"]})
    prepared, errors = [], []
    for photo in photos:
        try:
            prepared.append(prepare_photo(photo, share_location=share_location))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"photos": errors})
    return prepared


def _kept_metadata(image: Image.Image, share_location: bool) -> Image.Exif:
    kept = Image.Exif()
    if share_location:
        gps = image.getexif().get_ifd(GPS_IFD)
        if gps:
            kept[GPS_IFD] = dict(gps)
    return kept


def _upright_rgb(image: Image.Image) -> Image.Image:
    upright = ImageOps.exif_transpose(image)
    if upright.mode == "RGB":
        return upright
    # Transparent areas of a PNG become white rather than black.
    background = Image.new("RGB", upright.size, "white")
    rgba = upright.convert("RGBA")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def prepare_photo(photo: File, *, share_location: bool = False) -> PreparedPhoto:
    """A checked photo as the JPEG to store: upright, at most PHOTO_STORED_EDGE pixels,
    without metadata but the GPS position when `share_location`."""
    if isinstance(photo, PreparedPhoto):
        return photo
    check_photo(photo)
    edge = settings.PHOTO_STORED_EDGE
    try:
        with _open(photo) as original:
            original.draft("RGB", (edge, edge))  # a JPEG decodes at a fraction of its size
            kept = _kept_metadata(original, share_location)
            try:
                image = _upright_rgb(original)
            except UNREADABLE as exc:  # verify() passes some truncated files
                raise ValidationError(
                    _("%(name)s: not a readable image") % {"name": photo.name},
                    code="unreadable",
                ) from exc
            image.thumbnail((edge, edge))
            out = io.BytesIO()
            extra = {"exif": kept} if kept else {}  # an empty block would still be written
            image.save(out, "JPEG", quality=STORED_QUALITY, optimize=True, **extra)
    finally:
        photo.seek(0)
    # A random name: the citizen's file name may name them (or their street).
    return PreparedPhoto(out.getvalue(), name=f"{secrets.token_hex(8)}.jpg")
