import pytest

from civicdesk.tests.privacy_world import World, build_world


@pytest.fixture
def marked_world(
    jurisdiction, wards, electricity, roads, programme, dispatcher, settings, tmp_path
) -> World:
    """A city whose every personal field holds a marker (privacy_world)."""
    settings.MEDIA_ROOT = tmp_path
    settings.LIVE_STREAM_SECONDS = 0.05
    settings.LIVE_POLL_SECONDS = 0.01
    return build_world(
        jurisdiction=jurisdiction,
        electricity=electricity,
        roads=roads,
        programme=programme,
        dispatcher=dispatcher,
        settings=settings,
    )
