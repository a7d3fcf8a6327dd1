"""Distances for "near this point" searches: the box holds the circle, the distance is
the great-circle one."""

from civicdesk.places.distance import box_around, distance_metres

CARLTON_CENTRE = (-26.2056, 28.0470)
PARK_STATION = (-26.1953, 28.0423)  # about 1.24 km north-north-west


def test_the_distance_between_two_johannesburg_landmarks():
    assert round(distance_metres(*CARLTON_CENTRE, *PARK_STATION)) in range(1230, 1260)
    assert distance_metres(*CARLTON_CENTRE, *CARLTON_CENTRE) == 0


def test_the_box_holds_every_point_of_the_circle():
    box = box_around(*CARLTON_CENTRE, 1300, prefix="issue__")
    (south, north), (west, east) = box["issue__lat__range"], box["issue__lon__range"]
    assert south < PARK_STATION[0] < north and west < PARK_STATION[1] < east
    # 1,300 m is about 0.0117 degrees of latitude and, at 26° south, 0.0130 of longitude.
    assert round(north - CARLTON_CENTRE[0], 4) == 0.0117
    assert round(east - CARLTON_CENTRE[1], 4) == 0.013
