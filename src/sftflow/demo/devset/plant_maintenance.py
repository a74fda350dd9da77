"""plant_maintenance: maintenance records of three factories, 2023-2024, as of 2024-12-31
(schema: plant_maintenance.sql).

Chain: work_order_parts -> work_orders -> machines -> production_lines -> sites; technicians.supervisor_id
points back into technicians (a self-reference). Critical machines get serviced more often, older ones break
more, and work orders still open at the year end have no close time.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .common import Rows, at, date, day_between, pick, stamp, unique_people

SEED = 606
SITES = (
    (1, "Brno Assembly Plant", "Brno", "Czech Republic", 1998),
    (2, "Tampere Components", "Tampere", "Finland", 2006),
    (3, "Porto Packaging Works", "Porto", "Portugal", 2012),
)
SITE_CODES = {1: "BRN", 2: "TMP", 3: "OPO"}
# (site, line, product family, commissioned, machine types on it)
LINES = (
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
MACHINE_TYPES = {
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
SUPPLIERS = ((1, "Nordic Bearing Supply", "Sweden", 7), (2, "Rheinland Hydraulik", "Germany", 12),
             (3, "Iberia Industrial Parts", "Spain", 9), (4, "Morava Tech Components", "Czech Republic", 5),
             (5, "Baltic Motion", "Lithuania", 14), (6, "SensorWorks", "Netherlands", 10),
             (7, "Polar Seals Oy", "Finland", 6), (8, "Atlantic Belts", "Portugal", 8),
             (9, "Precision Drives Ltd", "United Kingdom", 21))
# (part, category, cost range, suppliers that stock it)
PARTS = (
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
FAILURE_PARTS = {"BEARING": ("bearing", "seal"), "ELECTRICAL": ("electrical", "motor"),
                 "SOFTWARE": ("electrical",), "MISALIGNMENT": ("belt", "bearing"),
                 "HYDRAULIC LEAK": ("hydraulic", "seal"), "SENSOR": ("sensor",),
                 "OVERHEATING": ("motor", "filter")}
AS_OF = dt.datetime(2024, 12, 31, 23, 59)


def _machines(rng: random.Random) -> list[tuple]:
    machines, tag_counter = [], {}
    for line_id, (site, _, _, commissioned, kinds) in enumerate(LINES, 1):
        for _ in range(rng.randint(5, 8)):
            kind = rng.choice(kinds)
            code, makers, power, _ = MACHINE_TYPES[kind]
            key = (site, code)
            tag_counter[key] = tag_counter.get(key, 0) + 1
            installed = day_between(rng, date(commissioned), date("2022-12-31"))
            criticality = pick(rng, {"A": 25, "B": 45, "C": 30})
            retired = None
            if rng.random() < 0.05:
                retired = day_between(rng, date("2023-03-01"), date("2024-10-31")).isoformat()
            tag = f"{SITE_CODES[site]}-{code}-{tag_counter[key]:03d}"
            machines.append((len(machines) + 1, line_id, tag, kind, rng.choice(makers), installed.isoformat(),
                             round(rng.uniform(*power), 1), criticality, retired))
    return machines


def _technicians(rng: random.Random) -> list[tuple]:
    technicians = []
    for tech_id, (first, last) in enumerate(unique_people(rng, 24), 1):
        site = (tech_id - 1) % 3 + 1
        level = "master" if tech_id <= 3 else pick(rng, {"master": 15, "journeyman": 55, "apprentice": 30})
        rate = round(rng.uniform(*{"master": (45, 58), "journeyman": (32, 42), "apprentice": (22, 28)}[level]), 2)
        hired = day_between(rng, date("2004-01-01"), date("2015-12-31")) if level == "master" else \
            day_between(rng, date("2012-01-01"), date("2024-03-31"))
        boss = None if level == "master" else site  # technicians 1..3 are each site's lead master
        technicians.append((tech_id, site, f"{first} {last}", pick(rng, {"mechanical": 40, "electrical": 30,
                            "controls": 15, "hydraulics": 15}), level, rate, hired.isoformat(), boss))
    return technicians


def _parts(rng: random.Random) -> list[tuple]:
    parts = []
    for part_id, (name, category, cost, sources) in enumerate(PARTS, 1):
        reorder = rng.choice((2, 4, 5, 10, 20))
        stock = rng.randint(0, reorder * 4)
        parts.append((part_id, f"SP-{rng.randint(10000, 99999)}", name, category, rng.choice(sources),
                      round(rng.uniform(*cost), 2), stock, reorder))
    return parts


def _machine_orders(rng: random.Random, m: tuple) -> list[tuple[dt.datetime, tuple, str]]:
    """(opened, machine, kind): preventive on a schedule set by criticality, breakdowns more often on older
    machines, and a few inspections, up to the machine's retirement."""
    orders = []
    last = dt.datetime(2024, 12, 31) if m[8] is None else dt.datetime.fromisoformat(m[8])
    every = {"A": 60, "B": 120, "C": 180}[m[7]]
    moment = dt.datetime(2023, 1, 2, 7) + dt.timedelta(days=rng.randint(0, every - 1), hours=rng.randint(0, 8))
    while moment < last:
        orders.append((moment, m, "preventive"))
        moment += dt.timedelta(days=every, hours=rng.randint(-4, 4))
    age = 2024 - int(m[5][:4])
    for _ in range(rng.randint(0, {"A": 4, "B": 3, "C": 2}[m[7]] + age // 6)):
        day = day_between(rng, date("2023-01-01"), last.date() - dt.timedelta(days=1))
        orders.append((at(rng, day, rng.randint(0, 23)), m, "corrective"))
    if rng.random() < 0.6:
        for _ in range(rng.randint(1, 2)):
            day = day_between(rng, date("2023-01-01"), last.date() - dt.timedelta(days=1))
            orders.append((dt.datetime.combine(day, dt.time(rng.randint(7, 15), 0)), m, "inspection"))
    return orders


@dataclass
class _Shop:
    """The plants' people and stores, and the records their work orders add."""

    technicians: list[tuple]
    parts: list[tuple]
    site_of_machine: dict[int, int]
    work_orders: list[tuple] = field(default_factory=list)
    used_parts: list[tuple] = field(default_factory=list)
    labor: list[tuple] = field(default_factory=list)

    def work_order(self, rng: random.Random, wo_id: int, opened: dt.datetime, m: tuple, kind: str) -> None:
        site = self.site_of_machine[m[0]]
        crew = [t for t in self.technicians if t[1] == site and t[6] <= opened.date().isoformat()]
        tech = None if rng.random() < 0.05 else rng.choice(crew)
        # every kind's duration is drawn, whichever applies: the draws stay in step between kinds
        hours = {"preventive": rng.uniform(1, 6), "inspection": rng.uniform(0.5, 2),
                 "corrective": rng.lognormvariate(1.8, 0.8)}[kind]
        closed = opened + dt.timedelta(hours=round(hours, 2))
        if tech is None or closed > AS_OF or (kind == "corrective" and rng.random() < 0.02):
            closed = None  # still open: unassigned, not finished by the year end, or waiting for parts
        priority, failure = _priority_and_failure(rng, m, kind)
        downtime = None
        if closed is not None:
            downtime = {"corrective": int(hours * 60 * rng.uniform(0.6, 1.0)), "inspection": 0,
                        "preventive": 0 if rng.random() < 0.4 else int(hours * 60 * rng.uniform(0.3, 0.9))}[kind]
        self.work_orders.append((wo_id, m[0], kind, priority, stamp(opened), closed and stamp(closed),
                                 tech and tech[0], failure, downtime))
        if closed is not None:
            self.use_parts(rng, wo_id, kind, failure)
            self.log_hours(rng, wo_id, opened, closed, hours, tech, crew)

    def use_parts(self, rng: random.Random, wo_id: int, kind: str, failure: str | None) -> None:
        wanted = FAILURE_PARTS.get(failure, ()) if kind == "corrective" else \
            ("filter", "consumable", "belt") if kind == "preventive" and rng.random() < 0.6 else ()
        candidates = [p for p in self.parts if p[3] in wanted]
        for part in rng.sample(candidates, min(len(candidates), rng.randint(1, 3))):
            self.used_parts.append((wo_id, part[0], rng.choice((1, 1, 1, 2, 2, 4))))

    def log_hours(self, rng: random.Random, wo_id: int, opened: dt.datetime, closed: dt.datetime, hours: float,
                  tech: tuple, crew: list[tuple]) -> None:
        remaining = hours
        day = opened.date()
        while remaining > 0.01:  # at most a shift of eight hours a day per work order
            chunk = min(8.0, remaining)
            self.labor.append((0, wo_id, tech[0], day.isoformat(), round(chunk * 4) / 4 or 0.25))
            remaining -= chunk
            day = min(day + dt.timedelta(days=1), closed.date())
        if rng.random() < 0.3 and len(crew) > 1:
            helper = rng.choice([t for t in crew if t is not tech])
            self.labor.append((0, wo_id, helper[0], opened.date().isoformat(), round(rng.uniform(0.5, 4) * 4) / 4))


def _priority_and_failure(rng: random.Random, m: tuple, kind: str) -> tuple[int, str | None]:
    """Priority by kind (a breakdown of a critical machine comes first), sometimes nudged; a breakdown's cause."""
    priority = {"preventive": 3, "inspection": 4, "corrective": 1 if m[7] == "A" else 2}[kind]
    if rng.random() < 0.1:
        priority = max(1, min(4, priority + rng.choice((-1, 1))))
    failure = None
    if kind == "corrective" and rng.random() > 0.05:
        failure = rng.choice(MACHINE_TYPES[m[3]][3])
    return priority, failure


def rows(rng: random.Random) -> Rows:
    lines = [(i,) + line[:4] for i, line in enumerate(LINES, 1)]
    machines = _machines(rng)
    shop = _Shop(_technicians(rng), _parts(rng), {m[0]: lines[m[1] - 1][1] for m in machines})
    orders = [order for m in machines for order in _machine_orders(rng, m)]
    orders.sort(key=lambda o: (o[0], o[1][0]))
    for wo_id, (opened, m, kind) in enumerate(orders, 1):
        shop.work_order(rng, wo_id, opened, m, kind)
    return {"sites": list(SITES), "production_lines": lines, "machines": machines, "technicians": shop.technicians,
            "suppliers": list(SUPPLIERS), "spare_parts": shop.parts, "work_orders": shop.work_orders,
            "work_order_parts": shop.used_parts, "labor_logs": [(i,) + r[1:] for i, r in enumerate(shop.labor, 1)]}
