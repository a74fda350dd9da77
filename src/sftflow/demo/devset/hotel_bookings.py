"""hotel_bookings: six independent hotels on one booking system, data as of 2024-12-31 (schema: hotel_bookings.sql).

Chain: payments -> reservations -> rooms -> room_types -> hotels. Loyal guests come back more often, rooms are
never double-booked, stays after the cut-off are confirmed but not yet paid, and some guests write a review.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .common import (
    Rows,
    at,
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

SEED = 404
HOTELS = (
    (1, "Harbourview Grand", "Lisbon", "Portugal", 5, 1998),
    (2, "Alpenrose Lodge", "Innsbruck", "Austria", 4, 1986),
    (3, "Canal House Inn", "Amsterdam", "Netherlands", 3, 2008),
    (4, "Sierra Vista Resort", "Granada", "Spain", 4, 2012),
    (5, "Old Town Suites", "Tallinn", "Estonia", 3, 2016),
    (6, "Bayfront Plaza", "Cork", "Ireland", 4, 2003),
)
# (hotel id, type, beds, max occupancy, base rate, number of rooms)
ROOM_TYPES = (
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
SERVICES = ((1, "Breakfast buffet", "dining", 18.5), (2, "Room service dinner", "dining", 42.0),
            (3, "Airport transfer", "transport", 55.0), (4, "Valet parking", "parking", 28.0),
            (5, "Massage (60 min)", "spa", 95.0), (6, "Laundry bag", "laundry", 22.0),
            (7, "Minibar", "dining", 14.0), (8, "Late checkout", "front desk", 40.0),
            (9, "Bike rental", "transport", 15.0), (10, "Guided city tour", "excursions", 35.0))
MOOD = {1: 8.6, 2: 8.8, 3: 7.2, 4: 8.1, 5: 8.3, 6: 7.9}  # how each hotel's guests tend to score it
NATIONALITIES = {"Germany": 18, "United Kingdom": 16, "United States": 14, "France": 10, "Spain": 8,
                 "Netherlands": 7, "Italy": 7, "Portugal": 5, "Ireland": 5, "Japan": 4, "Brazil": 3, "Canada": 3}
REVIEW_TITLES = {True: ("Wonderful stay", "Would come back", "Perfect location", "Great staff", "Loved it"),
                 False: ("Noisy room", "Not as pictured", "Disappointing", "Slow check-in", "Tired decor")}
AS_OF = "2024-12-31"
BOOKED = ("checked out", "confirmed", "in house")  # the statuses that hold a room


def _rooms(rng: random.Random) -> tuple[list[tuple], list[tuple]]:
    room_types, rooms = [], []
    for type_id, (hotel_id, name, beds, occupancy, rate, count) in enumerate(ROOM_TYPES, 1):
        room_types.append((type_id, hotel_id, name, beds, occupancy, rate))
        for _ in range(count):
            floor = rng.randint(1, 6 if hotel_id in (1, 6) else 4)
            taken = {r[2] for r in rooms if r[1] in [t[0] for t in room_types if t[1] == hotel_id]}
            number = next(f"{floor}{n:02d}" for n in range(1, 99) if f"{floor}{n:02d}" not in taken)
            renovated = unless(rng, 0.3, rng.randint, 2010, 2023)
            rooms.append((len(rooms) + 1, type_id, number, floor, int(rng.random() < 0.08), renovated))
    return room_types, rooms


def _guests(rng: random.Random) -> tuple[list[tuple], list[int]]:
    """The guests, and how often each comes back: loyalty members more often."""
    guests, loyalty = [], []
    for guest_id, (first, last) in enumerate(unique_people(rng, 420), 1):
        tier = pick(rng, {None: 60, "silver": 20, "gold": 13, "platinum": 7})
        address = unless(rng, 0.12, email, first, last, guest_id, "guestmail.example")
        birth = unless(rng, 0.25, iso_day_between, rng, "1945-01-01", "2004-12-31")
        guests.append((guest_id, first, last, address, pick(rng, NATIONALITIES), tier, birth))
        loyalty.append({None: 1, "silver": 2, "gold": 4, "platinum": 6}[tier])
    return guests, loyalty


@dataclass
class _Hotels:
    room_types: list[tuple]
    rooms: list[tuple]
    booked_nights: dict[int, set] = field(default_factory=dict)  # room id -> nights it is taken

    def free_rooms(self, hotel: int, guests: int, stay: set) -> list[tuple]:
        """Rooms of the hotel that are big enough and not taken on any night of the stay."""
        return [r for r in self.rooms if self.room_types[r[1] - 1][1] == hotel
                and self.room_types[r[1] - 1][4] >= guests and not stay & self.booked_nights.get(r[0], set())]


def _check_in(rng: random.Random) -> dt.date:
    check_in = seasonal_day(rng, (2023, 2024), (5, 5, 7, 8, 9, 11, 13, 13, 10, 8, 5, 7))
    if check_in.year == 2024 and rng.random() < 0.1:  # a slice of future stays, booked but not yet due
        check_in = day_between(rng, date("2025-01-01"), date("2025-03-31"))
    return check_in


def _status(rng: random.Random, check_in: dt.date, nights: int) -> str:
    if check_in.isoformat() > AS_OF:
        return "confirmed"
    status = pick(rng, {"checked out": 83, "cancelled": 12, "no-show": 5})
    if status == "checked out" and (check_in + dt.timedelta(days=nights)).isoformat() > AS_OF:
        return "in house"
    return status


def _reservation(rng: random.Random, guests: list[tuple], loyalty: list[int], hotels: _Hotels) -> tuple | None:
    """One booking, or None when the hotel drawn has no room free for it."""
    guest = rng.choices(guests, weights=loyalty)[0]
    check_in = _check_in(rng)
    nights = pick(rng, {1: 18, 2: 26, 3: 22, 4: 12, 5: 8, 6: 4, 7: 6, 10: 2, 14: 2})
    adults = pick(rng, {1: 30, 2: 60, 3: 6, 4: 4})
    children = pick(rng, {0: 80, 1: 12, 2: 8}) if adults >= 2 else 0
    hotel = pick(rng, {h[0]: sum(t[5] for t in ROOM_TYPES if t[0] == h[0]) for h in HOTELS})
    stay = {check_in + dt.timedelta(days=i) for i in range(nights)}
    free = hotels.free_rooms(hotel, adults + children, stay)
    if not free:
        return None
    room = rng.choice(free)
    status = _status(rng, check_in, nights)
    if status in BOOKED:
        hotels.booked_nights.setdefault(room[0], set()).update(stay)
    lead = min(300, int(rng.expovariate(1 / 35)))
    booked = at(rng, check_in - dt.timedelta(days=lead), rng.randint(0, 23))
    channel = pick(rng, {"direct": 30, "online travel agency": 45, "corporate": 12, "travel agent": 13})
    season = {6: 1.25, 7: 1.3, 8: 1.3, 12: 1.15, 1: 0.85, 2: 0.85}.get(check_in.month, 1.0)
    rate = hotels.room_types[room[1] - 1][5] * season * (0.9 if channel == "corporate" else 1.0) * \
        (0.95 if guest[5] in ("gold", "platinum") else 1.0)
    return (0, guest[0], room[0], stamp(booked), check_in.isoformat(),
            (check_in + dt.timedelta(days=nights)).isoformat(), adults, children, channel, status, round(rate, 2))


@dataclass
class _Folio:
    """What the stays add up to: extra charges, payments and reviews."""

    charges: list[tuple] = field(default_factory=list)
    payments: list[tuple] = field(default_factory=list)
    reviews: list[tuple] = field(default_factory=list)

    def extras(self, rng: random.Random, res: tuple, nights: int) -> float:
        """Services a checked-out guest used during the stay; returns their total."""
        extras = 0.0
        for _ in range(pick(rng, {0: 35, 1: 25, 2: 20, 3: 12, 4: 8})):
            service = rng.choices(SERVICES, weights=(30, 8, 8, 10, 6, 6, 14, 6, 6, 6))[0]
            qty = rng.randint(1, max(1, nights * res[6])) if service[0] in (1, 4) else rng.randint(1, 2)
            day = date(res[4]) + dt.timedelta(days=rng.randint(0, nights - 1))
            moment = at(rng, day, rng.randint(7, 22))
            self.charges.append((0, res[0], service[0], stamp(moment), qty, round(qty * service[3], 2)))
            extras += round(qty * service[3], 2)
        return extras

    def pay(self, rng: random.Random, res: tuple, total: float, method: str) -> None:
        """A deposit at booking and the rest at checkout, or everything at checkout; a night as a penalty."""
        res_id, booked, check_in, status, rate = res[0], res[3], res[4], res[9], res[10]
        checkout_time = stamp(at(rng, date(res[5]), 10))
        if status in BOOKED and rng.random() < 0.45:  # deposit taken at booking
            deposit = round(rate, 2)
            self.payments.append((0, res_id, booked, deposit, method))
            if status == "checked out":
                self.payments.append((0, res_id, checkout_time, round(total - deposit, 2), method))
        elif status == "checked out":
            self.payments.append((0, res_id, checkout_time, total, method))
        elif status == "no-show" or rng.random() < 0.4:  # one night is kept as a penalty
            when = check_in + " 23:00:00" if status == "no-show" else booked
            self.payments.append((0, res_id, when, round(rate, 2), method))

    def review(self, rng: random.Random, res: tuple, mood: float) -> None:
        written = (date(res[5]) + dt.timedelta(days=rng.randint(0, 21))).isoformat()
        if res[9] == "checked out" and written <= AS_OF and rng.random() < 0.4:
            score = _score(rng, mood, 1.3)
            clean = unless(rng, 0.2, _score, rng, mood, 1.1)
            staff = unless(rng, 0.25, _score, rng, mood + 0.3, 1.2)
            title = unless(rng, 0.35, lambda: rng.choice(REVIEW_TITLES[score >= 7]))
            self.reviews.append((0, res[0], written, score, clean, staff, title))


def _score(rng: random.Random, mood: float, spread: float) -> int:
    return max(1, min(10, round(rng.gauss(mood, spread))))


def _settle(rng: random.Random, res: tuple, hotels: _Hotels, folio: _Folio) -> None:
    nights = (date(res[5]) - date(res[4])).days
    method = "bank transfer" if res[8] == "corporate" else \
        pick(rng, {"card": 78, "cash": 8, "bank transfer": 8, "voucher": 6})
    extras = folio.extras(rng, res, nights) if res[9] == "checked out" else 0.0
    folio.pay(rng, res, round(nights * res[10] + extras, 2), method)
    folio.review(rng, res, MOOD[hotels.room_types[hotels.rooms[res[2] - 1][1] - 1][1]])


def rows(rng: random.Random) -> Rows:
    room_types, rooms = _rooms(rng)
    guests, loyalty = _guests(rng)
    hotels = _Hotels(room_types, rooms)
    drawn = (_reservation(rng, guests, loyalty, hotels) for _ in range(1150))
    reservations = chronological([r for r in drawn if r is not None], 3)
    folio = _Folio()
    for res in reservations:
        _settle(rng, res, hotels, folio)
    return {"hotels": list(HOTELS), "room_types": room_types, "rooms": rooms, "guests": guests,
            "reservations": reservations, "payments": chronological(folio.payments, 2),
            "services": list(SERVICES), "service_charges": chronological(folio.charges, 3),
            "guest_reviews": chronological(folio.reviews, 2)}
