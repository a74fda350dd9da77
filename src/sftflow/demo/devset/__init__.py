"""A hand-written text-to-SQL development set over realistic multi-table SQLite databases.

The demo trains on rows from ``sftflow.demo.sql_data``: two-table schemas, templated questions. This
set measures whether that training transfers to questions an analyst would ask of a real database:
five to fifteen tables joined by foreign-key chains, NULLs, dates and datetimes, and questions and
gold SQL written by hand (``questions.jsonl``). None of its domains is one the generator uses.

Row data is made by seeded code, one ``random.Random(seed)`` per database, so the gold queries
always see the same rows: the contents (and their fingerprint) are the same on every machine, and
the file bytes are the same from build to build under one SQLite library version.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import random
import sqlite3
import zlib
from pathlib import Path

QUESTIONS_PATH = Path(__file__).resolve().parent / "questions.jsonl"

_FIRST = ("Amara", "Ben", "Chloe", "Dmitri", "Elena", "Felix", "Gemma", "Hassan", "Isla", "Jonah",
          "Keiko", "Lars", "Maya", "Nikhil", "Olivia", "Pablo", "Quinn", "Rosa", "Samir", "Tessa",
          "Umar", "Vera", "Wes", "Ximena", "Yusuf", "Zoe", "Aidan", "Bianca", "Cyrus", "Daria",
          "Emeka", "Freya", "Gabriel", "Hana", "Ivan", "Jasmine", "Kofi", "Lucia", "Mateo", "Nora",
          "Oskar", "Priya", "Rafael", "Sienna", "Theo", "Valentina", "Wei", "Yara")
_LAST = ("Abbott", "Bergstrom", "Castillo", "Dubois", "Eriksen", "Fischer", "Gallagher", "Haddad",
         "Ibarra", "Jovanovic", "Kowalski", "Laurent", "Mbeki", "Nakamura", "O'Connor", "Petrov",
         "Quintero", "Rossi", "Sandoval", "Takahashi", "Underwood", "Varga", "Whitfield", "Xu",
         "Yilmaz", "Zimmerman", "Adeyemi", "Bauer", "Chowdhury", "Delgado", "Esposito", "Fontaine",
         "Greene", "Horvath", "Iqbal", "Jensen", "Kaur", "Lindgren", "Moreno", "Novak", "Okafor",
         "Park", "Ramirez", "Schultz", "Tanaka", "Volkov", "Walsh", "Yamada")


# ---------------------------------------------------------------------------------------------
# Small helpers shared by the database builders.


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _pick(rng: random.Random, weighted: dict):
    """One key of ``weighted`` (value -> weight)."""
    return rng.choices(tuple(weighted), weights=tuple(weighted.values()))[0]


def _seasonal_day(rng: random.Random, years: tuple[int, ...], month_weights: tuple[int, ...]) -> dt.date:
    year = rng.choice(years)
    month = rng.choices(range(1, 13), weights=month_weights)[0]
    return dt.date(year, month, rng.randint(1, calendar.monthrange(year, month)[1]))


def _unique_people(rng: random.Random, n: int) -> list[tuple[str, str]]:
    """n distinct (first, last) name pairs, so a question can name a person unambiguously."""
    pairs = [(f, s) for f in _FIRST for s in _LAST]
    return rng.sample(pairs, n)


def _chronological(rows: list[tuple], col: int) -> list[tuple]:
    """Rows sorted by column ``col`` and renumbered 1..n: ids follow the calendar as in a live system."""
    rows = sorted(rows, key=lambda r: (r[col], r[0]))
    return [(i,) + r[1:] for i, r in enumerate(rows, 1)]


def _email(first: str, last: str, n: int, domain: str) -> str:
    return f"{first}.{last}{n}@{domain}".lower().replace("'", "")


# ---------------------------------------------------------------------------------------------
# bike_share: a bike-share operator in four cities. Chain: trips -> bikes -> stations -> cities.

_BIKE_SHARE_SCHEMA = """
CREATE TABLE cities (
    city_id INTEGER PRIMARY KEY,
    city_name TEXT NOT NULL,
    state_code TEXT NOT NULL,
    system_launch_date TEXT NOT NULL
);
CREATE TABLE membership_plans (
    plan_code TEXT PRIMARY KEY,
    plan_name TEXT NOT NULL,
    monthly_fee REAL NOT NULL,
    included_minutes INTEGER,
    overage_rate_per_minute REAL NOT NULL
);
CREATE TABLE stations (
    station_id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL,
    station_name TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    dock_count INTEGER NOT NULL,
    opened_date TEXT NOT NULL,
    closed_date TEXT,
    FOREIGN KEY (city_id) REFERENCES cities (city_id)
);
CREATE TABLE bikes (
    bike_id INTEGER PRIMARY KEY,
    home_station_id INTEGER NOT NULL,
    bike_type TEXT NOT NULL,
    model_year INTEGER NOT NULL,
    in_service_date TEXT NOT NULL,
    retired_date TEXT,
    FOREIGN KEY (home_station_id) REFERENCES stations (station_id)
);
CREATE TABLE members (
    member_id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL,
    email TEXT,
    plan_code TEXT NOT NULL,
    home_city_id INTEGER,
    birth_year INTEGER,
    join_date TEXT NOT NULL,
    FOREIGN KEY (plan_code) REFERENCES membership_plans (plan_code),
    FOREIGN KEY (home_city_id) REFERENCES cities (city_id)
);
CREATE TABLE trips (
    trip_id INTEGER PRIMARY KEY,
    bike_id INTEGER NOT NULL,
    member_id INTEGER,
    start_station_id INTEGER NOT NULL,
    end_station_id INTEGER,
    start_time TEXT NOT NULL,
    end_time TEXT,
    distance_km REAL,
    fare_usd REAL NOT NULL,
    FOREIGN KEY (bike_id) REFERENCES bikes (bike_id),
    FOREIGN KEY (member_id) REFERENCES members (member_id),
    FOREIGN KEY (start_station_id) REFERENCES stations (station_id),
    FOREIGN KEY (end_station_id) REFERENCES stations (station_id)
);
CREATE TABLE maintenance_events (
    event_id INTEGER PRIMARY KEY,
    bike_id INTEGER NOT NULL,
    station_id INTEGER,
    reported_at TEXT NOT NULL,
    resolved_at TEXT,
    issue_type TEXT NOT NULL,
    repair_cost_usd REAL,
    FOREIGN KEY (bike_id) REFERENCES bikes (bike_id),
    FOREIGN KEY (station_id) REFERENCES stations (station_id)
);
"""

# city id -> (name, state, launch date, map centre, station names, share of the rides)
_BIKE_CITIES = {
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
_BIKE_CLOSED = {"Sellwood Bridge": "2024-03-31", "Hilldale": "2023-11-15"}
_BIKE_PLANS = (("ANNUAL", "Annual Membership", 8.25, 45, 0.10), ("MONTHLY", "Monthly Pass", 15.0, 30, 0.15),
               ("STUDENT", "Student Annual", 4.5, 45, 0.10), ("EBIKE", "E-Bike Plus", 24.0, 60, 0.08),
               ("ACCESS", "Access Pass", 5.0, None, 0.05))
# Issue -> (repair cost range in USD, which bike types suffer it)
_BIKE_ISSUES = {
    "flat tire": ((8, 22), "classic electric cargo"),
    "brake adjustment": ((15, 48), "classic electric cargo"),
    "battery fault": ((120, 420), "electric"),
    "chain replacement": ((12, 38), "classic cargo"),
    "broken lock": ((25, 65), "classic electric cargo"),
    "vandalism": ((40, 310), "classic electric cargo"),
}
_RIDE_HOURS = (1, 1, 1, 1, 1, 2, 5, 12, 16, 9, 6, 7, 9, 8, 7, 9, 13, 17, 12, 8, 5, 3, 2, 1)
_RIDE_MONTHS = (3, 3, 5, 7, 10, 12, 13, 13, 10, 8, 5, 3)


def _in_service(row_start: str, row_end: str | None, day: str) -> bool:
    return row_start <= day and (row_end is None or day < row_end)


def _bike_share_rows(rng: random.Random) -> dict[str, list[tuple]]:
    cities, stations = [], []
    for city_id, (name, state, launch, (lat, lon), _, names) in _BIKE_CITIES.items():
        cities.append((city_id, name, state, launch))
        for station_name in names:
            opened = _day_between(rng, _date(launch), _date("2022-06-30")).isoformat()
            stations.append((len(stations) + 1, city_id, station_name, round(lat + rng.uniform(-0.04, 0.04), 5),
                             round(lon + rng.uniform(-0.05, 0.05), 5), rng.randint(8, 34), opened,
                             _BIKE_CLOSED.get(station_name)))
    city_of_station = {s[0]: s[1] for s in stations}

    bikes = []
    for bike_id in range(1, 151):
        kind = _pick(rng, {"classic": 60, "electric": 33, "cargo": 7})
        year = rng.randint(2019 if kind == "electric" else 2016, 2023)
        start = _day_between(rng, dt.date(year, 1, 1), dt.date(year, 12, 31))
        retired = None
        if rng.random() < 0.08:  # a few bikes were taken out of the fleet during the two years
            retired = _day_between(rng, max(start, _date("2023-01-01")) + dt.timedelta(days=30),
                                   _date("2024-11-30")).isoformat()
        bikes.append((bike_id, rng.choice(stations)[0], kind, year, start.isoformat(), retired))

    members = []
    people = _unique_people(rng, 320)
    for member_id, (first, last) in enumerate(people, 1):
        plan = _pick(rng, {"ANNUAL": 40, "MONTHLY": 25, "STUDENT": 15, "EBIKE": 12, "ACCESS": 8})
        city = None if rng.random() < 0.05 else rng.choices((1, 2, 3, 4), weights=(40, 30, 20, 10))[0]
        email = None if rng.random() < 0.1 else _email(first, last, member_id, "mailbox.example")
        birth = None if rng.random() < 0.12 else rng.randint(1950, 2005)
        joined = _day_between(rng, _date("2018-01-01"), _date("2024-10-31")).isoformat()
        members.append((member_id, f"{first} {last}", email, plan, city, birth, joined))
    plans = {p[0]: p for p in _BIKE_PLANS}

    trips = []
    for trip_id in range(1, 1801):
        day = _seasonal_day(rng, (2023, 2024), _RIDE_MONTHS)
        iso = day.isoformat()
        member = rng.choice(members) if rng.random() < 0.72 else None
        if member is not None and member[6] > iso:  # not a member yet: rode as a casual rider
            member = None
        city = member[4] if member is not None and member[4] and rng.random() < 0.9 else \
            rng.choices((1, 2, 3, 4), weights=[c[4] for c in _BIKE_CITIES.values()])[0]
        open_here = [s[0] for s in stations if s[1] == city and _in_service(s[6], s[7], iso)]
        fleet = [b for b in bikes if city_of_station[b[1]] == city and _in_service(b[4], b[5], iso)]
        bike = rng.choice(fleet)
        start_station = rng.choice(open_here)
        end_station = start_station if rng.random() < 0.08 else rng.choice(open_here)
        minutes = min(180, max(2, round(rng.lognormvariate(2.5, 0.55) * (1.3 if member is None else 1.0))))
        start = dt.datetime.combine(day, dt.time(rng.choices(range(24), weights=_RIDE_HOURS)[0],
                                                 rng.randint(0, 59), rng.randint(0, 59)))
        end = start + dt.timedelta(minutes=minutes, seconds=rng.randint(0, 59))
        speed = {"classic": 12.0, "electric": 18.0, "cargo": 9.0}[bike[2]]
        distance = round(minutes * speed / 60 * rng.uniform(0.55, 1.0), 2)
        if member is None:
            fare = 1.0 + minutes * {"classic": 0.30, "electric": 0.39, "cargo": 0.45}[bike[2]]
        else:
            included, rate = plans[member[3]][3], plans[member[3]][4]
            fare = 0.0 if included is None else max(0, minutes - included) * rate
        if rng.random() < 0.015:  # never docked again: no end, no distance, a lost-bike fee
            end_station, end, distance, fare = None, None, None, 250.0
        trips.append((trip_id, bike[0], member and member[0], start_station, end_station, _stamp(start),
                      end and _stamp(end), distance, round(fare, 2)))

    trips = _chronological(trips, 5)

    events = []
    for event_id in range(1, 261):
        bike = rng.choices(bikes, weights=[{"classic": 1, "electric": 3, "cargo": 2}[b[2]] for b in bikes])[0]
        first_day = max(_date(bike[4]), _date("2023-01-01"))
        last_day = _date(bike[5]) - dt.timedelta(days=1) if bike[5] else _date("2024-12-31")
        day = _day_between(rng, first_day, last_day)
        reported = dt.datetime.combine(day, dt.time(rng.randint(6, 21), rng.randint(0, 59), 0))
        issue = rng.choice([i for i, (_, kinds) in _BIKE_ISSUES.items() if bike[2] in kinds.split()])
        city = city_of_station[bike[1]]
        here = [s[0] for s in stations if s[1] == city and _in_service(s[6], s[7], day.isoformat())]
        station = None if rng.random() < 0.2 else rng.choice(here)
        open_case = (day >= _date("2024-12-05") and rng.random() < 0.7) or rng.random() < 0.03
        resolved = None if open_case else reported + dt.timedelta(hours=round(rng.lognormvariate(3.0, 1.0), 1))
        cost = None if open_case else round(rng.uniform(*_BIKE_ISSUES[issue][0]), 2)
        events.append((event_id, bike[0], station, _stamp(reported), resolved and _stamp(resolved), issue, cost))

    return {"cities": cities, "membership_plans": list(_BIKE_PLANS), "stations": stations, "bikes": bikes,
            "members": members, "trips": trips, "maintenance_events": _chronological(events, 3)}


# ---------------------------------------------------------------------------------------------
# veterinary_clinic: three clinics of one practice. Chain: treatments -> appointments -> pets
# -> breeds -> species, and appointments -> veterinarians -> clinics.

_VETERINARY_SCHEMA = """
CREATE TABLE clinics (
    clinic_id INTEGER PRIMARY KEY,
    clinic_name TEXT NOT NULL,
    city TEXT NOT NULL,
    phone TEXT NOT NULL,
    opened_date TEXT NOT NULL
);
CREATE TABLE veterinarians (
    vet_id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    specialty TEXT,
    license_number TEXT NOT NULL,
    hire_date TEXT NOT NULL,
    FOREIGN KEY (clinic_id) REFERENCES clinics (clinic_id)
);
CREATE TABLE owners (
    owner_id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT,
    phone TEXT NOT NULL,
    city TEXT NOT NULL,
    preferred_clinic_id INTEGER,
    registered_date TEXT NOT NULL,
    FOREIGN KEY (preferred_clinic_id) REFERENCES clinics (clinic_id)
);
CREATE TABLE species (
    species_id INTEGER PRIMARY KEY,
    common_name TEXT NOT NULL,
    typical_lifespan_years INTEGER NOT NULL
);
CREATE TABLE breeds (
    breed_id INTEGER PRIMARY KEY,
    species_id INTEGER NOT NULL,
    breed_name TEXT NOT NULL,
    size_class TEXT,
    FOREIGN KEY (species_id) REFERENCES species (species_id)
);
CREATE TABLE pets (
    pet_id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL,
    breed_id INTEGER NOT NULL,
    pet_name TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date TEXT,
    weight_kg REAL NOT NULL,
    is_neutered INTEGER NOT NULL,
    microchip_number TEXT,
    FOREIGN KEY (owner_id) REFERENCES owners (owner_id),
    FOREIGN KEY (breed_id) REFERENCES breeds (breed_id)
);
CREATE TABLE procedures (
    procedure_code TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    list_price REAL NOT NULL
);
CREATE TABLE appointments (
    appointment_id INTEGER PRIMARY KEY,
    pet_id INTEGER NOT NULL,
    vet_id INTEGER NOT NULL,
    scheduled_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    FOREIGN KEY (pet_id) REFERENCES pets (pet_id),
    FOREIGN KEY (vet_id) REFERENCES veterinarians (vet_id)
);
CREATE TABLE treatments (
    treatment_id INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL,
    procedure_code TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    charged_amount REAL NOT NULL,
    FOREIGN KEY (appointment_id) REFERENCES appointments (appointment_id),
    FOREIGN KEY (procedure_code) REFERENCES procedures (procedure_code)
);
CREATE TABLE invoices (
    invoice_id INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL UNIQUE,
    issued_date TEXT NOT NULL,
    total_amount REAL NOT NULL,
    paid_date TEXT,
    payment_method TEXT,
    FOREIGN KEY (appointment_id) REFERENCES appointments (appointment_id)
);
CREATE TABLE vaccinations (
    vaccination_id INTEGER PRIMARY KEY,
    pet_id INTEGER NOT NULL,
    vet_id INTEGER NOT NULL,
    vaccine_name TEXT NOT NULL,
    administered_date TEXT NOT NULL,
    next_due_date TEXT,
    lot_number TEXT NOT NULL,
    FOREIGN KEY (pet_id) REFERENCES pets (pet_id),
    FOREIGN KEY (vet_id) REFERENCES veterinarians (vet_id)
);
"""

_VET_CLINICS = ((1, "Riverbend Animal Hospital", "Eugene", "541-555-0142", "2004-03-15"),
                (2, "High Desert Veterinary", "Bend", "541-555-0199", "2011-09-01"),
                (3, "Capitol Pet Clinic", "Salem", "503-555-0117", "2017-06-12"))
_VET_TOWNS = {1: ("Eugene", "Springfield"), 2: ("Bend", "Redmond"), 3: ("Salem", "Keizer")}
_VET_STAFF = (
    (1, "Miriam", "Okafor", "Surgery", "2006-05-01"),
    (1, "Daniel", "Brandt", None, "2012-08-20"),
    (1, "Priya", "Raman", "Dermatology", "2015-02-09"),
    (1, "Tomas", "Vega", None, "2019-10-14"),
    (1, "Hannah", "Lindqvist", "Dentistry", "2021-03-01"),
    (2, "Grant", "Whitaker", "Internal Medicine", "2011-09-01"),
    (2, "Sofia", "Moreau", "Exotics", "2014-06-16"),
    (2, "Kenji", "Watanabe", None, "2018-01-08"),
    (2, "Leah", "Cohen", None, "2022-07-11"),
    (3, "Aisha", "Bello", "Surgery", "2017-06-12"),
    (3, "Marcus", "Delaney", None, "2017-09-05"),
    (3, "Ingrid", "Halvorsen", "Exotics", "2020-04-20"),
    (3, "Noah", "Fitzgerald", None, "2023-09-18"),
)
_VET_SPECIES = ((1, "Dog", 12), (2, "Cat", 15), (3, "Rabbit", 9), (4, "Bird", 18), (5, "Lizard", 12))
# (species id, breed, size class, weight range in kg)
_VET_BREEDS = (
    (1, "Labrador Retriever", "large", (25, 36)),
    (1, "German Shepherd", "large", (22, 40)),
    (1, "Beagle", "medium", (9, 14)),
    (1, "Border Collie", "medium", (14, 22)),
    (1, "French Bulldog", "small", (8, 14)),
    (1, "Dachshund", "small", (7, 12)),
    (1, "Mixed Breed Dog", "medium", (8, 35)),
    (2, "Domestic Shorthair", "medium", (3.5, 6.5)),
    (2, "Maine Coon", "large", (5.5, 10)),
    (2, "Siamese", "small", (3, 5.5)),
    (2, "Ragdoll", "large", (4.5, 9)),
    (2, "British Shorthair", "medium", (4, 8)),
    (3, "Holland Lop", "small", (1.3, 2.0)),
    (3, "Flemish Giant", "large", (6, 9)),
    (3, "Netherland Dwarf", "small", (0.8, 1.3)),
    (4, "Budgerigar", None, (0.03, 0.045)),
    (4, "Cockatiel", None, (0.08, 0.11)),
    (4, "African Grey", None, (0.4, 0.55)),
    (5, "Bearded Dragon", None, (0.35, 0.6)),
    (5, "Leopard Gecko", None, (0.05, 0.08)),
)
_PET_NAMES = ("Max", "Bella", "Luna", "Charlie", "Milo", "Daisy", "Oliver", "Coco", "Rocky", "Pepper",
              "Biscuit", "Nala", "Ziggy", "Mango", "Kiwi", "Spike", "Thumper", "Juniper", "Olive", "Bruno",
              "Willow", "Scout", "Maple", "Finn", "Hazel", "Tofu", "Pickles", "Sage", "Bear", "Cleo",
              "Gizmo", "Poppy", "Rusty", "Sunny", "Waffles", "Zeus", "Mochi", "Indie", "Basil", "Toast")
_VET_PROCEDURES = (
    ("EX-WELL", "Wellness exam", "Exam", 65.0),
    ("EX-SICK", "Sick visit exam", "Exam", 78.0),
    ("EX-RECHK", "Recheck exam", "Exam", 40.0),
    ("VX-RAB", "Rabies vaccine", "Vaccine", 32.0),
    ("VX-DHPP", "DHPP vaccine", "Vaccine", 38.0),
    ("VX-BORD", "Bordetella vaccine", "Vaccine", 29.0),
    ("VX-FVRCP", "FVRCP vaccine", "Vaccine", 36.0),
    ("VX-RHDV", "RHDV2 vaccine", "Vaccine", 45.0),
    ("LAB-CBC", "Complete blood count", "Laboratory", 85.0),
    ("LAB-UA", "Urinalysis", "Laboratory", 55.0),
    ("IMG-XR", "Radiograph", "Imaging", 160.0),
    ("IMG-US", "Abdominal ultrasound", "Imaging", 320.0),
    ("DEN-CLN", "Dental cleaning", "Dental", 420.0),
    ("DEN-EXT", "Tooth extraction", "Dental", 180.0),
    ("SUR-SPAY", "Spay surgery", "Surgery", 450.0),
    ("SUR-NEUT", "Neuter surgery", "Surgery", 320.0),
    ("SUR-MASS", "Mass removal", "Surgery", 780.0),
    ("DERM-CYT", "Skin cytology", "Dermatology", 60.0),
    ("RX-NSAID", "Anti-inflammatory prescription", "Pharmacy", 28.0),
    ("RX-ABX", "Antibiotic course", "Pharmacy", 42.0),
    ("GR-NAIL", "Nail trim", "Grooming", 18.0),
    ("GR-BEAK", "Beak trim", "Grooming", 25.0),
)
# vaccine code -> (name on the certificate, days until the booster is due)
_VACCINES = {"VX-RAB": ("Rabies", 1095), "VX-DHPP": ("DHPP", 365), "VX-BORD": ("Bordetella", 365),
             "VX-FVRCP": ("FVRCP", 365), "VX-RHDV": ("RHDV2", 365)}
_SPECIES_VACCINES = {1: ("VX-RAB", "VX-DHPP", "VX-BORD"), 2: ("VX-RAB", "VX-FVRCP"), 3: ("VX-RHDV",), 4: (), 5: ()}
_VET_REASONS = {"Annual wellness exam": 33, "Vaccination": 14, "Skin irritation": 8, "Limping": 7,
                "Vomiting or diarrhea": 8, "Dental cleaning": 7, "Ear infection": 6, "Spay or neuter": 4,
                "Lump check": 5, "Follow-up visit": 6, "Nail or beak trim": 2}


def _vet_procedures(rng: random.Random, reason: str, species: int, sex: str) -> list[tuple[str, int]]:
    """The (procedure code, quantity) list a completed visit for ``reason`` bills."""
    vaccines = list(_SPECIES_VACCINES[species])
    chance = {"LAB-CBC": 0.3, "GR-NAIL": 0.2}
    if reason == "Annual wellness exam":
        out = [("EX-WELL", 1)] + [(v, 1) for v in vaccines if rng.random() < 0.5]
        out += [(c, 1) for c, p in chance.items() if rng.random() < p]
    elif reason == "Vaccination":
        if vaccines:
            out = [(v, 1) for v in rng.sample(vaccines, rng.randint(1, len(vaccines)))]
        else:  # birds and lizards get no routine shots: the visit becomes a check-up
            out = [("EX-WELL", 1)]
    elif reason == "Skin irritation":
        out = [("EX-SICK", 1), ("DERM-CYT", 1)] + ([("RX-ABX", 1)] if rng.random() < 0.5 else [])
    elif reason == "Limping":
        x_rays = [("IMG-XR", rng.randint(1, 3))] if rng.random() < 0.7 else []
        out = [("EX-SICK", 1)] + x_rays + [("RX-NSAID", 1)]
    elif reason == "Vomiting or diarrhea":
        out = [("EX-SICK", 1)] + [(c, 1) for c, p in (("LAB-CBC", 0.6), ("IMG-US", 0.2), ("LAB-UA", 0.3))
                                  if rng.random() < p]
    elif reason == "Dental cleaning":
        out = [("DEN-CLN", 1)] + ([("DEN-EXT", rng.randint(1, 4))] if rng.random() < 0.35 else [])
    elif reason == "Ear infection":
        out = [("EX-SICK", 1), ("RX-ABX", 1)]
    elif reason == "Spay or neuter":
        out = [("SUR-SPAY" if sex == "F" else "SUR-NEUT", 1), ("LAB-CBC", 1)]
    elif reason == "Lump check":
        out = [("EX-SICK", 1)] + [(c, 1) for c, p in (("SUR-MASS", 0.25), ("LAB-CBC", 0.25)) if rng.random() < p]
    elif reason == "Follow-up visit":
        out = [("EX-RECHK", 1)]
    else:
        out = [("GR-BEAK" if species == 4 else "GR-NAIL", 1)]
    return out


def _veterinary_rows(rng: random.Random) -> dict[str, list[tuple]]:
    vets = [(i, c, first, last, spec, f"OR-VET-{rng.randint(10000, 99999)}", hired)
            for i, (c, first, last, spec, hired) in enumerate(_VET_STAFF, 1)]
    owners = []
    for owner_id, (first, last) in enumerate(_unique_people(rng, 210), 1):
        clinic = None if rng.random() < 0.08 else rng.choices((1, 2, 3), weights=(45, 35, 20))[0]
        town = rng.choice(_VET_TOWNS[clinic or rng.randint(1, 3)])
        email = None if rng.random() < 0.15 else _email(first, last, owner_id, "petmail.example")
        phone = f"{'503' if town in ('Salem', 'Keizer') else '541'}-555-{rng.randint(1000, 9999)}"
        registered = _day_between(rng, _date("2012-01-01"), _date("2024-09-30"))
        if clinic:  # nobody registers with a clinic before it opens
            registered = max(registered, _date(_VET_CLINICS[clinic - 1][4]))
        owners.append((owner_id, first, last, email, phone, town, clinic, registered.isoformat()))

    breeds = [(i, s, name, size) for i, (s, name, size, _) in enumerate(_VET_BREEDS, 1)]
    species_weight = {1: 50, 2: 35, 3: 6, 4: 5, 5: 4}
    # a species' share is split evenly over its breeds
    breed_weight = [species_weight[b[1]] / sum(1 for x in breeds if x[1] == b[1]) for b in breeds]
    pets = []
    for pet_id in range(1, 281):
        owner = rng.choice(owners)
        breed_id = rng.choices(range(1, len(breeds) + 1), weights=breed_weight)[0]
        species, size = breeds[breed_id - 1][1], _VET_BREEDS[breed_id - 1][3]
        sex = rng.choice("MF")
        birth = None
        if rng.random() >= 0.1:  # one pet in ten is a rescue of unknown birth date
            birth = _day_between(rng, _date("2008-01-01"), _date("2024-06-30")).isoformat()
        weight = rng.uniform(*size)
        weight = round(weight, 3 if weight < 1 else 1)
        neutered = int(rng.random() < (0.75 if species in (1, 2) else 0.2))
        chip_rate = {1: 0.8, 2: 0.8, 3: 0.3}.get(species, 0.0)
        chip = f"985{rng.randint(10**11, 10**12 - 1)}" if rng.random() < chip_rate else None
        pets.append((pet_id, owner[0], breed_id, rng.choice(_PET_NAMES), sex, birth, weight, neutered, chip))

    appointments, treatments, invoices, vaccinations = [], [], [], []
    prices = {p[0]: p[3] for p in _VET_PROCEDURES}
    visits = []  # (slot, pet): drawn first and sorted, so appointment ids follow the calendar
    for _ in range(1000):
        pet = rng.choice(pets)
        day = _day_between(rng, max(_date(pet[5] or "2023-01-02"), _date("2023-01-02")), _date("2024-12-30"))
        if day.weekday() == 6:  # clinics are closed on Sundays
            day += dt.timedelta(days=1)
        visits.append((dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=15 * rng.randint(0, 38)), pet))
    visits.sort(key=lambda v: (v[0], v[1][0]))
    for appointment_id, (slot, pet) in enumerate(visits, 1):
        species = breeds[pet[2] - 1][1]
        day = slot.date()
        owner = owners[pet[1] - 1]
        clinic = owner[6] or rng.randint(1, 3)
        staff = [v for v in vets if v[1] == clinic and v[6] <= day.isoformat()]
        exotic_staff = [v for v in staff if v[4] == "Exotics"]
        vet = rng.choice(exotic_staff if species > 2 and exotic_staff and rng.random() < 0.8 else staff)
        reason = _pick(rng, _VET_REASONS)
        status = _pick(rng, {"completed": 80, "cancelled": 11, "no-show": 9})
        appointments.append((appointment_id, pet[0], vet[0], _stamp(slot), reason, status))
        if status != "completed":
            continue
        total = 0.0
        for code, qty in _vet_procedures(rng, reason, species, pet[4]):
            amount = round(prices[code] * qty * (0.9 if rng.random() < 0.08 else 1.0), 2)
            total += amount
            treatments.append((len(treatments) + 1, appointment_id, code, qty, amount))
            if code in _VACCINES:
                name, valid_days = _VACCINES[code]
                due = None if rng.random() < 0.07 else (day + dt.timedelta(days=valid_days)).isoformat()
                vaccinations.append((len(vaccinations) + 1, pet[0], vet[0], name, day.isoformat(), due,
                                     f"L{rng.randint(100000, 999999)}"))
        unpaid = rng.random() < 0.06
        paid = None if unpaid else (day + dt.timedelta(days=rng.choice((0, 0, 0, 1, 3, 7, 14, 30)))).isoformat()
        method = None if unpaid else _pick(rng, {"card": 70, "cash": 10, "pet insurance": 20})
        invoices.append((len(invoices) + 1, appointment_id, day.isoformat(), round(total, 2), paid, method))

    return {"clinics": list(_VET_CLINICS), "veterinarians": vets, "owners": owners, "species": list(_VET_SPECIES),
            "breeds": breeds, "pets": pets, "procedures": list(_VET_PROCEDURES), "appointments": appointments,
            "treatments": treatments, "invoices": invoices, "vaccinations": vaccinations}


# ---------------------------------------------------------------------------------------------
# music_streaming: a streaming service's catalogue and 2024 listening log.
# Chain: streams -> tracks -> albums -> artists -> labels.

_MUSIC_SCHEMA = """
CREATE TABLE record_labels (
    label_id INTEGER PRIMARY KEY,
    label_name TEXT NOT NULL,
    country TEXT NOT NULL,
    founded_year INTEGER NOT NULL,
    payout_per_stream_usd REAL NOT NULL
);
CREATE TABLE artists (
    artist_id INTEGER PRIMARY KEY,
    artist_name TEXT NOT NULL,
    label_id INTEGER,
    country TEXT NOT NULL,
    primary_genre TEXT NOT NULL,
    formed_year INTEGER NOT NULL,
    FOREIGN KEY (label_id) REFERENCES record_labels (label_id)
);
CREATE TABLE albums (
    album_id INTEGER PRIMARY KEY,
    artist_id INTEGER NOT NULL,
    album_title TEXT NOT NULL,
    album_type TEXT NOT NULL,
    release_date TEXT NOT NULL,
    FOREIGN KEY (artist_id) REFERENCES artists (artist_id)
);
CREATE TABLE tracks (
    track_id INTEGER PRIMARY KEY,
    album_id INTEGER NOT NULL,
    track_title TEXT NOT NULL,
    track_number INTEGER NOT NULL,
    duration_seconds INTEGER NOT NULL,
    is_explicit INTEGER NOT NULL,
    bpm INTEGER,
    FOREIGN KEY (album_id) REFERENCES albums (album_id)
);
CREATE TABLE users (
    user_id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    country TEXT NOT NULL,
    subscription_tier TEXT NOT NULL,
    birth_year INTEGER,
    signup_date TEXT NOT NULL
);
CREATE TABLE playlists (
    playlist_id INTEGER PRIMARY KEY,
    owner_user_id INTEGER NOT NULL,
    playlist_name TEXT NOT NULL,
    is_public INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    FOREIGN KEY (owner_user_id) REFERENCES users (user_id)
);
CREATE TABLE playlist_tracks (
    playlist_id INTEGER NOT NULL,
    track_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (playlist_id, track_id),
    FOREIGN KEY (playlist_id) REFERENCES playlists (playlist_id),
    FOREIGN KEY (track_id) REFERENCES tracks (track_id)
);
CREATE TABLE streams (
    stream_id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    track_id INTEGER NOT NULL,
    streamed_at TEXT NOT NULL,
    seconds_played INTEGER NOT NULL,
    device_type TEXT NOT NULL,
    was_skipped INTEGER NOT NULL,
    FOREIGN KEY (user_id) REFERENCES users (user_id),
    FOREIGN KEY (track_id) REFERENCES tracks (track_id)
);
CREATE TABLE artist_follows (
    user_id INTEGER NOT NULL,
    artist_id INTEGER NOT NULL,
    followed_at TEXT NOT NULL,
    PRIMARY KEY (user_id, artist_id),
    FOREIGN KEY (user_id) REFERENCES users (user_id),
    FOREIGN KEY (artist_id) REFERENCES artists (artist_id)
);
"""

# (label, country, founded, what the service pays the label per stream)
_MUSIC_LABELS = (
    (1, "Northbound Records", "Canada", 1994, 0.0036),
    (2, "Saltwater Music", "Australia", 2003, 0.0031),
    (3, "Kettle Hill Recordings", "United Kingdom", 1988, 0.0042),
    (4, "Blue Hour Records", "United States", 2009, 0.0039),
    (5, "Fjordline", "Norway", 2012, 0.0028),
    (6, "Casa Sonora", "Mexico", 1999, 0.0025),
    (7, "Paper Moon Label", "Japan", 2015, 0.0033),
)
# (artist, country, genre, formed, label id or None for independents, popularity weight)
_MUSIC_ARTISTS = (
    ("Nova Lights", "Canada", "Synthpop", 2012, 1, 9),
    ("The Velvet Orchard", "United Kingdom", "Indie Rock", 2006, 3, 7),
    ("Cedar & Smoke", "United States", "Folk", 2014, 4, 5),
    ("Marisol Vega", "Mexico", "Latin Pop", 2016, 6, 12),
    ("Kaito Arai", "Japan", "City Pop", 2018, 7, 4),
    ("Tidewater", "Australia", "Indie Rock", 2010, 2, 6),
    ("Lumen Drift", "Norway", "Electronic", 2013, 5, 8),
    ("Ruby Calloway", "United States", "R&B", 2015, 4, 9),
    ("Glass Harbor", "Canada", "Indie Rock", 2009, 1, 3),
    ("Dusty Meridian", "United States", "Country", 2001, None, 4),
    ("MC Oblique", "United Kingdom", "Hip Hop", 2017, 3, 8),
    ("Saffron Skies", "United Kingdom", "Electronic", 2019, None, 3),
    ("Los Faroles", "Mexico", "Latin Rock", 2004, 6, 5),
    ("Aurora Vale", "Norway", "Synthpop", 2020, 5, 6),
    ("Big Sur Collective", "United States", "Jazz", 1998, None, 2),
    ("Hollow Pines", "Canada", "Folk", 2011, None, 3),
    ("Yuna Mori", "Japan", "J-Pop", 2019, 7, 7),
    ("Brass Anchor", "Australia", "Funk", 2008, 2, 3),
    ("Deja Monroe", "United States", "Hip Hop", 2016, 4, 11),
    ("The Quiet Riots", "United Kingdom", "Punk", 2002, 3, 2),
    ("Solenne", "Canada", "R&B", 2021, 1, 5),
    ("Ocean Static", "Australia", "Electronic", 2015, None, 4),
    ("Paloma Reyes", "Mexico", "Latin Pop", 2012, 6, 6),
    ("Northern Choir", "Norway", "Folk", 2007, 5, 2),
    ("Neon Koi", "Japan", "Electronic", 2017, 7, 5),
    ("Jasper Quill", "United Kingdom", "Singer-Songwriter", 2013, None, 4),
    ("Lil Saguaro", "United States", "Hip Hop", 2020, None, 6),
    ("Amber Fields", "United States", "Country", 2010, 4, 5),
    ("The Midnight Ferns", "Canada", "Indie Rock", 2016, 1, 4),
    ("Coral Tongue", "Australia", "Punk", 2018, 2, 2),
    ("Vesper Lane", "United Kingdom", "Jazz", 2005, 3, 3),
    ("Tomoko Hayes", "United States", "Classical", 1995, None, 1),
    ("Selva Negra", "Mexico", "Electronic", 2014, None, 3),
    ("Frost & Fable", "Norway", "Indie Rock", 2011, 5, 3),
    ("Kid Lantern", "Australia", "Hip Hop", 2019, 2, 5),
    ("Ivy Bellamy", "United Kingdom", "Singer-Songwriter", 2017, 3, 6),
)
_ALBUM_WORDS = (
    ("Midnight", "Golden", "Paper", "Electric", "Quiet", "Broken", "Silver", "Wild", "Hidden", "Burning",
     "Velvet", "Northern", "Endless", "Crimson", "Hollow", "Lucky", "Open", "Distant", "Slow", "Bright"),
    ("Harbor", "Satellites", "Orchard", "Avenue", "Horizons", "Echoes", "Gardens", "Machines", "Rivers",
     "Letters", "Mirrors", "Summer", "Static", "Tides", "Lanterns", "Highways", "Wolves", "Parade",
     "Signals", "Weather"))
_TRACK_TITLES = (
    "Call Me Back", "Fever Dream", "Salt in the Air", "Neon Rain", "Paper Planes", "Slow Motion",
    "Last Train Home", "Gravity", "Wildfire", "Glass Heart", "Undertow", "Satellite", "Daybreak",
    "Heavy Water", "Blue Static", "Runaway", "Afterglow", "Concrete Roses", "Silver Lining",
    "Northern Lights", "Weightless", "Open Road", "Echo Park", "Cold Coffee", "Moonlit", "Tidal", "Fireflies",
    "Hurricane Season", "Velvet Sky", "Ghost Town", "Kaleidoscope", "Porch Light", "Borrowed Time",
    "Empty Rooms", "Sunday Morning", "Lost Signal", "Thunderbird", "Honey", "Wolves", "Half Asleep",
    "City of Glass", "Marigold", "Static Bloom", "Dust and Diamonds", "Low Tide", "Seventeen", "Overdrive",
    "Paperweight", "Mirage", "Small Hours", "Riverbed", "Comet", "Ember", "Holding Pattern", "Lighthouse",
    "Sweet Decay", "Airplane Mode", "Cinnamon", "Outlines", "Aftershock",
)
_GENRE_SECONDS = {"Punk": (110, 200), "Hip Hop": (140, 260), "Classical": (240, 720), "Jazz": (230, 480),
                  "Electronic": (180, 400)}
_GENRE_BPM = {"Punk": (150, 190), "Hip Hop": (80, 100), "Electronic": (118, 132), "Synthpop": (100, 125),
              "Folk": (70, 110), "Jazz": (90, 140), "Latin Pop": (90, 105), "Country": (80, 120)}
_GENRE_EXPLICIT = {"Hip Hop": 0.7, "Punk": 0.4, "R&B": 0.2, "Indie Rock": 0.1}
_USER_WORDS = ("river", "pixel", "maple", "echo", "lunar", "koala", "sonic", "cobalt", "velvet", "tango", "fern",
               "orbit", "rusty", "mango", "quartz", "nimbus", "otter", "jazzy", "solar", "kite")
_PLAYLIST_NAMES = ("Morning Run", "Deep Focus", "Road Trip", "Rainy Day", "Sunday Brunch", "Gym Bangers",
                   "Late Night Drive", "Chill Vibes", "Throwbacks", "Study Session", "Dinner Party", "Summer 2024",
                   "Sad Songs", "Workout Mix", "Coffee Shop", "Party Starters", "Sleep", "Discoveries")
_TIER_DEVICES = {"free": {"mobile": 60, "web": 25, "desktop": 15},
                 "paid": {"mobile": 45, "desktop": 20, "smart speaker": 18, "web": 9, "car": 8}}


def _music_rows(rng: random.Random) -> dict[str, list[tuple]]:
    artists = [(i, name, label, country, genre, formed)
               for i, (name, country, genre, formed, label, _) in enumerate(_MUSIC_ARTISTS, 1)]
    titles = rng.sample([f"{a} {b}" for a in _ALBUM_WORDS[0] for b in _ALBUM_WORDS[1]], 150)
    albums, tracks, track_weight = [], [], []
    for artist_id, _, _, _, _, formed in artists:
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            kind = _pick(rng, {"studio": 65, "EP": 20, "live": 8, "compilation": 7})
            released = _day_between(rng, dt.date(max(formed + 1, 2005), 1, 1), _date("2024-11-29"))
            albums.append([0, artist_id, titles.pop(), kind, released.isoformat()])
    albums.sort(key=lambda a: (a[4], a[1]))  # catalogue ids in release order
    for album_id, album in enumerate(albums, 1):
        album[0] = album_id
        artist = artists[album[1] - 1]
        genre, popularity = artist[4], _MUSIC_ARTISTS[album[1] - 1][5]
        n = {"EP": (4, 6), "studio": (8, 13), "live": (10, 15), "compilation": (12, 16)}[album[3]]
        for number in range(1, rng.randint(*n) + 1):
            low, high = _GENRE_SECONDS.get(genre, (170, 300))
            bpm = None
            if genre != "Classical" and rng.random() >= 0.15:  # tempo is not tagged for every track
                bpm = rng.randint(*_GENRE_BPM.get(genre, (85, 128)))
            tracks.append((len(tracks) + 1, album_id, rng.choice(_TRACK_TITLES), number, rng.randint(low, high),
                           int(rng.random() < _GENRE_EXPLICIT.get(genre, 0.03)), bpm))
            # the first tracks of an album are its singles and get played most
            track_weight.append(popularity * rng.lognormvariate(0, 0.8) * (2.5 if number <= 2 else 1.0))
    albums = [tuple(a) for a in albums]
    release_of_track = [albums[t[1] - 1][4] for t in tracks]

    users, activity = [], []
    names = rng.sample([f"{a}_{b}" for a in _USER_WORDS for b in _USER_WORDS if a != b], 300)
    for user_id, handle in enumerate(names, 1):
        country = _pick(rng, {"United States": 30, "United Kingdom": 15, "Canada": 12, "Mexico": 12,
                              "Australia": 10, "Japan": 8, "Germany": 8, "Norway": 5})
        tier = _pick(rng, {"free": 45, "premium": 30, "family": 10, "student": 15})
        birth = None if rng.random() < 0.2 else rng.randint(1960, 2008)
        signup = _day_between(rng, _date("2019-01-01"), _date("2024-11-30")).isoformat()
        users.append((user_id, f"{handle}{rng.randint(1, 99)}", country, tier, birth, signup))
        activity.append(rng.lognormvariate(0, 1.0))

    streams = []
    for _ in range(2200):
        user = rng.choices(users, weights=activity)[0]
        day = _day_between(rng, max(_date(user[5]), _date("2024-01-01")), _date("2024-12-31"))
        track = rng.choices(tracks, weights=track_weight)[0]
        while release_of_track[track[0] - 1] > day.isoformat():  # nobody streams an unreleased track
            track = rng.choices(tracks, weights=track_weight)[0]
        moment = dt.datetime.combine(day, dt.time(rng.choices(range(24), weights=_RIDE_HOURS)[0],
                                                  rng.randint(0, 59), rng.randint(0, 59)))
        skipped = rng.random() < (0.28 if user[3] == "free" else 0.18)
        if skipped:
            played = rng.randint(3, 30)
        else:
            played = track[4] if rng.random() < 0.7 else rng.randint(track[4] // 2, track[4])
        device = _pick(rng, _TIER_DEVICES["free" if user[3] == "free" else "paid"])
        streams.append((0, user[0], track[0], _stamp(moment), played, device, int(skipped)))
    streams = _chronological(streams, 3)

    playlists, playlist_tracks = [], []
    for playlist_id in range(1, 111):
        owner = rng.choices(users, weights=activity)[0]
        while owner[5] > "2024-10-31":  # only accounts older than the playlist
            owner = rng.choices(users, weights=activity)[0]
        day = _day_between(rng, max(_date(owner[5]), _date("2020-01-01")), _date("2024-10-31"))
        created = dt.datetime.combine(day, dt.time(rng.randint(7, 23), rng.randint(0, 59), rng.randint(0, 59)))
        name = rng.choice(_PLAYLIST_NAMES)
        playlists.append((playlist_id, owner[0], name, int(rng.random() < 0.65), _stamp(created)))
        chosen = set()
        for _ in range(rng.randint(4, 22)):
            chosen.add(rng.choices(range(len(tracks)), weights=track_weight)[0])
        added = []
        for index in chosen:
            first = max(created.date(), _date(release_of_track[index]))
            day = _day_between(rng, first, max(first, _date("2024-12-31")))
            moment = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)))
            added.append((_stamp(moment), index + 1))
        for position, (stamp, track_id) in enumerate(sorted(added), 1):
            playlist_tracks.append((playlist_id, track_id, position, stamp))

    follows, seen = [], set()
    artist_weight = [a[5] for a in _MUSIC_ARTISTS]
    while len(follows) < 700:
        user = rng.choices(users, weights=activity)[0]
        artist_id = rng.choices(range(1, len(artists) + 1), weights=artist_weight)[0]
        if (user[0], artist_id) in seen:
            continue
        seen.add((user[0], artist_id))
        day = _day_between(rng, _date(user[5]), _date("2024-12-31"))
        moment = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)))
        follows.append((user[0], artist_id, _stamp(moment)))
    follows.sort()

    return {"record_labels": list(_MUSIC_LABELS), "artists": artists, "albums": albums, "tracks": tracks,
            "users": users, "playlists": playlists, "playlist_tracks": playlist_tracks, "streams": streams,
            "artist_follows": follows}


# ---------------------------------------------------------------------------------------------
# hotel_bookings: six independent hotels on one booking system, data as of 2024-12-31.
# Chain: payments -> reservations -> rooms -> room_types -> hotels.

_HOTEL_SCHEMA = """
CREATE TABLE hotels (
    hotel_id INTEGER PRIMARY KEY,
    hotel_name TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    star_rating INTEGER NOT NULL,
    opened_year INTEGER NOT NULL
);
CREATE TABLE room_types (
    room_type_id INTEGER PRIMARY KEY,
    hotel_id INTEGER NOT NULL,
    type_name TEXT NOT NULL,
    bed_configuration TEXT NOT NULL,
    max_occupancy INTEGER NOT NULL,
    base_rate REAL NOT NULL,
    FOREIGN KEY (hotel_id) REFERENCES hotels (hotel_id)
);
CREATE TABLE rooms (
    room_id INTEGER PRIMARY KEY,
    room_type_id INTEGER NOT NULL,
    room_number TEXT NOT NULL,
    floor INTEGER NOT NULL,
    is_accessible INTEGER NOT NULL,
    last_renovated_year INTEGER,
    FOREIGN KEY (room_type_id) REFERENCES room_types (room_type_id)
);
CREATE TABLE guests (
    guest_id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT,
    nationality TEXT NOT NULL,
    loyalty_tier TEXT,
    date_of_birth TEXT
);
CREATE TABLE reservations (
    reservation_id INTEGER PRIMARY KEY,
    guest_id INTEGER NOT NULL,
    room_id INTEGER NOT NULL,
    booked_at TEXT NOT NULL,
    check_in_date TEXT NOT NULL,
    check_out_date TEXT NOT NULL,
    adults INTEGER NOT NULL,
    children INTEGER NOT NULL,
    booking_channel TEXT NOT NULL,
    status TEXT NOT NULL,
    nightly_rate REAL NOT NULL,
    FOREIGN KEY (guest_id) REFERENCES guests (guest_id),
    FOREIGN KEY (room_id) REFERENCES rooms (room_id)
);
CREATE TABLE payments (
    payment_id INTEGER PRIMARY KEY,
    reservation_id INTEGER NOT NULL,
    paid_at TEXT NOT NULL,
    amount REAL NOT NULL,
    payment_method TEXT NOT NULL,
    FOREIGN KEY (reservation_id) REFERENCES reservations (reservation_id)
);
CREATE TABLE services (
    service_id INTEGER PRIMARY KEY,
    service_name TEXT NOT NULL,
    category TEXT NOT NULL,
    unit_price REAL NOT NULL
);
CREATE TABLE service_charges (
    charge_id INTEGER PRIMARY KEY,
    reservation_id INTEGER NOT NULL,
    service_id INTEGER NOT NULL,
    charged_at TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    amount REAL NOT NULL,
    FOREIGN KEY (reservation_id) REFERENCES reservations (reservation_id),
    FOREIGN KEY (service_id) REFERENCES services (service_id)
);
CREATE TABLE guest_reviews (
    review_id INTEGER PRIMARY KEY,
    reservation_id INTEGER NOT NULL UNIQUE,
    review_date TEXT NOT NULL,
    overall_score INTEGER NOT NULL,
    cleanliness_score INTEGER,
    staff_score INTEGER,
    review_title TEXT,
    FOREIGN KEY (reservation_id) REFERENCES reservations (reservation_id)
);
"""

_HOTELS = (
    (1, "Harbourview Grand", "Lisbon", "Portugal", 5, 1998),
    (2, "Alpenrose Lodge", "Innsbruck", "Austria", 4, 1986),
    (3, "Canal House Inn", "Amsterdam", "Netherlands", 3, 2008),
    (4, "Sierra Vista Resort", "Granada", "Spain", 4, 2012),
    (5, "Old Town Suites", "Tallinn", "Estonia", 3, 2016),
    (6, "Bayfront Plaza", "Cork", "Ireland", 4, 2003),
)
# (hotel id, type, beds, max occupancy, base rate, number of rooms)
_ROOM_TYPES = (
    (1, "Standard King", "King", 2, 210.0, 14),
    (1, "Deluxe Sea View", "King", 2, 290.0, 8),
    (1, "Junior Suite", "King + sofa bed", 3, 420.0, 3),
    (1, "Presidential Suite", "Two kings", 4, 950.0, 1),
    (2, "Standard Double", "Queen", 2, 135.0, 10),
    (2, "Alpine View Double", "Queen", 2, 165.0, 7),
    (2, "Family Room", "Queen + bunk beds", 4, 210.0, 4),
    (3, "Cozy Single", "Single", 1, 95.0, 6),
    (3, "Canal Double", "Double", 2, 145.0, 9),
    (3, "Loft Studio", "Queen", 3, 185.0, 3),
    (4, "Garden Double", "Queen", 2, 150.0, 12),
    (4, "Alhambra View Room", "King", 2, 205.0, 6),
    (4, "Pool Suite", "King + sofa bed", 4, 310.0, 3),
    (5, "Economy Twin", "Two singles", 2, 75.0, 8),
    (5, "Standard Double", "Double", 2, 89.0, 10),
    (5, "Apartment Suite", "Queen + sofa bed", 4, 140.0, 4),
    (6, "Standard Twin", "Two singles", 2, 120.0, 12),
    (6, "Harbour View King", "King", 2, 160.0, 8),
    (6, "Executive Suite", "King", 3, 260.0, 3),
)
_HOTEL_SERVICES = ((1, "Breakfast buffet", "dining", 18.5), (2, "Room service dinner", "dining", 42.0),
                   (3, "Airport transfer", "transport", 55.0), (4, "Valet parking", "parking", 28.0),
                   (5, "Massage (60 min)", "spa", 95.0), (6, "Laundry bag", "laundry", 22.0),
                   (7, "Minibar", "dining", 14.0), (8, "Late checkout", "front desk", 40.0),
                   (9, "Bike rental", "transport", 15.0), (10, "Guided city tour", "excursions", 35.0))
_HOTEL_MOOD = {1: 8.6, 2: 8.8, 3: 7.2, 4: 8.1, 5: 8.3, 6: 7.9}  # how each hotel's guests tend to score it
_NATIONALITIES = {"Germany": 18, "United Kingdom": 16, "United States": 14, "France": 10, "Spain": 8,
                  "Netherlands": 7, "Italy": 7, "Portugal": 5, "Ireland": 5, "Japan": 4, "Brazil": 3, "Canada": 3}
_REVIEW_TITLES = {True: ("Wonderful stay", "Would come back", "Perfect location", "Great staff", "Loved it"),
                  False: ("Noisy room", "Not as pictured", "Disappointing", "Slow check-in", "Tired decor")}
_HOTEL_AS_OF = "2024-12-31"


def _hotel_rows(rng: random.Random) -> dict[str, list[tuple]]:
    room_types, rooms = [], []
    for type_id, (hotel_id, name, beds, occupancy, rate, count) in enumerate(_ROOM_TYPES, 1):
        room_types.append((type_id, hotel_id, name, beds, occupancy, rate))
        for _ in range(count):
            floor = rng.randint(1, 6 if hotel_id in (1, 6) else 4)
            taken = {r[2] for r in rooms if r[1] in [t[0] for t in room_types if t[1] == hotel_id]}
            number = next(f"{floor}{n:02d}" for n in range(1, 99) if f"{floor}{n:02d}" not in taken)
            renovated = None if rng.random() < 0.3 else rng.randint(2010, 2023)
            rooms.append((len(rooms) + 1, type_id, number, floor, int(rng.random() < 0.08), renovated))

    guests, loyalty = [], []
    for guest_id, (first, last) in enumerate(_unique_people(rng, 420), 1):
        tier = _pick(rng, {None: 60, "silver": 20, "gold": 13, "platinum": 7})
        email = None if rng.random() < 0.12 else _email(first, last, guest_id, "guestmail.example")
        birth = None
        if rng.random() >= 0.25:
            birth = _day_between(rng, _date("1945-01-01"), _date("2004-12-31")).isoformat()
        guests.append((guest_id, first, last, email, _pick(rng, _NATIONALITIES), tier, birth))
        loyalty.append({None: 1, "silver": 2, "gold": 4, "platinum": 6}[tier])  # members come back more often

    booked_nights: dict[int, set] = {}
    reservations = []
    hotel_weight = {h[0]: sum(t[5] for t in _ROOM_TYPES if t[0] == h[0]) for h in _HOTELS}
    for _ in range(1150):
        guest = rng.choices(guests, weights=loyalty)[0]
        check_in = _seasonal_day(rng, (2023, 2024), (5, 5, 7, 8, 9, 11, 13, 13, 10, 8, 5, 7))
        if check_in.year == 2024 and rng.random() < 0.1:  # a slice of future stays, booked but not yet due
            check_in = _day_between(rng, _date("2025-01-01"), _date("2025-03-31"))
        nights = _pick(rng, {1: 18, 2: 26, 3: 22, 4: 12, 5: 8, 6: 4, 7: 6, 10: 2, 14: 2})
        adults = _pick(rng, {1: 30, 2: 60, 3: 6, 4: 4})
        children = _pick(rng, {0: 80, 1: 12, 2: 8}) if adults >= 2 else 0
        hotel = rng.choices(tuple(hotel_weight), weights=tuple(hotel_weight.values()))[0]
        stay = {check_in + dt.timedelta(days=i) for i in range(nights)}
        free = [r for r in rooms if room_types[r[1] - 1][1] == hotel  # right hotel, big enough, not taken
                and room_types[r[1] - 1][4] >= adults + children and not stay & booked_nights.get(r[0], set())]
        if not free:
            continue
        room = rng.choice(free)
        status = "confirmed" if check_in.isoformat() > _HOTEL_AS_OF else \
            _pick(rng, {"checked out": 83, "cancelled": 12, "no-show": 5})
        if status == "checked out" and (check_in + dt.timedelta(days=nights)).isoformat() > _HOTEL_AS_OF:
            status = "in house"
        if status in ("checked out", "confirmed", "in house"):
            booked_nights.setdefault(room[0], set()).update(stay)
        lead = min(300, int(rng.expovariate(1 / 35)))
        booked = dt.datetime.combine(check_in - dt.timedelta(days=lead),
                                     dt.time(rng.randint(0, 23), rng.randint(0, 59)))
        channel = _pick(rng, {"direct": 30, "online travel agency": 45, "corporate": 12, "travel agent": 13})
        season = {6: 1.25, 7: 1.3, 8: 1.3, 12: 1.15, 1: 0.85, 2: 0.85}.get(check_in.month, 1.0)
        rate = room_types[room[1] - 1][5] * season * (0.9 if channel == "corporate" else 1.0) * \
            (0.95 if guest[5] in ("gold", "platinum") else 1.0)
        reservations.append((0, guest[0], room[0], _stamp(booked), check_in.isoformat(),
                             (check_in + dt.timedelta(days=nights)).isoformat(), adults, children, channel, status,
                             round(rate, 2)))
    reservations = _chronological(reservations, 3)

    charges, payments, reviews = [], [], []
    for res in reservations:
        res_id, booked, check_in, check_out, status, rate = res[0], res[3], res[4], res[5], res[9], res[10]
        nights = (_date(check_out) - _date(check_in)).days
        method = "bank transfer" if res[8] == "corporate" else \
            _pick(rng, {"card": 78, "cash": 8, "bank transfer": 8, "voucher": 6})
        extras = 0.0
        if status == "checked out":
            for _ in range(_pick(rng, {0: 35, 1: 25, 2: 20, 3: 12, 4: 8})):
                service = rng.choices(_HOTEL_SERVICES, weights=(30, 8, 8, 10, 6, 6, 14, 6, 6, 6))[0]
                qty = rng.randint(1, max(1, nights * res[6])) if service[0] in (1, 4) else rng.randint(1, 2)
                day = _date(check_in) + dt.timedelta(days=rng.randint(0, nights - 1))
                moment = dt.datetime.combine(day, dt.time(rng.randint(7, 22), rng.randint(0, 59)))
                charges.append((0, res_id, service[0], _stamp(moment), qty, round(qty * service[3], 2)))
                extras += round(qty * service[3], 2)
        total = round(nights * rate + extras, 2)
        checkout_time = _stamp(dt.datetime.combine(_date(check_out), dt.time(10, rng.randint(0, 59))))
        if status in ("checked out", "confirmed", "in house") and rng.random() < 0.45:  # deposit taken at booking
            deposit = round(rate, 2)
            payments.append((0, res_id, booked, deposit, method))
            if status == "checked out":
                payments.append((0, res_id, checkout_time, round(total - deposit, 2), method))
        elif status == "checked out":
            payments.append((0, res_id, checkout_time, total, method))
        elif status == "no-show" or rng.random() < 0.4:  # one night is kept as a penalty
            when = check_in + " 23:00:00" if status == "no-show" else booked
            payments.append((0, res_id, when, round(rate, 2), method))
        written = (_date(check_out) + dt.timedelta(days=rng.randint(0, 21))).isoformat()
        if status == "checked out" and written <= _HOTEL_AS_OF and rng.random() < 0.4:
            mood = _HOTEL_MOOD[room_types[rooms[res[2] - 1][1] - 1][1]]
            score = max(1, min(10, round(rng.gauss(mood, 1.3))))
            clean = None if rng.random() < 0.2 else max(1, min(10, round(rng.gauss(mood, 1.1))))
            staff = None if rng.random() < 0.25 else max(1, min(10, round(rng.gauss(mood + 0.3, 1.2))))
            title = None if rng.random() < 0.35 else rng.choice(_REVIEW_TITLES[score >= 7])
            reviews.append((0, res_id, written, score, clean, staff, title))

    return {"hotels": list(_HOTELS), "room_types": room_types, "rooms": rooms, "guests": guests,
            "reservations": reservations, "payments": _chronological(payments, 2),
            "services": list(_HOTEL_SERVICES), "service_charges": _chronological(charges, 3),
            "guest_reviews": _chronological(reviews, 2)}


# ---------------------------------------------------------------------------------------------
# public_grants: a grants office's records across six funders, data as of 2025-06-30.
# Chain: disbursements -> awards -> applications -> grant_programs -> funders.

_GRANTS_SCHEMA = """
CREATE TABLE funders (
    funder_id INTEGER PRIMARY KEY,
    funder_name TEXT NOT NULL,
    funder_type TEXT NOT NULL,
    country TEXT NOT NULL,
    established_year INTEGER NOT NULL
);
CREATE TABLE grant_programs (
    program_id INTEGER PRIMARY KEY,
    funder_id INTEGER NOT NULL,
    program_name TEXT NOT NULL,
    focus_area TEXT NOT NULL,
    call_opens TEXT NOT NULL,
    call_closes TEXT NOT NULL,
    max_award_eur REAL NOT NULL,
    total_budget_eur REAL NOT NULL,
    FOREIGN KEY (funder_id) REFERENCES funders (funder_id)
);
CREATE TABLE organizations (
    org_id INTEGER PRIMARY KEY,
    org_name TEXT NOT NULL,
    org_type TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    founded_year INTEGER,
    charity_number TEXT
);
CREATE TABLE investigators (
    investigator_id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL,
    full_name TEXT NOT NULL,
    email TEXT NOT NULL,
    orcid TEXT,
    career_stage TEXT NOT NULL,
    FOREIGN KEY (org_id) REFERENCES organizations (org_id)
);
CREATE TABLE applications (
    application_id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL,
    lead_org_id INTEGER NOT NULL,
    investigator_id INTEGER NOT NULL,
    project_title TEXT NOT NULL,
    submitted_date TEXT NOT NULL,
    requested_eur REAL NOT NULL,
    status TEXT NOT NULL,
    FOREIGN KEY (program_id) REFERENCES grant_programs (program_id),
    FOREIGN KEY (lead_org_id) REFERENCES organizations (org_id),
    FOREIGN KEY (investigator_id) REFERENCES investigators (investigator_id)
);
CREATE TABLE reviewers (
    reviewer_id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL,
    expertise_area TEXT NOT NULL,
    home_country TEXT NOT NULL,
    affiliation TEXT
);
CREATE TABLE application_reviews (
    application_id INTEGER NOT NULL,
    reviewer_id INTEGER NOT NULL,
    score INTEGER NOT NULL,
    recommendation TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    PRIMARY KEY (application_id, reviewer_id),
    FOREIGN KEY (application_id) REFERENCES applications (application_id),
    FOREIGN KEY (reviewer_id) REFERENCES reviewers (reviewer_id)
);
CREATE TABLE awards (
    award_id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL UNIQUE,
    decision_date TEXT NOT NULL,
    awarded_eur REAL NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    FOREIGN KEY (application_id) REFERENCES applications (application_id)
);
CREATE TABLE disbursements (
    disbursement_id INTEGER PRIMARY KEY,
    award_id INTEGER NOT NULL,
    disbursement_date TEXT NOT NULL,
    amount_eur REAL NOT NULL,
    tranche TEXT NOT NULL,
    FOREIGN KEY (award_id) REFERENCES awards (award_id)
);
CREATE TABLE progress_reports (
    report_id INTEGER PRIMARY KEY,
    award_id INTEGER NOT NULL,
    report_type TEXT NOT NULL,
    due_date TEXT NOT NULL,
    submitted_date TEXT,
    officer_rating TEXT,
    FOREIGN KEY (award_id) REFERENCES awards (award_id)
);
"""

_FUNDERS = ((1, "Ridgeway Science Foundation", "private foundation", "United Kingdom", 1987),
            (2, "Atlantic Research Agency", "government agency", "Ireland", 1995),
            (3, "Coastal Communities Trust", "charitable trust", "United Kingdom", 2001),
            (4, "Green Futures Fund", "government agency", "Netherlands", 2010),
            (5, "Halden Industries Giving", "corporate foundation", "Norway", 2014),
            (6, "Lindqvist Heritage Foundation", "private foundation", "Sweden", 1972))
# (funder, programme, focus, call opens, call closes, max award, total budget, share of applications)
_PROGRAMS = (
    (1, "Early Career Fellowships 2023", "Health", "2023-01-09", "2023-03-31", 250000, 2000000, 9),
    (1, "Open Science Infrastructure", "Digital", "2023-09-01", "2023-11-30", 400000, 2400000, 5),
    (1, "Early Career Fellowships 2024", "Health", "2024-01-08", "2024-03-28", 260000, 2100000, 10),
    (2, "Marine Resilience Programme", "Climate", "2022-10-03", "2023-01-13", 600000, 4500000, 7),
    (2, "Digital Public Services", "Digital", "2023-04-03", "2023-06-16", 350000, 2000000, 6),
    (2, "Rural Health Pathways", "Health", "2024-03-04", "2024-05-31", 300000, 2200000, 7),
    (3, "Harbour Towns Revival 2023", "Community", "2023-02-01", "2023-04-28", 80000, 600000, 8),
    (3, "Coastal Skills Bursaries", "Education", "2023-08-14", "2023-10-06", 25000, 300000, 6),
    (3, "Harbour Towns Revival 2024", "Community", "2024-02-05", "2024-04-26", 90000, 650000, 8),
    (4, "Circular Cities Challenge", "Climate", "2023-03-01", "2023-05-31", 500000, 3500000, 6),
    (4, "Clean Water Innovation", "Water", "2024-01-15", "2024-04-15", 450000, 3000000, 5),
    (4, "Urban Heat Adaptation", "Climate", "2024-09-02", "2024-11-29", 400000, 2800000, 6),
    (5, "Halden Green Energy Grants", "Energy", "2023-05-02", "2023-07-14", 200000, 1200000, 4),
    (5, "STEM Outreach Awards", "Education", "2024-05-06", "2024-07-12", 40000, 400000, 5),
    (6, "Heritage Conservation Grants", "Heritage", "2022-11-01", "2023-02-28", 150000, 1500000, 4),
    (6, "Living Archives", "Heritage", "2025-01-13", "2025-04-30", 120000, 900000, 4),
)
_GRANT_CITIES = (("Galway", "Ireland"), ("Cork", "Ireland"), ("Dublin", "Ireland"), ("Bristol", "United Kingdom"),
                 ("Aberdeen", "United Kingdom"), ("Plymouth", "United Kingdom"), ("Leeds", "United Kingdom"),
                 ("Utrecht", "Netherlands"), ("Groningen", "Netherlands"), ("Rotterdam", "Netherlands"),
                 ("Bergen", "Norway"), ("Tromso", "Norway"), ("Uppsala", "Sweden"), ("Malmo", "Sweden"),
                 ("Porto", "Portugal"))
_TITLE_WORDS = {
    "Health": ("Early Detection of Sepsis", "Community Mental Health Support", "Remote Cardiac Monitoring",
               "Antibiotic Stewardship", "Healthy Ageing Networks"),
    "Digital": ("Open Data Pipelines", "Accessible Public Portals", "Federated Research Archives",
                "Digital Identity for Citizens", "Low-Code Civic Tools"),
    "Climate": ("Seagrass Carbon Storage", "Flood Early Warning", "Urban Tree Canopy", "Heat-Resilient Housing",
                "Storm Surge Defences"),
    "Community": ("Harbour Market Halls", "Youth Sailing Clubs", "Seafront Cultural Spaces", "Local Food Hubs",
                  "Pop-Up Shop Programmes"),
    "Education": ("Marine Apprenticeships", "Coding Clubs", "Maths Tutoring Networks", "Science Busking",
                  "Robotics Summer Camps"),
    "Water": ("Microplastic Filtration", "Leak Detection Sensors", "Rainwater Harvesting", "Nitrate Removal"),
    "Energy": ("Community Solar Cooperatives", "Tidal Energy Pilots", "Heat Pump Retrofits", "Battery Recycling"),
    "Heritage": ("Lighthouse Restoration", "Oral History Archives", "Stave Church Conservation",
                 "Digitised Parish Records"),
}
_TITLE_ACTIONS = ("Scaling", "Piloting", "Evaluating", "Co-designing", "Mapping", "Rethinking", "Sustaining")
_TITLE_PLACES = ("in Coastal Towns", "for Rural Communities", "across Small Cities", "in Northern Europe",
                 "for Ageing Populations", "in Island Regions", "")
_GRANTS_AS_OF = "2025-06-30"


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _grant_organizations(rng: random.Random) -> list[tuple]:
    """Universities, institutes, councils, charities and companies with plausible names."""
    orgs, names = [], set()

    def add(name: str, kind: str, city: str, country: str) -> None:
        if name in names:
            return
        names.add(name)
        founded = None if rng.random() < 0.15 else rng.randint(1850 if kind == "university" else 1960, 2021)
        charity = f"CHY{rng.randint(10000, 99999)}" if kind == "charity" else None
        orgs.append((len(orgs) + 1, name, kind, city, country, founded, charity))

    for city, country in rng.sample(_GRANT_CITIES, 12):
        add(f"University of {city}", "university", city, country)
    for city, country in rng.sample(_GRANT_CITIES, 9):
        add(f"{city} {rng.choice(('City', 'County', 'Harbour'))} Council", "local authority", city, country)
    for city, country in rng.sample(_GRANT_CITIES, 8):
        topic = rng.choice(("Marine Science", "Public Health", "Sustainability", "Data Science"))
        add(f"{city} Institute for {topic}", "research institute", city, country)
    while len(orgs) < 62:
        city, country = rng.choice(_GRANT_CITIES)
        add(f"{rng.choice(('Bright', 'Open', 'Blue', 'Common', 'Tidal', 'Civic', 'Rooted', 'Harbour'))} "
            f"{rng.choice(('Water', 'Futures', 'Ground', 'Commons', 'Horizons', 'Pathways', 'Currents'))} "
            f"{rng.choice(('Trust', 'Collective', 'Network', 'Society', 'Alliance'))}", "charity", city, country)
    while len(orgs) < 78:
        city, country = rng.choice(_GRANT_CITIES)
        add(f"{rng.choice(('Aqua', 'Terra', 'Helio', 'Kelp', 'Volt', 'Geo', 'Loop', 'Nimbus'))}"
            f"{rng.choice(('Sense', 'Works', 'Labs', 'Grid', 'Metrics', 'Forge'))} Ltd", "company", city, country)
    return orgs


def _grants_rows(rng: random.Random) -> dict[str, list[tuple]]:
    programs = [(i, f, name, focus, opens, closes, float(cap), float(budget))
                for i, (f, name, focus, opens, closes, cap, budget, _) in enumerate(_PROGRAMS, 1)]
    orgs = _grant_organizations(rng)
    kind_weight = {"university": 8, "research institute": 5, "local authority": 2, "charity": 2, "company": 1}
    org_weight = [kind_weight[o[2]] for o in orgs]
    investigators = []
    for inv_id, (first, last) in enumerate(_unique_people(rng, 170), 1):
        org = rng.choices(orgs, weights=org_weight)[0]
        domain = org[1].lower().replace(" ", "")[:18] + ".example"
        orcid = None
        if rng.random() >= 0.35:
            orcid = f"0000-000{rng.randint(1, 3)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
        stage = _pick(rng, {"early career": 35, "mid career": 40, "senior": 25})
        email = _email(first, last, inv_id, domain)
        investigators.append((inv_id, org[0], f"{first} {last}", email, orcid, stage))

    reviewers = []
    focus_areas = sorted({p[3] for p in programs})
    for rev_id, (first, last) in enumerate(_unique_people(rng, 28), 1):
        area = focus_areas[(rev_id - 1) % len(focus_areas)]
        affiliation = None if rng.random() < 0.3 else rng.choice(orgs)[1]
        reviewers.append((rev_id, f"{first} {last}", area, rng.choice(_GRANT_CITIES)[1], affiliation))

    applications, quality = [], {}
    for _ in range(540):
        program = rng.choices(programs, weights=[p[7] for p in _PROGRAMS])[0]
        inv = rng.choice(investigators)
        opens, closes = _date(program[4]), _date(program[5])
        # applicants cluster near the deadline
        submitted = closes - dt.timedelta(days=min((closes - opens).days, int(rng.expovariate(1 / 12))))
        requested = round(program[6] * rng.uniform(0.3, 1.0) / 500) * 500.0
        if rng.random() < 0.03:
            requested = round(program[6] * 1.2 / 500) * 500.0  # over the cap: ruled ineligible
        action, subject = rng.choice(_TITLE_ACTIONS), rng.choice(_TITLE_WORDS[program[3]])
        title = f"{action} {subject} {rng.choice(_TITLE_PLACES)}".strip()
        applications.append([0, program[0], inv[1], inv[0], title, submitted.isoformat(), requested, ""])
    applications.sort(key=lambda a: (a[5], a[1], a[3]))

    reviews = []
    for app_id, app in enumerate(applications, 1):
        app[0] = app_id
        program = programs[app[1] - 1]
        closes = _date(program[5])
        if app[6] > program[6]:
            app[7] = "ineligible"
            continue
        if rng.random() < 0.05:
            app[7] = "withdrawn"
            continue
        quality[app_id] = rng.gauss(6.2, 1.5)
        experts = [r for r in reviewers if r[2] == program[3]]
        outsiders = [r for r in reviewers if r not in experts]
        panel = rng.sample(experts, min(len(experts), 2)) + rng.sample(outsiders, 1)
        for reviewer in panel[:rng.choice((2, 3, 3))]:
            moment = dt.datetime.combine(closes + dt.timedelta(days=rng.randint(5, 45)),
                                         dt.time(rng.randint(8, 22), rng.randint(0, 59), rng.randint(0, 59)))
            if _stamp(moment) > _GRANTS_AS_OF:
                continue
            score = max(1, min(10, round(rng.gauss(quality[app_id], 1.2))))
            verdict = "fund" if score >= 8 else "fund with changes" if score >= 6 else "do not fund"
            reviews.append((app_id, reviewer[0], score, verdict, _stamp(moment)))

    awards, disbursements, reports = [], [], []
    for program in programs:
        decision = _date(program[5]) + dt.timedelta(days=rng.randint(60, 95))
        pool = [a for a in applications if a[1] == program[0] and not a[7]]
        if decision.isoformat() > _GRANTS_AS_OF:
            for app in pool:
                app[7] = "under review"
            continue
        budget = program[7]
        for app in sorted(pool, key=lambda a: -quality[a[0]]):  # the panel funds the best until money runs out
            cut = rng.choice((1.0, 1.0, 0.9, 0.8))
            amount = round(app[6] * cut / 100) * 100.0
            if quality[app[0]] < 6.3 or amount > budget:
                app[7] = "rejected"
                continue
            budget -= amount
            app[7] = "awarded"
            start = decision + dt.timedelta(days=rng.randint(30, 90))
            end = _add_months(start, rng.choice((12, 18, 24, 36))) - dt.timedelta(days=1)
            awards.append((0, app[0], decision.isoformat(), amount, start.isoformat(), end.isoformat()))
    awards = _chronological(awards, 2)
    for award_id, _, _, amount, start, end in awards:
        start, end = _date(start), _date(end)
        middle = start + (end - start) / 2
        due = [("interim", middle + dt.timedelta(days=30)), ("final", end + dt.timedelta(days=60))]
        finished = True
        for kind, due_day in due:
            late = rng.random() < 0.15
            handed_in = due_day + dt.timedelta(days=rng.randint(1, 60) if late else -rng.randint(0, 20))
            if handed_in.isoformat() > _GRANTS_AS_OF or rng.random() < 0.05:  # not received (yet)
                reports.append((0, award_id, kind, due_day.isoformat(), None, None))
                finished = False
                break
            rating = _pick(rng, {"excellent": 25, "satisfactory": 60, "needs improvement": 15})
            reports.append((0, award_id, kind, due_day.isoformat(), handed_in.isoformat(), rating))
        tranches = [("advance", start, 0.4), ("interim", middle, 0.4)]
        if finished:
            tranches.append(("final", end + dt.timedelta(days=rng.randint(70, 120)), 0.2))
        for tranche, day, share in tranches:
            if day.isoformat() <= _GRANTS_AS_OF:
                disbursements.append((0, award_id, day.isoformat(), round(amount * share, 2), tranche))

    return {"funders": list(_FUNDERS), "grant_programs": programs, "organizations": orgs,
            "investigators": investigators, "applications": [tuple(a) for a in applications],
            "reviewers": reviewers,
            "application_reviews": sorted(reviews), "awards": awards,
            "disbursements": _chronological(disbursements, 2), "progress_reports": _chronological(reports, 3)}


# ---------------------------------------------------------------------------------------------
# plant_maintenance: maintenance records of three factories, 2023-2024, as of 2024-12-31.
# Chain: work_order_parts -> work_orders -> machines -> production_lines -> sites.
# technicians.supervisor_id points back into technicians (a self-reference).

_PLANT_SCHEMA = """
CREATE TABLE sites (
    site_id INTEGER PRIMARY KEY,
    site_name TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    opened_year INTEGER NOT NULL
);
CREATE TABLE production_lines (
    line_id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL,
    line_name TEXT NOT NULL,
    product_family TEXT NOT NULL,
    commissioned_date TEXT NOT NULL,
    FOREIGN KEY (site_id) REFERENCES sites (site_id)
);
CREATE TABLE machines (
    machine_id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL,
    asset_tag TEXT NOT NULL UNIQUE,
    machine_type TEXT NOT NULL,
    manufacturer TEXT NOT NULL,
    install_date TEXT NOT NULL,
    rated_power_kw REAL NOT NULL,
    criticality TEXT NOT NULL,
    decommissioned_date TEXT,
    FOREIGN KEY (line_id) REFERENCES production_lines (line_id)
);
CREATE TABLE technicians (
    technician_id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL,
    full_name TEXT NOT NULL,
    trade TEXT NOT NULL,
    skill_level TEXT NOT NULL,
    hourly_rate REAL NOT NULL,
    hire_date TEXT NOT NULL,
    supervisor_id INTEGER,
    FOREIGN KEY (site_id) REFERENCES sites (site_id),
    FOREIGN KEY (supervisor_id) REFERENCES technicians (technician_id)
);
CREATE TABLE suppliers (
    supplier_id INTEGER PRIMARY KEY,
    supplier_name TEXT NOT NULL,
    country TEXT NOT NULL,
    lead_time_days INTEGER NOT NULL
);
CREATE TABLE spare_parts (
    part_id INTEGER PRIMARY KEY,
    part_number TEXT NOT NULL UNIQUE,
    part_name TEXT NOT NULL,
    category TEXT NOT NULL,
    supplier_id INTEGER NOT NULL,
    unit_cost REAL NOT NULL,
    stock_quantity INTEGER NOT NULL,
    reorder_point INTEGER NOT NULL,
    FOREIGN KEY (supplier_id) REFERENCES suppliers (supplier_id)
);
CREATE TABLE work_orders (
    work_order_id INTEGER PRIMARY KEY,
    machine_id INTEGER NOT NULL,
    order_type TEXT NOT NULL,
    priority INTEGER NOT NULL,
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    assigned_technician_id INTEGER,
    failure_code TEXT,
    downtime_minutes INTEGER,
    FOREIGN KEY (machine_id) REFERENCES machines (machine_id),
    FOREIGN KEY (assigned_technician_id) REFERENCES technicians (technician_id)
);
CREATE TABLE work_order_parts (
    work_order_id INTEGER NOT NULL,
    part_id INTEGER NOT NULL,
    quantity_used INTEGER NOT NULL,
    PRIMARY KEY (work_order_id, part_id),
    FOREIGN KEY (work_order_id) REFERENCES work_orders (work_order_id),
    FOREIGN KEY (part_id) REFERENCES spare_parts (part_id)
);
CREATE TABLE labor_logs (
    log_id INTEGER PRIMARY KEY,
    work_order_id INTEGER NOT NULL,
    technician_id INTEGER NOT NULL,
    work_date TEXT NOT NULL,
    hours_worked REAL NOT NULL,
    FOREIGN KEY (work_order_id) REFERENCES work_orders (work_order_id),
    FOREIGN KEY (technician_id) REFERENCES technicians (technician_id)
);
"""

_SITES = (
    (1, "Brno Assembly Plant", "Brno", "Czech Republic", 1998),
    (2, "Tampere Components", "Tampere", "Finland", 2006),
    (3, "Porto Packaging Works", "Porto", "Portugal", 2012),
)
_SITE_CODES = {1: "BRN", 2: "TMP", 3: "OPO"}
# (site, line, product family, commissioned, machine types on it)
_LINES = (
    (1, "Line A - Gearboxes", "gearboxes", "1999-04-12",
     ("CNC lathe", "Machining center", "Hydraulic press", "Conveyor", "Air compressor")),
    (1, "Line B - Axles", "axles", "2003-09-01", ("CNC lathe", "Machining center", "Hydraulic press", "Conveyor")),
    (1, "Line C - Final Assembly", "drive units", "2010-02-15",
     ("Robotic welder", "Conveyor", "Hydraulic press", "Air compressor")),
    (1, "Paint Shop", "drive units", "2007-06-30", ("Paint robot", "Conveyor", "Air compressor")),
    (2, "Machining Cell 1", "hydraulic valves", "2006-11-20", ("CNC lathe", "Machining center", "Conveyor")),
    (2, "Machining Cell 2", "hydraulic valves", "2015-03-09", ("CNC lathe", "Machining center", "Air compressor")),
    (2, "Heat Treatment", "shafts", "2009-05-18", ("Induction furnace", "Conveyor", "Air compressor")),
    (3, "Bottling Line 1", "bottles", "2012-10-01", ("Filling machine", "Labeler", "Conveyor", "Air compressor")),
    (3, "Bottling Line 2", "bottles", "2018-04-23", ("Filling machine", "Labeler", "Conveyor")),
    (3, "Carton Packing", "cartons", "2014-08-11", ("Case packer", "Conveyor", "Labeler")),
)
# machine type -> (tag code, manufacturers, rated power range in kW, usual failure codes)
_MACHINE_TYPES = {
    "CNC lathe": ("CNC", ("Haas", "Mazak", "DMG Mori"), (15, 40),
                  ("BEARING", "ELECTRICAL", "SOFTWARE", "MISALIGNMENT")),
    "Machining center": ("MC", ("Haas", "DMG Mori", "Okuma"), (20, 55),
                         ("BEARING", "SOFTWARE", "ELECTRICAL", "OVERHEATING")),
    "Hydraulic press": ("HP", ("Schuler", "Bosch Rexroth"), (45, 160), ("HYDRAULIC LEAK", "SENSOR", "ELECTRICAL")),
    "Conveyor": ("CV", ("Interroll", "Siemens"), (1.5, 7.5), ("MISALIGNMENT", "BEARING", "ELECTRICAL")),
    "Air compressor": ("AC", ("Atlas Copco", "Kaeser"), (30, 110), ("OVERHEATING", "ELECTRICAL", "BEARING")),
    "Robotic welder": ("RW", ("KUKA", "Fanuc", "ABB"), (8, 20), ("SOFTWARE", "SENSOR", "ELECTRICAL")),
    "Paint robot": ("PR", ("ABB", "Fanuc"), (10, 25), ("SENSOR", "SOFTWARE", "MISALIGNMENT")),
    "Induction furnace": ("IF", ("Ajax Tocco", "Inductotherm"), (150, 600),
                          ("OVERHEATING", "ELECTRICAL", "SENSOR")),
    "Filling machine": ("FM", ("Krones", "KHS"), (20, 60), ("SENSOR", "HYDRAULIC LEAK", "MISALIGNMENT")),
    "Labeler": ("LB", ("Krones", "Sidel"), (5, 15), ("MISALIGNMENT", "SENSOR")),
    "Case packer": ("CP", ("Douglas", "Krones"), (8, 22), ("MISALIGNMENT", "SENSOR", "ELECTRICAL")),
}
_SUPPLIERS = ((1, "Nordic Bearing Supply", "Sweden", 7), (2, "Rheinland Hydraulik", "Germany", 12),
              (3, "Iberia Industrial Parts", "Spain", 9), (4, "Morava Tech Components", "Czech Republic", 5),
              (5, "Baltic Motion", "Lithuania", 14), (6, "SensorWorks", "Netherlands", 10),
              (7, "Polar Seals Oy", "Finland", 6), (8, "Atlantic Belts", "Portugal", 8),
              (9, "Precision Drives Ltd", "United Kingdom", 21))
# (part, category, cost range, suppliers that stock it)
_PARTS = (
    ("Deep groove ball bearing 6205", "bearing", (8, 20), (1, 4)),
    ("Tapered roller bearing 30208", "bearing", (25, 60), (1,)),
    ("Spindle bearing set", "bearing", (400, 1200), (1, 9)),
    ("Shaft seal 45x62x8", "seal", (3, 9), (7,)),
    ("Hydraulic cylinder seal kit", "seal", (60, 180), (7, 2)),
    ("O-ring assortment", "seal", (15, 40), (7, 3)),
    ("Filler valve gasket", "seal", (6, 15), (7,)),
    ("V-belt SPA 1250", "belt", (12, 30), (8,)),
    ("Timing belt HTD 8M", "belt", (45, 120), (8, 5)),
    ("Conveyor belt section 2m", "belt", (180, 420), (8,)),
    ("Inductive proximity sensor", "sensor", (35, 90), (6,)),
    ("Photoelectric sensor", "sensor", (60, 150), (6,)),
    ("Temperature probe PT100", "sensor", (40, 110), (6, 4)),
    ("Pressure transducer", "sensor", (150, 380), (6, 2)),
    ("Hydraulic oil filter", "filter", (25, 70), (2, 3)),
    ("Air intake filter", "filter", (30, 85), (3,)),
    ("Coolant filter cartridge", "filter", (20, 55), (3, 4)),
    ("Servo motor 2.2 kW", "motor", (900, 2100), (9, 5)),
    ("Gear motor 0.75 kW", "motor", (380, 800), (5,)),
    ("Cooling fan motor", "motor", (120, 300), (4,)),
    ("Directional control valve", "hydraulic", (350, 900), (2,)),
    ("Hydraulic hose 1m", "hydraulic", (30, 80), (2, 3)),
    ("Hydraulic pump", "hydraulic", (1400, 3600), (2,)),
    ("Contactor 40A", "electrical", (45, 110), (4,)),
    ("Circuit breaker 16A", "electrical", (20, 55), (4, 3)),
    ("Frequency inverter 5.5 kW", "electrical", (650, 1400), (9, 4)),
    ("PLC I/O module", "electrical", (280, 620), (9,)),
    ("Induction coil", "electrical", (2200, 5200), (5,)),
    ("Welding contact tip pack", "consumable", (18, 45), (3,)),
    ("Spray nozzle", "consumable", (25, 70), (3, 5)),
    ("Label applicator pad", "consumable", (40, 95), (8,)),
    ("Cutting insert pack", "consumable", (60, 140), (1, 3)),
    ("Lubrication grease cartridge", "consumable", (8, 20), (3,)),
)
# failure code -> categories of spare part a repair of that kind draws on
_FAILURE_PARTS = {"BEARING": ("bearing", "seal"), "ELECTRICAL": ("electrical", "motor"),
                  "SOFTWARE": ("electrical",), "MISALIGNMENT": ("belt", "bearing"),
                  "HYDRAULIC LEAK": ("hydraulic", "seal"), "SENSOR": ("sensor",),
                  "OVERHEATING": ("motor", "filter")}
_PLANT_AS_OF = dt.datetime(2024, 12, 31, 23, 59)


def _plant_rows(rng: random.Random) -> dict[str, list[tuple]]:
    lines = [(i,) + line[:4] for i, line in enumerate(_LINES, 1)]
    machines, tag_counter = [], {}
    for line_id, (site, _, _, commissioned, kinds) in enumerate(_LINES, 1):
        for _ in range(rng.randint(5, 8)):
            kind = rng.choice(kinds)
            code, makers, power, _ = _MACHINE_TYPES[kind]
            key = (site, code)
            tag_counter[key] = tag_counter.get(key, 0) + 1
            installed = _day_between(rng, _date(commissioned), _date("2022-12-31"))
            criticality = _pick(rng, {"A": 25, "B": 45, "C": 30})
            retired = None
            if rng.random() < 0.05:
                retired = _day_between(rng, _date("2023-03-01"), _date("2024-10-31")).isoformat()
            tag = f"{_SITE_CODES[site]}-{code}-{tag_counter[key]:03d}"
            machines.append((len(machines) + 1, line_id, tag, kind, rng.choice(makers), installed.isoformat(),
                             round(rng.uniform(*power), 1), criticality, retired))
    site_of_machine = {m[0]: lines[m[1] - 1][1] for m in machines}

    technicians = []
    for tech_id, (first, last) in enumerate(_unique_people(rng, 24), 1):
        site = (tech_id - 1) % 3 + 1
        level = "master" if tech_id <= 3 else _pick(rng, {"master": 15, "journeyman": 55, "apprentice": 30})
        rate = round(rng.uniform(*{"master": (45, 58), "journeyman": (32, 42), "apprentice": (22, 28)}[level]), 2)
        hired = _day_between(rng, _date("2004-01-01"), _date("2015-12-31")) if level == "master" else \
            _day_between(rng, _date("2012-01-01"), _date("2024-03-31"))
        boss = None if level == "master" else site  # technicians 1..3 are each site's lead master
        technicians.append((tech_id, site, f"{first} {last}", _pick(rng, {"mechanical": 40, "electrical": 30,
                            "controls": 15, "hydraulics": 15}), level, rate, hired.isoformat(), boss))

    parts = []
    for part_id, (name, category, cost, sources) in enumerate(_PARTS, 1):
        reorder = rng.choice((2, 4, 5, 10, 20))
        stock = rng.randint(0, reorder * 4)
        parts.append((part_id, f"SP-{rng.randint(10000, 99999)}", name, category, rng.choice(sources),
                      round(rng.uniform(*cost), 2), stock, reorder))

    orders = []  # (opened, machine, kind) first; the details follow once they are in calendar order
    for m in machines:
        last = dt.datetime(2024, 12, 31) if m[8] is None else dt.datetime.fromisoformat(m[8])
        every = {"A": 60, "B": 120, "C": 180}[m[7]]
        moment = dt.datetime(2023, 1, 2, 7) + dt.timedelta(days=rng.randint(0, every - 1), hours=rng.randint(0, 8))
        while moment < last:
            orders.append((moment, m, "preventive"))
            moment += dt.timedelta(days=every, hours=rng.randint(-4, 4))
        age = 2024 - int(m[5][:4])
        for _ in range(rng.randint(0, {"A": 4, "B": 3, "C": 2}[m[7]] + age // 6)):
            day = _day_between(rng, _date("2023-01-01"), last.date() - dt.timedelta(days=1))
            moment = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)))
            orders.append((moment, m, "corrective"))
        if rng.random() < 0.6:
            for _ in range(rng.randint(1, 2)):
                day = _day_between(rng, _date("2023-01-01"), last.date() - dt.timedelta(days=1))
                orders.append((dt.datetime.combine(day, dt.time(rng.randint(7, 15), 0)), m, "inspection"))
    orders.sort(key=lambda o: (o[0], o[1][0]))

    work_orders, used_parts, labor = [], [], []
    for wo_id, (opened, m, kind) in enumerate(orders, 1):
        site = site_of_machine[m[0]]
        crew = [t for t in technicians if t[1] == site and t[6] <= opened.date().isoformat()]
        tech = None if rng.random() < 0.05 else rng.choice(crew)
        hours = {"preventive": rng.uniform(1, 6), "inspection": rng.uniform(0.5, 2),
                 "corrective": rng.lognormvariate(1.8, 0.8)}[kind]
        closed = opened + dt.timedelta(hours=round(hours, 2))
        if tech is None or closed > _PLANT_AS_OF or (kind == "corrective" and rng.random() < 0.02):
            closed = None  # still open: unassigned, not finished by the year end, or waiting for parts
        failure = None
        priority = {"preventive": 3, "inspection": 4, "corrective": 1 if m[7] == "A" else 2}[kind]
        if rng.random() < 0.1:
            priority = max(1, min(4, priority + rng.choice((-1, 1))))
        if kind == "corrective" and rng.random() > 0.05:
            failure = rng.choice(_MACHINE_TYPES[m[3]][3])
        downtime = None
        if closed is not None:
            downtime = {"corrective": int(hours * 60 * rng.uniform(0.6, 1.0)), "inspection": 0,
                        "preventive": 0 if rng.random() < 0.4 else int(hours * 60 * rng.uniform(0.3, 0.9))}[kind]
        work_orders.append((wo_id, m[0], kind, priority, _stamp(opened), closed and _stamp(closed),
                            tech and tech[0], failure, downtime))
        if closed is None:
            continue
        wanted = _FAILURE_PARTS.get(failure, ()) if kind == "corrective" else \
            ("filter", "consumable", "belt") if kind == "preventive" and rng.random() < 0.6 else ()
        candidates = [p for p in parts if p[3] in wanted]
        for part in rng.sample(candidates, min(len(candidates), rng.randint(1, 3))):
            used_parts.append((wo_id, part[0], rng.choice((1, 1, 1, 2, 2, 4))))
        remaining = hours
        day = opened.date()
        while remaining > 0.01:  # at most a shift of eight hours a day per work order
            chunk = min(8.0, remaining)
            labor.append((0, wo_id, tech[0], day.isoformat(), round(chunk * 4) / 4 or 0.25))
            remaining -= chunk
            day = min(day + dt.timedelta(days=1), closed.date())
        if rng.random() < 0.3 and len(crew) > 1:
            helper = rng.choice([t for t in crew if t is not tech])
            labor.append((0, wo_id, helper[0], opened.date().isoformat(), round(rng.uniform(0.5, 4) * 4) / 4))

    return {"sites": list(_SITES), "production_lines": lines, "machines": machines, "technicians": technicians,
            "suppliers": list(_SUPPLIERS), "spare_parts": parts, "work_orders": work_orders,
            "work_order_parts": used_parts, "labor_logs": [(i,) + r[1:] for i, r in enumerate(labor, 1)]}


# ---------------------------------------------------------------------------------------------
# Building, fingerprinting and loading.

# db id -> (seed, schema, row builder). Each database has its own seed so that changing one
# builder leaves the others' bytes alone.
_DATABASES = {
    "bike_share": (101, _BIKE_SHARE_SCHEMA, _bike_share_rows),
    "veterinary_clinic": (202, _VETERINARY_SCHEMA, _veterinary_rows),
    "music_streaming": (303, _MUSIC_SCHEMA, _music_rows),
    "hotel_bookings": (404, _HOTEL_SCHEMA, _hotel_rows),
    "public_grants": (505, _GRANTS_SCHEMA, _grants_rows),
    "plant_maintenance": (606, _PLANT_SCHEMA, _plant_rows),
}
DATABASES: tuple[str, ...] = tuple(_DATABASES)


def _contents(db_id: str) -> tuple[str, dict[str, list[tuple]], int]:
    """(schema, rows per table, fingerprint). The fingerprint is a CRC of both, small enough for
    PRAGMA user_version, so a stale file left by an older builder is noticed and rebuilt."""
    if db_id not in _DATABASES:
        raise KeyError(f"unknown devset database {db_id!r}; expected one of {', '.join(DATABASES)}")
    seed, schema, make_rows = _DATABASES[db_id]
    rows = make_rows(random.Random(seed))
    blob = json.dumps([schema, sorted(rows.items())], separators=(",", ":")).encode()
    return schema, rows, zlib.crc32(blob) & 0x7FFFFFFF or 1  # 0 is SQLite's "never set"


def _write(path: Path, schema: str, rows: dict[str, list[tuple]], fingerprint: int) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA foreign_keys = ON")  # a row that breaks a declared key fails the build
        # No journal and no fsync while writing the temporary file: os.replace below is what makes
        # the result appear whole, and a file broken by a crash fails the fingerprint and is rebuilt.
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.executescript(schema)
        for table, table_rows in rows.items():  # parents come first in every builder's dict
            if table_rows:
                marks = ", ".join("?" * len(table_rows[0]))
                con.executemany(f"INSERT INTO {table} VALUES ({marks})", table_rows)
        con.execute(f"PRAGMA user_version = {fingerprint}")
        con.commit()
    finally:
        con.close()
    os.replace(tmp, path)  # readers see the old file or the whole new one, never half of one
    return path


def _stored_fingerprint(path: Path) -> int | None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return con.execute("PRAGMA user_version").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return None


def build_database(db_id: str, path: Path) -> Path:
    """Write database ``db_id`` to ``path`` (replacing any file there) and return the path."""
    return _write(path, *_contents(db_id))


def build_all(folder: Path) -> dict[str, Path]:
    """Build every database as ``folder/<db_id>.sqlite``; a file whose fingerprint matches is kept."""
    out = {}
    for db_id in DATABASES:
        path = Path(folder) / f"{db_id}.sqlite"
        schema, rows, fingerprint = _contents(db_id)
        if not (path.is_file() and _stored_fingerprint(path) == fingerprint):
            _write(path, schema, rows, fingerprint)
        out[db_id] = path
    return out


def load_questions() -> list[dict]:
    """The hand-written questions: id, db_id, question, sql, difficulty and tags, in file order."""
    with QUESTIONS_PATH.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_split(folder: Path, per_database: int | None = None) -> Path:
    """The set as a dataset folder sftflow reads: databases/<db_id>.sqlite (built once) and test.jsonl with
    sql_prompt, sql and database (the file, relative to the folder); `per_database`: N questions of each
    database, evenly spaced through its list (which runs from easy to hard), for a smaller sample with the same
    mix. Returns the folder."""
    folder = Path(folder)
    build_all(folder / "databases")
    by_database: dict[str, list[dict]] = {}
    for question in load_questions():
        by_database.setdefault(question["db_id"], []).append(question)
    rows = []
    for db_id, questions in by_database.items():
        n = len(questions) if per_database is None else min(per_database, len(questions))
        for i in range(n):
            question = questions[i * len(questions) // n]
            rows.append({"id": question["id"], "sql_prompt": question["question"], "sql": question["sql"],
                         "database": f"databases/{db_id}.sqlite", "difficulty": question["difficulty"]})
    partial = folder / ".test.jsonl.partial"
    partial.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    os.replace(partial, folder / "test.jsonl")
    return folder
