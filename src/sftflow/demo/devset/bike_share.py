"""bike_share: a bike-share operator in four cities, 2023-2024 (schema: bike_share.sql).

Chain: trips -> bikes -> stations -> cities. Casual riders have no member id, bikes retire, stations close,
and a few trips never end (the bike was lost).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .common import (
    Rows,
    at,
    busy_hour,
    chronological,
    date,
    day_between,
    email,
    iso_day_between,
    pick,
    seasonal_day,
    stamp,
    unique_people,
    unless,
)

SEED = 101
# city id -> (name, state, launch date, map centre, share of the rides, station names)
CITIES = {
    1: ("Portland", "OR", "2016-07-19", (45.52, -122.68), 45,
        ("Pioneer Square", "Union Station", "Waterfront Park", "Pearl District", "Hawthorne & 12th",
         "Alberta Arts", "OHSU Tram", "Mississippi Ave", "Lloyd Center", "Sellwood Bridge")),
    2: ("Minneapolis", "MN", "2010-06-10", (44.98, -93.27), 28,
        ("Bde Maka Ska", "Stone Arch Bridge", "Nicollet Mall", "Uptown Transit", "Loring Park",
         "Minnehaha Falls", "Dinkytown", "Target Field")),
    3: ("Pittsburgh", "PA", "2015-05-31", (40.44, -79.99), 17,
        ("Market Square", "Point State Park", "Strip District", "Carnegie Mellon", "South Side Works",
         "Lawrenceville", "North Shore")),
    4: ("Madison", "WI", "2011-05-02", (43.07, -89.40), 10,
        ("Capitol Square", "Memorial Union", "Monona Terrace", "Williamson St", "Camp Randall",
         "Hilldale")),
}
CLOSED = {"Sellwood Bridge": "2024-03-31", "Hilldale": "2023-11-15"}
PLANS = (("ANNUAL", "Annual Membership", 8.25, 45, 0.10), ("MONTHLY", "Monthly Pass", 15.0, 30, 0.15),
         ("STUDENT", "Student Annual", 4.5, 45, 0.10), ("EBIKE", "E-Bike Plus", 24.0, 60, 0.08),
         ("ACCESS", "Access Pass", 5.0, None, 0.05))
# Issue -> (repair cost range in USD, which bike types suffer it)
ISSUES = {
    "flat tire": ((8, 22), "classic electric cargo"),
    "brake adjustment": ((15, 48), "classic electric cargo"),
    "battery fault": ((120, 420), "electric"),
    "chain replacement": ((12, 38), "classic cargo"),
    "broken lock": ((25, 65), "classic electric cargo"),
    "vandalism": ((40, 310), "classic electric cargo"),
}
RIDE_MONTHS = (3, 3, 5, 7, 10, 12, 13, 13, 10, 8, 5, 3)
SPEED_KMH = {"classic": 12.0, "electric": 18.0, "cargo": 9.0}
CASUAL_RATE = {"classic": 0.30, "electric": 0.39, "cargo": 0.45}  # USD a minute, after a 1 USD unlock


@dataclass(frozen=True)
class _Network:
    stations: list[tuple]
    bikes: list[tuple]
    members: list[tuple]
    city_of_station: dict[int, int]

    def open_stations(self, city: int, day: str) -> list[int]:
        return [s[0] for s in self.stations if s[1] == city and _in_service(s[6], s[7], day)]


def _in_service(row_start: str, row_end: str | None, day: str) -> bool:
    return row_start <= day and (row_end is None or day < row_end)


def _cities_and_stations(rng: random.Random) -> tuple[list[tuple], list[tuple]]:
    cities, stations = [], []
    for city_id, (name, state, launch, (lat, lon), _, names) in CITIES.items():
        cities.append((city_id, name, state, launch))
        for station_name in names:
            opened = iso_day_between(rng, launch, "2022-06-30")
            stations.append((len(stations) + 1, city_id, station_name, round(lat + rng.uniform(-0.04, 0.04), 5),
                             round(lon + rng.uniform(-0.05, 0.05), 5), rng.randint(8, 34), opened,
                             CLOSED.get(station_name)))
    return cities, stations


def _bikes(rng: random.Random, stations: list[tuple]) -> list[tuple]:
    bikes = []
    for bike_id in range(1, 151):
        kind = pick(rng, {"classic": 60, "electric": 33, "cargo": 7})
        year = rng.randint(2019 if kind == "electric" else 2016, 2023)
        start = day_between(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))
        retired = None
        if rng.random() < 0.08:  # a few bikes were taken out of the fleet during the two years
            retired = day_between(rng, max(start, date("2023-01-01")) + dt.timedelta(days=30),
                                  date("2024-11-30")).isoformat()
        bikes.append((bike_id, rng.choice(stations)[0], kind, year, start.isoformat(), retired))
    return bikes


def _members(rng: random.Random) -> list[tuple]:
    members = []
    for member_id, (first, last) in enumerate(unique_people(rng, 320), 1):
        plan = pick(rng, {"ANNUAL": 40, "MONTHLY": 25, "STUDENT": 15, "EBIKE": 12, "ACCESS": 8})
        city = unless(rng, 0.05, pick, rng, {1: 40, 2: 30, 3: 20, 4: 10})
        address = unless(rng, 0.1, email, first, last, member_id, "mailbox.example")
        birth = unless(rng, 0.12, rng.randint, 1950, 2005)
        joined = iso_day_between(rng, "2018-01-01", "2024-10-31")
        members.append((member_id, f"{first} {last}", address, plan, city, birth, joined))
    return members


def _rider(rng: random.Random, members: list[tuple], day: str) -> tuple | None:
    """A member for about 72% of trips; someone who joins later rides as a casual rider."""
    member = rng.choice(members) if rng.random() < 0.72 else None
    if member is not None and member[6] > day:
        return None
    return member


def _fare(member: tuple | None, kind: str, minutes: int) -> float:
    if member is None:
        return 1.0 + minutes * CASUAL_RATE[kind]
    included, rate = next(p[3:] for p in PLANS if p[0] == member[3])
    return 0.0 if included is None else max(0, minutes - included) * rate


def _trip(rng: random.Random, trip_id: int, net: _Network) -> tuple:
    day = seasonal_day(rng, (2023, 2024), RIDE_MONTHS)
    iso = day.isoformat()
    member = _rider(rng, net.members, iso)
    # members mostly ride in their home city; other rides spread over the cities by their share
    city = member[4] if member is not None and member[4] and rng.random() < 0.9 else \
        rng.choices((1, 2, 3, 4), weights=[c[4] for c in CITIES.values()])[0]
    open_here = net.open_stations(city, iso)
    fleet = [b for b in net.bikes if net.city_of_station[b[1]] == city and _in_service(b[4], b[5], iso)]
    bike = rng.choice(fleet)
    start_station = rng.choice(open_here)
    end_station = start_station if rng.random() < 0.08 else rng.choice(open_here)
    minutes = min(180, max(2, round(rng.lognormvariate(2.5, 0.55) * (1.3 if member is None else 1.0))))
    start = at(rng, day, busy_hour(rng), seconds=True)
    end = start + dt.timedelta(minutes=minutes, seconds=rng.randint(0, 59))
    distance = round(minutes * SPEED_KMH[bike[2]] / 60 * rng.uniform(0.55, 1.0), 2)
    fare = _fare(member, bike[2], minutes)
    if rng.random() < 0.015:  # never docked again: no end, no distance, a lost-bike fee
        end_station, end, distance, fare = None, None, None, 250.0
    return (trip_id, bike[0], member and member[0], start_station, end_station, stamp(start),
            end and stamp(end), distance, round(fare, 2))


def _maintenance_event(rng: random.Random, event_id: int, net: _Network) -> tuple:
    bike = rng.choices(net.bikes, weights=[{"classic": 1, "electric": 3, "cargo": 2}[b[2]] for b in net.bikes])[0]
    first_day = max(date(bike[4]), date("2023-01-01"))
    last_day = date(bike[5]) - dt.timedelta(days=1) if bike[5] else date("2024-12-31")
    day = day_between(rng, first_day, last_day)
    reported = at(rng, day, rng.randint(6, 21))
    issue = rng.choice([i for i, (_, kinds) in ISSUES.items() if bike[2] in kinds.split()])
    here = net.open_stations(net.city_of_station[bike[1]], day.isoformat())
    station = unless(rng, 0.2, rng.choice, here)
    open_case = (day >= date("2024-12-05") and rng.random() < 0.7) or rng.random() < 0.03
    resolved = None if open_case else reported + dt.timedelta(hours=round(rng.lognormvariate(3.0, 1.0), 1))
    cost = None if open_case else round(rng.uniform(*ISSUES[issue][0]), 2)
    return (event_id, bike[0], station, stamp(reported), resolved and stamp(resolved), issue, cost)


def rows(rng: random.Random) -> Rows:
    cities, stations = _cities_and_stations(rng)
    bikes = _bikes(rng, stations)
    net = _Network(stations, bikes, _members(rng), {s[0]: s[1] for s in stations})
    trips = chronological([_trip(rng, trip_id, net) for trip_id in range(1, 1801)], 5)
    events = [_maintenance_event(rng, event_id, net) for event_id in range(1, 261)]
    return {"cities": cities, "membership_plans": list(PLANS), "stations": stations, "bikes": bikes,
            "members": net.members, "trips": trips, "maintenance_events": chronological(events, 3)}
