"""Baltimore's council districts loaded as the areas of a `baltimore` jurisdiction, as
`docs/migration.md` does by hand: for the sample's test and the import benchmark."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command

DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "baltimore"
DISTRICTS = DATA / "baltimore_council_districts_2012.geojson"
MAPPING = Path(settings.BASE_DIR) / "civicdesk" / "imports" / "mappings" / "baltimore.toml"


def load_council_districts() -> None:
    call_command(
        "import_areas",
        str(DISTRICTS),
        jurisdiction="baltimore",
        name_property="name",
        code_property="id",
        kind="council_district",
        create_jurisdiction="Baltimore City",
        time_zone="America/New_York",
    )
