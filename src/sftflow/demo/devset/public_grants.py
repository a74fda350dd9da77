"""public_grants: a grants office's records across six funders, data as of 2025-06-30 (schema: public_grants.sql).

Chain: disbursements -> awards -> applications -> grant_programs -> funders. Applicants cluster near the
deadline, panels fund the best until the budget runs out, and reports come in late or not at all.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .common import Rows, add_months, at, chronological, date, email, pick, stamp, unique_people, unless

SEED = 505
FUNDERS = ((1, "Ridgeway Science Foundation", "private foundation", "United Kingdom", 1987),
           (2, "Atlantic Research Agency", "government agency", "Ireland", 1995),
           (3, "Coastal Communities Trust", "charitable trust", "United Kingdom", 2001),
           (4, "Green Futures Fund", "government agency", "Netherlands", 2010),
           (5, "Halden Industries Giving", "corporate foundation", "Norway", 2014),
           (6, "Lindqvist Heritage Foundation", "private foundation", "Sweden", 1972))
# (funder, programme, focus, call opens, call closes, max award, total budget, share of applications)
PROGRAMS = (
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
CITIES = (("Galway", "Ireland"), ("Cork", "Ireland"), ("Dublin", "Ireland"), ("Bristol", "United Kingdom"),
          ("Aberdeen", "United Kingdom"), ("Plymouth", "United Kingdom"), ("Leeds", "United Kingdom"),
          ("Utrecht", "Netherlands"), ("Groningen", "Netherlands"), ("Rotterdam", "Netherlands"),
          ("Bergen", "Norway"), ("Tromso", "Norway"), ("Uppsala", "Sweden"), ("Malmo", "Sweden"),
          ("Porto", "Portugal"))
TITLE_WORDS = {
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
TITLE_ACTIONS = ("Scaling", "Piloting", "Evaluating", "Co-designing", "Mapping", "Rethinking", "Sustaining")
TITLE_PLACES = ("in Coastal Towns", "for Rural Communities", "across Small Cities", "in Northern Europe",
                "for Ageing Populations", "in Island Regions", "")
AS_OF = "2025-06-30"


def _organizations(rng: random.Random) -> list[tuple]:
    """Universities, institutes, councils, charities and companies with plausible names."""
    orgs, names = [], set()

    def add(name: str, kind: str, city: str, country: str) -> None:
        if name in names:
            return
        names.add(name)
        founded = None if rng.random() < 0.15 else rng.randint(1850 if kind == "university" else 1960, 2021)
        charity = f"CHY{rng.randint(10000, 99999)}" if kind == "charity" else None
        orgs.append((len(orgs) + 1, name, kind, city, country, founded, charity))

    for city, country in rng.sample(CITIES, 12):
        add(f"University of {city}", "university", city, country)
    for city, country in rng.sample(CITIES, 9):
        add(f"{city} {rng.choice(('City', 'County', 'Harbour'))} Council", "local authority", city, country)
    for city, country in rng.sample(CITIES, 8):
        topic = rng.choice(("Marine Science", "Public Health", "Sustainability", "Data Science"))
        add(f"{city} Institute for {topic}", "research institute", city, country)
    while len(orgs) < 62:
        city, country = rng.choice(CITIES)
        add(f"{rng.choice(('Bright', 'Open', 'Blue', 'Common', 'Tidal', 'Civic', 'Rooted', 'Harbour'))} "
            f"{rng.choice(('Water', 'Futures', 'Ground', 'Commons', 'Horizons', 'Pathways', 'Currents'))} "
            f"{rng.choice(('Trust', 'Collective', 'Network', 'Society', 'Alliance'))}", "charity", city, country)
    while len(orgs) < 78:
        city, country = rng.choice(CITIES)
        add(f"{rng.choice(('Aqua', 'Terra', 'Helio', 'Kelp', 'Volt', 'Geo', 'Loop', 'Nimbus'))}"
            f"{rng.choice(('Sense', 'Works', 'Labs', 'Grid', 'Metrics', 'Forge'))} Ltd", "company", city, country)
    return orgs


def _orcid(rng: random.Random) -> str:
    return f"0000-000{rng.randint(1, 3)}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"


def _investigators(rng: random.Random, orgs: list[tuple]) -> list[tuple]:
    kind_weight = {"university": 8, "research institute": 5, "local authority": 2, "charity": 2, "company": 1}
    org_weight = [kind_weight[o[2]] for o in orgs]
    investigators = []
    for inv_id, (first, last) in enumerate(unique_people(rng, 170), 1):
        org = rng.choices(orgs, weights=org_weight)[0]
        domain = org[1].lower().replace(" ", "")[:18] + ".example"
        orcid = unless(rng, 0.35, _orcid, rng)
        stage = pick(rng, {"early career": 35, "mid career": 40, "senior": 25})
        investigators.append((inv_id, org[0], f"{first} {last}", email(first, last, inv_id, domain), orcid, stage))
    return investigators


def _reviewers(rng: random.Random, orgs: list[tuple], programs: list[tuple]) -> list[tuple]:
    """Reviewers take the focus areas in turn, so every area has experts."""
    reviewers = []
    focus_areas = sorted({p[3] for p in programs})
    for rev_id, (first, last) in enumerate(unique_people(rng, 28), 1):
        area = focus_areas[(rev_id - 1) % len(focus_areas)]
        affiliation = None if rng.random() < 0.3 else rng.choice(orgs)[1]
        reviewers.append((rev_id, f"{first} {last}", area, rng.choice(CITIES)[1], affiliation))
    return reviewers


def _application(rng: random.Random, programs: list[tuple], investigators: list[tuple]) -> list:
    """[id (set later), program, org, investigator, title, submitted, requested, status (set later)]."""
    program = rng.choices(programs, weights=[p[7] for p in PROGRAMS])[0]
    inv = rng.choice(investigators)
    opens, closes = date(program[4]), date(program[5])
    # applicants cluster near the deadline
    submitted = closes - dt.timedelta(days=min((closes - opens).days, int(rng.expovariate(1 / 12))))
    requested = round(program[6] * rng.uniform(0.3, 1.0) / 500) * 500.0
    if rng.random() < 0.03:
        requested = round(program[6] * 1.2 / 500) * 500.0  # over the cap: ruled ineligible
    action, subject = rng.choice(TITLE_ACTIONS), rng.choice(TITLE_WORDS[program[3]])
    title = f"{action} {subject} {rng.choice(TITLE_PLACES)}".strip()
    return [0, program[0], inv[1], inv[0], title, submitted.isoformat(), requested, ""]


@dataclass
class _Office:
    """The grants office's decisions: each application's hidden quality, its reviews, awards and follow-up."""

    programs: list[tuple]
    reviewers: list[tuple]
    quality: dict[int, float] = field(default_factory=dict)
    reviews: list[tuple] = field(default_factory=list)
    awards: list[tuple] = field(default_factory=list)
    reports: list[tuple] = field(default_factory=list)
    disbursements: list[tuple] = field(default_factory=list)

    def screen(self, rng: random.Random, app: list) -> None:
        """Rule out ineligible and withdrawn applications; a panel of two to three reviews the rest."""
        program = self.programs[app[1] - 1]
        if app[6] > program[6]:
            app[7] = "ineligible"
            return
        if rng.random() < 0.05:
            app[7] = "withdrawn"
            return
        self.quality[app[0]] = rng.gauss(6.2, 1.5)
        experts = [r for r in self.reviewers if r[2] == program[3]]
        outsiders = [r for r in self.reviewers if r not in experts]
        panel = rng.sample(experts, min(len(experts), 2)) + rng.sample(outsiders, 1)
        for reviewer in panel[:rng.choice((2, 3, 3))]:
            day = date(program[5]) + dt.timedelta(days=rng.randint(5, 45))
            moment = at(rng, day, rng.randint(8, 22), seconds=True)
            if stamp(moment) > AS_OF:
                continue
            score = max(1, min(10, round(rng.gauss(self.quality[app[0]], 1.2))))
            verdict = "fund" if score >= 8 else "fund with changes" if score >= 6 else "do not fund"
            self.reviews.append((app[0], reviewer[0], score, verdict, stamp(moment)))

    def decide(self, rng: random.Random, program: tuple, applications: list[list]) -> None:
        """The panel funds the best until the money runs out; decisions after the cut-off are pending."""
        decision = date(program[5]) + dt.timedelta(days=rng.randint(60, 95))
        pool = [a for a in applications if a[1] == program[0] and not a[7]]
        if decision.isoformat() > AS_OF:
            for app in pool:
                app[7] = "under review"
            return
        budget = program[7]
        for app in sorted(pool, key=lambda a: -self.quality[a[0]]):
            cut = rng.choice((1.0, 1.0, 0.9, 0.8))
            amount = round(app[6] * cut / 100) * 100.0
            if self.quality[app[0]] < 6.3 or amount > budget:
                app[7] = "rejected"
                continue
            budget -= amount
            app[7] = "awarded"
            start = decision + dt.timedelta(days=rng.randint(30, 90))
            end = add_months(start, rng.choice((12, 18, 24, 36))) - dt.timedelta(days=1)
            self.awards.append((0, app[0], decision.isoformat(), amount, start.isoformat(), end.isoformat()))

    def report(self, rng: random.Random, award_id: int, due: list[tuple[str, dt.date]]) -> bool:
        """The interim and final reports as far as they came in; True when both did."""
        for kind, due_day in due:
            late = rng.random() < 0.15
            handed_in = due_day + dt.timedelta(days=rng.randint(1, 60) if late else -rng.randint(0, 20))
            if handed_in.isoformat() > AS_OF or rng.random() < 0.05:  # not received (yet)
                self.reports.append((0, award_id, kind, due_day.isoformat(), None, None))
                return False
            rating = pick(rng, {"excellent": 25, "satisfactory": 60, "needs improvement": 15})
            self.reports.append((0, award_id, kind, due_day.isoformat(), handed_in.isoformat(), rating))
        return True

    def follow_up(self, rng: random.Random, award: tuple) -> None:
        """Reports due after the middle and the end; money in tranches, the last one after the final report."""
        award_id, _, _, amount, start, end = award
        start, end = date(start), date(end)
        middle = start + (end - start) / 2
        finished = self.report(rng, award_id, [("interim", middle + dt.timedelta(days=30)),
                                               ("final", end + dt.timedelta(days=60))])
        tranches = [("advance", start, 0.4), ("interim", middle, 0.4)]
        if finished:
            tranches.append(("final", end + dt.timedelta(days=rng.randint(70, 120)), 0.2))
        for tranche, day, share in tranches:
            if day.isoformat() <= AS_OF:
                self.disbursements.append((0, award_id, day.isoformat(), round(amount * share, 2), tranche))


def rows(rng: random.Random) -> Rows:
    programs = [(i, f, name, focus, opens, closes, float(cap), float(budget))
                for i, (f, name, focus, opens, closes, cap, budget, _) in enumerate(PROGRAMS, 1)]
    orgs = _organizations(rng)
    investigators = _investigators(rng, orgs)
    office = _Office(programs, _reviewers(rng, orgs, programs))
    applications = sorted((_application(rng, programs, investigators) for _ in range(540)),
                          key=lambda a: (a[5], a[1], a[3]))
    for app_id, app in enumerate(applications, 1):
        app[0] = app_id
        office.screen(rng, app)
    for program in programs:
        office.decide(rng, program, applications)
    office.awards = chronological(office.awards, 2)
    for award in office.awards:
        office.follow_up(rng, award)
    return {"funders": list(FUNDERS), "grant_programs": programs, "organizations": orgs,
            "investigators": investigators, "applications": [tuple(a) for a in applications],
            "reviewers": office.reviewers, "application_reviews": sorted(office.reviews), "awards": office.awards,
            "disbursements": chronological(office.disbursements, 2),
            "progress_reports": chronological(office.reports, 3)}
