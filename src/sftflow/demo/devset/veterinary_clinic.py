"""veterinary_clinic: three clinics of one practice, 2023-2024 (schema: veterinary_clinic.sql).

Chains: treatments -> appointments -> pets -> breeds -> species, and appointments -> veterinarians -> clinics.
Rescues have no birth date, exotic pets go to the exotics vets, some invoices are never paid.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .common import Rows, date, day_between, email, iso_day_between, pick, stamp, unique_people, unless

SEED = 202
CLINICS = ((1, "Riverbend Animal Hospital", "Eugene", "541-555-0142", "2004-03-15"),
           (2, "High Desert Veterinary", "Bend", "541-555-0199", "2011-09-01"),
           (3, "Capitol Pet Clinic", "Salem", "503-555-0117", "2017-06-12"))
TOWNS = {1: ("Eugene", "Springfield"), 2: ("Bend", "Redmond"), 3: ("Salem", "Keizer")}
STAFF = (
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
SPECIES = ((1, "Dog", 12), (2, "Cat", 15), (3, "Rabbit", 9), (4, "Bird", 18), (5, "Lizard", 12))
# (species id, breed, size class, weight range in kg)
BREEDS = (
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
PET_NAMES = ("Max", "Bella", "Luna", "Charlie", "Milo", "Daisy", "Oliver", "Coco", "Rocky", "Pepper",
             "Biscuit", "Nala", "Ziggy", "Mango", "Kiwi", "Spike", "Thumper", "Juniper", "Olive", "Bruno",
             "Willow", "Scout", "Maple", "Finn", "Hazel", "Tofu", "Pickles", "Sage", "Bear", "Cleo",
             "Gizmo", "Poppy", "Rusty", "Sunny", "Waffles", "Zeus", "Mochi", "Indie", "Basil", "Toast")
PROCEDURES = (
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
VACCINES = {"VX-RAB": ("Rabies", 1095), "VX-DHPP": ("DHPP", 365), "VX-BORD": ("Bordetella", 365),
            "VX-FVRCP": ("FVRCP", 365), "VX-RHDV": ("RHDV2", 365)}
SPECIES_VACCINES = {1: ("VX-RAB", "VX-DHPP", "VX-BORD"), 2: ("VX-RAB", "VX-FVRCP"), 3: ("VX-RHDV",), 4: (), 5: ()}
REASONS = {"Annual wellness exam": 33, "Vaccination": 14, "Skin irritation": 8, "Limping": 7,
           "Vomiting or diarrhea": 8, "Dental cleaning": 7, "Ear infection": 6, "Spay or neuter": 4,
           "Lump check": 5, "Follow-up visit": 6, "Nail or beak trim": 2}


def _procedures(rng: random.Random, reason: str, species: int, sex: str) -> list[tuple[str, int]]:
    """The (procedure code, quantity) list a completed visit for ``reason`` bills."""
    vaccines = list(SPECIES_VACCINES[species])
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


def _owners(rng: random.Random) -> list[tuple]:
    owners = []
    for owner_id, (first, last) in enumerate(unique_people(rng, 210), 1):
        clinic = unless(rng, 0.08, pick, rng, {1: 45, 2: 35, 3: 20})
        town = rng.choice(TOWNS[clinic or rng.randint(1, 3)])
        address = unless(rng, 0.15, email, first, last, owner_id, "petmail.example")
        phone = f"{'503' if town in ('Salem', 'Keizer') else '541'}-555-{rng.randint(1000, 9999)}"
        registered = day_between(rng, date("2012-01-01"), date("2024-09-30"))
        if clinic:  # nobody registers with a clinic before it opens
            registered = max(registered, date(CLINICS[clinic - 1][4]))
        owners.append((owner_id, first, last, address, phone, town, clinic, registered.isoformat()))
    return owners


def _pets(rng: random.Random, owners: list[tuple], breeds: list[tuple]) -> list[tuple]:
    species_weight = {1: 50, 2: 35, 3: 6, 4: 5, 5: 4}
    # a species' share is split evenly over its breeds
    breed_weight = [species_weight[b[1]] / sum(1 for x in breeds if x[1] == b[1]) for b in breeds]
    pets = []
    for pet_id in range(1, 281):
        owner = rng.choice(owners)
        breed_id = rng.choices(range(1, len(breeds) + 1), weights=breed_weight)[0]
        species, size = breeds[breed_id - 1][1], BREEDS[breed_id - 1][3]
        sex = rng.choice("MF")
        birth = unless(rng, 0.1, iso_day_between, rng, "2008-01-01", "2024-06-30")  # a rescue: birth unknown
        weight = rng.uniform(*size)
        weight = round(weight, 3 if weight < 1 else 1)
        neutered = int(rng.random() < (0.75 if species in (1, 2) else 0.2))
        chip_rate = {1: 0.8, 2: 0.8, 3: 0.3}.get(species, 0.0)
        chip = f"985{rng.randint(10**11, 10**12 - 1)}" if rng.random() < chip_rate else None
        pets.append((pet_id, owner[0], breed_id, rng.choice(PET_NAMES), sex, birth, weight, neutered, chip))
    return pets


def _visits(rng: random.Random, pets: list[tuple]) -> list[tuple[dt.datetime, tuple]]:
    """(slot, pet) pairs, drawn first and sorted, so appointment ids follow the calendar."""
    visits = []
    for _ in range(1000):
        pet = rng.choice(pets)
        day = day_between(rng, max(date(pet[5] or "2023-01-02"), date("2023-01-02")), date("2024-12-30"))
        if day.weekday() == 6:  # clinics are closed on Sundays
            day += dt.timedelta(days=1)
        visits.append((dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=15 * rng.randint(0, 38)), pet))
    visits.sort(key=lambda v: (v[0], v[1][0]))
    return visits


@dataclass
class _Practice:
    """The practice's people and animals, and the records its visits add."""

    vets: list[tuple]
    owners: list[tuple]
    breeds: list[tuple]
    appointments: list[tuple] = field(default_factory=list)
    treatments: list[tuple] = field(default_factory=list)
    invoices: list[tuple] = field(default_factory=list)
    vaccinations: list[tuple] = field(default_factory=list)

    def vet_for(self, rng: random.Random, clinic: int, day: str, species: int) -> tuple:
        """A vet of the clinic hired by then; an exotic pet sees an exotics vet four times in five."""
        staff = [v for v in self.vets if v[1] == clinic and v[6] <= day]
        exotic_staff = [v for v in staff if v[4] == "Exotics"]
        return rng.choice(exotic_staff if species > 2 and exotic_staff and rng.random() < 0.8 else staff)

    def visit(self, rng: random.Random, appointment_id: int, slot: dt.datetime, pet: tuple) -> None:
        species = self.breeds[pet[2] - 1][1]
        clinic = self.owners[pet[1] - 1][6] or rng.randint(1, 3)
        vet = self.vet_for(rng, clinic, slot.date().isoformat(), species)
        reason = pick(rng, REASONS)
        status = pick(rng, {"completed": 80, "cancelled": 11, "no-show": 9})
        self.appointments.append((appointment_id, pet[0], vet[0], stamp(slot), reason, status))
        if status == "completed":
            total = self.treat(rng, appointment_id, slot.date(), pet, vet, _procedures(rng, reason, species, pet[4]))
            self.invoice(rng, appointment_id, slot.date(), total)

    def treat(self, rng: random.Random, appointment_id: int, day: dt.date, pet: tuple, vet: tuple,
              procedures: list[tuple[str, int]]) -> float:
        """Bill each procedure (a few at a 10% discount) and record vaccines; returns the visit's total."""
        prices = {p[0]: p[3] for p in PROCEDURES}
        total = 0.0
        for code, qty in procedures:
            amount = round(prices[code] * qty * (0.9 if rng.random() < 0.08 else 1.0), 2)
            total += amount
            self.treatments.append((len(self.treatments) + 1, appointment_id, code, qty, amount))
            if code in VACCINES:
                name, valid_days = VACCINES[code]
                due = None if rng.random() < 0.07 else (day + dt.timedelta(days=valid_days)).isoformat()
                self.vaccinations.append((len(self.vaccinations) + 1, pet[0], vet[0], name, day.isoformat(), due,
                                          f"L{rng.randint(100000, 999999)}"))
        return total

    def invoice(self, rng: random.Random, appointment_id: int, day: dt.date, total: float) -> None:
        unpaid = rng.random() < 0.06
        paid = None if unpaid else (day + dt.timedelta(days=rng.choice((0, 0, 0, 1, 3, 7, 14, 30)))).isoformat()
        method = None if unpaid else pick(rng, {"card": 70, "cash": 10, "pet insurance": 20})
        self.invoices.append((len(self.invoices) + 1, appointment_id, day.isoformat(), round(total, 2), paid, method))


def rows(rng: random.Random) -> Rows:
    vets = [(i, c, first, last, spec, f"OR-VET-{rng.randint(10000, 99999)}", hired)
            for i, (c, first, last, spec, hired) in enumerate(STAFF, 1)]
    owners = _owners(rng)
    breeds = [(i, s, name, size) for i, (s, name, size, _) in enumerate(BREEDS, 1)]
    pets = _pets(rng, owners, breeds)
    practice = _Practice(vets, owners, breeds)
    for appointment_id, (slot, pet) in enumerate(_visits(rng, pets), 1):
        practice.visit(rng, appointment_id, slot, pet)
    return {"clinics": list(CLINICS), "veterinarians": vets, "owners": owners, "species": list(SPECIES),
            "breeds": breeds, "pets": pets, "procedures": list(PROCEDURES), "appointments": practice.appointments,
            "treatments": practice.treatments, "invoices": practice.invoices, "vaccinations": practice.vaccinations}
