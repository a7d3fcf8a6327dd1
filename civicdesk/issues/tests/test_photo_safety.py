"""Photos made safe to publish, through each upload interface (the citizens' report page
and Open311 multipart): metadata stripped (the GPS position kept only when the citizen
shares it), turned upright, type checked by content, sizes limited, bombs refused.
Open311's uploads: open311/tests/test_post_photos.py."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civicdesk.issues.models import Issue, Photo
from conftest import CARLTON_CENTRE

DETAILS = "/report/jhb/power-outage/details/"
GPS = {1: "S", 2: (26.0, 12.0, 20.16), 3: "E", 4: (28.0, 2.0, 49.2)}
MAKE, MODEL, ARTIST, ORIENTATION = 0x010F, 0x0110, 0x013B, 0x0112
EXIF_IFD, BODY_SERIAL, OWNER = 0x8769, 0xA431, 0xA430


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def camera_jpeg(name="pole.jpg") -> SimpleUploadedFile:
    """A 60x40 phone photo, to be shown rotated (Orientation 6), with where and on what
    camera, by whom, it was taken."""
    exif = Image.Exif()
    exif[MAKE], exif[MODEL], exif[ARTIST] = "Acme", "Phone X", "Lerato Mokoena"
    exif[ORIENTATION] = 6
    exif[EXIF_IFD] = {BODY_SERIAL: "SN-998877", OWNER: "Lerato Mokoena"}
    exif[0x8825] = GPS
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 60, 30)).save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def png_declaring(width: int, height: int) -> SimpleUploadedFile:
    """A PNG of a few dozen bytes whose header declares width x height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 64)
    data = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("bomb.png", data, content_type="image/png")


def stored_exif(photo: Photo) -> tuple[tuple[int, int], dict, dict, dict]:
    with Image.open(photo.image.path) as image:
        exif = image.getexif()
        return image.size, dict(exif), dict(exif.get_ifd(0x8825)), dict(exif.get_ifd(EXIF_IFD))


def web_report(client, photo, **extra):
    return client.post(
        DETAILS,
        {
            "lat": str(CARLTON_CENTRE[0]),
            "lon": str(CARLTON_CENTRE[1]),
            "q_extent": "street",
            "email": "lerato@example.org",
            "key": "photo-report-0001",
            "photos": photo,
            **extra,
        },
    )


def test_the_page_strips_everything_by_default(client, wards, electricity):
    assert web_report(client, camera_jpeg()).status_code == 302
    size, tags, gps, camera = stored_exif(Photo.objects.get())
    assert size == (40, 60)  # turned upright before the orientation went
    assert tags == {} and gps == {} and camera == {}


def test_the_page_keeps_only_the_position_when_the_citizen_shares_it(client, wards, electricity):
    page = client.get(f"{DETAILS}?lat={CARLTON_CENTRE[0]}&lon={CARLTON_CENTRE[1]}")
    assert "Share the photos" in page.content.decode()
    response = web_report(client, camera_jpeg(), share_photo_location="on")
    assert response.status_code == 302
    size, tags, gps, camera = stored_exif(Photo.objects.get())
    assert size == (40, 60)
    assert gps == GPS
    assert set(tags) == {0x8825}  # no make, model, artist or orientation
    assert camera == {}  # no serial number, no owner's name
    with open(Photo.objects.get().image.path, "rb") as stored:
        assert b"Lerato" not in stored.read()


@pytest.mark.parametrize(
    ("declared", "pillow_limit"),
    [
        ((9000, 9000), None),  # past PHOTO_MAX_PIXELS, below Pillow's own limit
        ((12000, 12000), 1_000_000_000),  # within Pillow's limit raised, past ours
        ((10000, 10000), None),  # Pillow's DecompressionBombWarning
        ((20000, 20000), None),  # Pillow's DecompressionBombError
        ((65000, 100), None),  # a side past PHOTO_MAX_SIDE
    ],
)
def test_bombs_are_refused_on_the_page(client, wards, electricity, declared, pillow_limit):
    if pillow_limit:
        Image.MAX_IMAGE_PIXELS, saved = pillow_limit, Image.MAX_IMAGE_PIXELS
    try:
        response = web_report(client, png_declaring(*declared))
    finally:
        if pillow_limit:
            Image.MAX_IMAGE_PIXELS = saved
    assert response.status_code == 400
    assert "bomb.png: the image is too large (at most 50 megapixels)" in response.content.decode()
    assert not Issue.objects.exists()


def test_limits_come_from_settings(client, wards, electricity, settings):
    settings.PHOTO_MAX_PIXELS = 1000
    response = web_report(client, camera_jpeg())
    assert response.status_code == 400
    assert "pole.jpg: the image is too large (at most 0 megapixels)" in response.content.decode()
    settings.PHOTO_MAX_PIXELS, settings.PHOTO_MAX_BYTES = 50_000_000, 100
    response = web_report(client, camera_jpeg())
    assert response.status_code == 400 and "pole.jpg: larger than 0 MB" in response.content.decode()
    assert not Issue.objects.exists()


def test_content_decides_the_type_not_the_name(client, wards, electricity):
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(out, "WEBP")
    webp = SimpleUploadedFile("looks-like.gif", out.getvalue(), content_type="image/gif")
    assert web_report(client, webp).status_code == 302
    with Image.open(Photo.objects.get().image.path) as stored:
        assert stored.format == "JPEG" and stored.size == (30, 20)
    script = SimpleUploadedFile("cat.jpg", b"\xff\xd8\xff<script>", content_type="image/jpeg")
    refused = web_report(client, script, key="photo-report-0002")
    assert refused.status_code == 400 and Issue.objects.count() == 1
