"""Deterministic text-to-SQL rows over wide, realistic schemas: the demo's second, broader generator.

``sql_data`` teaches the answer format on two-table toy schemas; its gain does not carry over to real
databases, where the model must pick the right tables out of many, follow foreign-key chains, handle NULLs
and dates, and return exactly the columns a question asks for. Each row here comes from one of 37 domains
with 5 to 10 tables (primary and foreign keys, chains of three or more tables, NULLable columns that hold
NULLs, ISO dates), shows a sampled subset of at least four of them, and asks a question of one of 27 shapes.

A row has ``id``, ``domain``, ``shape``, ``sql_prompt`` (the question), ``schema`` (what the prompt shows:
the CREATE TABLE statements as ``sftflow.sql_schema.schema_text`` renders them, the same function that
renders a user's database), ``sql_context`` (the same statements plus INSERT rows: what the metric runs the
queries on, never shown to the model) and ``sql`` (the gold query, one line, no semicolon). Every gold query
is run in the SQL sandbox and kept only if it returns rows, no column is all NULL, not everything is zero,
and its order does not depend on how ties are broken.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sftflow.run_dir import write_atomic
from sftflow.sql_sandbox import Rejected, run_query
from sftflow.sql_schema import schema_text

MAX_SCHEMA_CHARS = 2400  # the model trains at 1024 tokens: the schema must leave room for question and answer
MIN_SHOWN_TABLES = 4
_TODAY = dt.date(2025, 6, 30)  # the data's "now": later end dates are plans, later events have not happened

_FIRST = ("Adele", "Benedikt", "Celia", "Dario", "Edith", "Fabian", "Greta", "Henrik", "Ilse", "Jakob", "Karin",
          "Luca", "Mirela", "Nils", "Oona", "Pavel", "Renata", "Stefan", "Tamsin", "Ugo", "Viola", "Wendell",
          "Yannick", "Zsofia", "Anouk", "Bastian", "Clementine", "Desmond", "Eliska", "Florin", "Gideon",
          "Hedda", "Ingmar", "Joaquin", "Klara", "Leopold", "Marisa", "Niamh", "Osvaldo", "Petra")
_LAST = ("Albrecht", "Brennan", "Carvalho", "Duarte", "Ekstrom", "Falkner", "Grimaldi", "Hagen", "Ivanova",
         "Janssen", "Kellerman", "Lundgren", "Marchetti", "Nilsen", "Ortega", "Pellegrini", "Quist", "Rasmussen",
         "Sorensen", "Thorne", "Uribe", "Vasquez", "Westergaard", "Zelenka", "Achterberg", "Bianchi", "Coulter",
         "Draper", "Engel", "Ferreira", "Gustafsson", "Hollis", "Kovac", "Lambert", "Mendes", "Nordin",
         "Okonkwo", "Pajari", "Ruiz", "Strand")
_CITIES = ("Lyon", "Gdansk", "Bilbao", "Graz", "Halifax", "Adelaide", "Dunedin", "Turin", "Ghent", "Kaunas",
           "Ljubljana", "Nantes", "Aarhus", "Krakow", "Seville", "Salzburg", "Hobart", "Winnipeg", "Bologna", "Riga")
_COUNTRIES = ("Chile", "Kenya", "India", "Poland", "Czechia", "Belgium", "Denmark", "South Korea", "Argentina",
              "Greece", "Morocco", "Vietnam", "Latvia", "Peru", "Slovenia", "Ghana")
_MAIL_HOSTS = ("mailbox.test", "post.example", "inbox.example", "letters.test")

# One schema per domain, parents before children. A line is "table[/singular]: column kind(args)?, ..." and a
# line that starts with spaces continues the one above. Kinds: id (INTEGER PRIMARY KEY), ref(parent), person,
# first, last, email, city, country, name(patterns: "|" alternatives, ";" joins word lists, {first} {last}
# {city} {L} letter {D} digit), cat(values), int(lo,hi), year(lo,hi), real(lo,hi), date(year,year),
# after(column or ref.column,min days,max days), flag(plural yes phrase|plural no phrase). A trailing "?"
# makes the column NULLable. A table without an id column is a link table keyed by its references.
_DOMAINS = {
    "insurance_claims": """
insurance_agents: agent_id id, full_name person, region cat(North|South|East|West|Central), license_year year(1996,2021)
policy_holders: holder_id id, first_name first, last_name last, birth_date date(1948,2004)?, home_city city,
  agent_id ref(insurance_agents)
policies: policy_id id, holder_id ref(policy_holders), policy_type cat(auto|home|life|travel|boat),
  premium_amount real(240,4200), start_date date(2019,2024), end_date after(start_date,180,1095)?
claims: claim_id id, policy_id ref(policies), claim_date after(policy_id.start_date,10,700),
  claim_amount real(150,48000),
  status cat(open|approved|denied|paid), settled_date after(claim_date,4,160)?
claim_adjusters: adjuster_id id, full_name person, years_experience int(1,30), is_senior flag(are senior|are not senior)
claim_assessments: assessment_id id, claim_id ref(claims), adjuster_id ref(claim_adjusters),
  assessed_date after(claim_id.claim_date,1,45), estimated_loss real(100,45000),
  is_suspicious flag(were flagged as suspicious|were not flagged as suspicious)
claim_payouts: payout_id id, claim_id ref(claims), paid_date after(claim_id.claim_date,5,200),
  payout_amount real(100,40000), method cat(bank transfer|check|card)
policy_riders: rider_id id, policy_id ref(policies), rider_type cat(roadside|flood|theft|accident forgiveness),
  monthly_cost real(3,60)
""",
    "dental_practice": """
dental_offices: office_id id, office_name name(Maple Dental|Riverside Smiles|Oakwood Dental Care|Harbor Dental Studio|
  Summit Dental Group|Cedar Park Dentistry|Lakeside Smiles|Birchwood Dental), city city, chair_count int(3,14),
  opened_year year(1988,2021)
dentists: dentist_id id, office_id ref(dental_offices), first_name first, last_name last,
  specialty cat(general|orthodontics|periodontics|endodontics|pediatric dentistry), licensed_year year(1992,2022)
dental_patients: patient_id id, full_name person, birth_date date(1940,2019),
  insurer cat(Delta Shield|Cigma Care|BrightPath|Unity Dental)?, email email?
dental_visits: visit_id id, patient_id ref(dental_patients), dentist_id ref(dentists), visit_date date(2022,2024),
  visit_type cat(checkup|cleaning|filling|extraction|crown|root canal), is_urgent flag(were urgent|were not urgent)
dental_bills: bill_id id, visit_id ref(dental_visits), billed_amount real(60,1800), insurance_covered real(0,900)?,
  issued_date after(visit_id.visit_date,0,10), paid_date after(issued_date,0,75)?
""",
    "research_labs": """
research_institutes: institute_id id, institute_name name(Halden Institute|Norvik Research Centre|
  Aster Institute of Science|Kelso Biophysics Centre|Marlow Institute|Tiber Life Sciences Institute), country country,
  founded_year year(1921,2010)
labs: lab_id id, institute_id ref(research_institutes), lab_name name({last} Lab|{last} Group),
  research_area cat(genomics|materials|neuroscience|climate|robotics|immunology), annual_budget real(150000,2500000)
researchers: researcher_id id, lab_id ref(labs), first_name first, last_name last,
  position cat(PhD student|postdoc|staff scientist|group leader), start_date date(2012,2024),
  end_date after(start_date,200,2500)?
lab_projects: project_id id, lab_id ref(labs), project_title name(Adaptive|Scalable|Low-cost|Rapid|Robust|Open;
  Protein Imaging|Soil Sensing|Battery Chemistry|Gene Editing|Swarm Control|Coral Modelling),
  start_date date(2018,2024),
  end_date after(start_date,200,1500)?, budget real(20000,900000)
publications: publication_id id, project_id ref(lab_projects),
  journal cat(Cell Reports|PLOS ONE|Physical Review B|Science Advances|Nature Methods|eLife),
  published_date after(project_id.start_date,90,1400), citation_count int(0,420),
  is_open_access flag(are open access|are not open access)
lab_instruments: instrument_id id, lab_id ref(labs),
  instrument_type cat(mass spectrometer|confocal microscope|sequencer|3D printer|cryostat|centrifuge),
  purchase_date date(2010,2024), purchase_cost real(2000,600000), serviced_date after(purchase_date,30,1500)?
instrument_bookings: booking_id id, instrument_id ref(lab_instruments), researcher_id ref(researchers),
  booking_date date(2023,2024), hours_booked real(0.5,12)
lab_seminars: seminar_id id, lab_id ref(labs), speaker_name person, seminar_date date(2022,2024),
  attendee_count int(5,80)
patents: patent_id id, project_id ref(lab_projects), filed_date date(2019,2024),
  granted_date after(filed_date,200,1200)?,
  patent_office cat(EPO|USPTO|JPO|CNIPA)
safety_incidents: incident_id id, lab_id ref(labs), reported_date date(2020,2024), severity cat(minor|moderate|serious),
  resolved_date after(reported_date,0,90)?
""",
    "car_rental": """
rental_branches: branch_id id, branch_name name(Airport North|Central Station|Harbourfront|Old Town|University Park|
  Westgate|Eastside Mall|Riverside), city city, opened_date date(2004,2020)
vehicle_classes: class_id id, class_name name(economy|compact|midsize|SUV|minivan|premium|convertible|pickup),
  daily_rate real(29,189), seat_count int(2,8)
vehicles: vehicle_id id, class_id ref(vehicle_classes), branch_id ref(rental_branches),
  plate_number name({L}{L}-{D}{D}{D}{D}), make cat(Toyota|Ford|Kia|Volkswagen|Hyundai|Tesla|Renault),
  model_year year(2016,2024), mileage_km int(5000,180000), is_electric flag(are electric|are not electric)
renters: renter_id id, first_name first, last_name last, license_country country, birth_date date(1952,2004),
  email email?
rental_agreements: agreement_id id, vehicle_id ref(vehicles), renter_id ref(renters), pickup_date date(2022,2024),
  return_date after(pickup_date,1,21)?, total_charge real(45,2400)
damage_reports: report_id id, agreement_id ref(rental_agreements), reported_date after(agreement_id.pickup_date,0,25),
  damage_type cat(scratch|dent|windshield|interior|tire), repair_cost real(50,4500)?
""",
    "gym_memberships": """
gyms: gym_id id, gym_name name(Iron Yard|Pulse Fitness|Core Club|Summit Gym|FlexHouse|Urban Strength|
  Peak Performance|Tidewater Fitness), city city, opened_date date(2008,2022), has_pool flag(have a pool|have no pool)
membership_tiers: tier_id id, tier_name name(basic|plus|premium|student|off-peak|family), monthly_price real(15,95),
  includes_classes flag(include classes|do not include classes)
gym_members: member_id id, first_name first, last_name last, tier_id ref(membership_tiers), home_gym_id ref(gyms),
  join_date date(2018,2024), cancel_date after(join_date,30,1500)?
personal_trainers: trainer_id id, gym_id ref(gyms), full_name person, hourly_fee real(25,120),
  certified_year year(2005,2023)
fitness_classes: class_id id, gym_id ref(gyms), trainer_id ref(personal_trainers)?,
  class_type cat(spin|yoga|HIIT|pilates|boxing|zumba|rowing),
  weekday cat(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday), capacity int(8,35)
class_bookings: booking_id id, class_id ref(fitness_classes), member_id ref(gym_members), booked_date date(2023,2024),
  attended flag(were attended|were missed)?
""",
    "museum_exhibits": """
museums: museum_id id, museum_name name(Ashford Museum of Art|Harbour History Museum|Northfield Science Centre|
  Valdez Folk Museum|Crescent Modern|Old Mill Heritage Museum|Kestrel Gallery of Design), city city,
  founded_year year(1870,2005), annual_visitors int(20000,900000)
galleries: gallery_id id, museum_id ref(museums), gallery_name name(East Wing|West Wing|Atrium|Lower Hall|
  Tower Room|North Gallery|Garden Pavilion|Print Room|Long Gallery), floor_level int(0,4), area_sqm real(80,1200)
curators: curator_id id, museum_id ref(museums), full_name person,
  expertise cat(painting|sculpture|photography|textiles|antiquities|design), hired_date date(2001,2024)
artworks: artwork_id id, gallery_id ref(galleries)?, title name(Study of|Portrait of|View of|Still Life with|
  Evening at|Memory of;a Harbour|the Orchard|Two Sisters|a Blue Vase|the Mill|Winter Light|a Fisherman|the Bridge),
  creator_name person, medium cat(oil|watercolour|bronze|photograph|marble|textile|ink),
  year_created year(1480,2021)?, insured_value real(5000,4000000)
exhibitions: exhibition_id id, museum_id ref(museums), curator_id ref(curators)?, exhibition_title name(
  Light and Shadow|Northern Voices|The Sea Within|Made by Hand|Future Cities|Echoes of Silk|Paper Worlds|
  Small Wonders|Fire and Clay), opening_date date(2021,2024), closing_date after(opening_date,30,240),
  ticket_price real(0,28)
exhibition_items: exhibition_id ref(exhibitions), artwork_id ref(artworks), is_loan flag(are on loan|are not on loan)
exhibition_tickets: ticket_id id, exhibition_id ref(exhibitions), sale_date after(exhibition_id.opening_date,0,200),
  ticket_type cat(adult|child|senior|student|member), quantity int(1,6), amount_paid real(0,160)
restoration_jobs: job_id id, artwork_id ref(artworks), conservator_name person, started_date date(2018,2024),
  finished_date after(started_date,10,400)?, cost real(500,80000)
membership_cards: card_id id, museum_id ref(museums), holder_name person, card_tier cat(individual|family|patron),
  joined_date date(2015,2024), expires_date after(joined_date,365,1095)
""",
    "city_permits": """
permit_offices: office_id id, office_name name(Downtown Permit Center|North District Office|Harbor Annex|
  Eastside Service Center|West Hills Office|Old Town Counter), opened_year year(1988,2018), staff_count int(3,40)
permit_types: type_id id, type_name name(building|electrical|plumbing|demolition|signage|sidewalk cafe|tree removal|
  fence), base_fee real(50,1500), review_days int(5,60)
permit_applicants: applicant_id id, full_name person, applicant_type cat(homeowner|contractor|business|nonprofit),
  email email?
permit_requests: request_id id, applicant_id ref(permit_applicants), type_id ref(permit_types),
  office_id ref(permit_offices), submitted_date date(2021,2024), decision cat(approved|rejected|pending|withdrawn),
  decision_date after(submitted_date,3,90)?, project_value real(1000,750000)?
site_inspections: inspection_id id, request_id ref(permit_requests), inspector_name person,
  inspection_date after(request_id.submitted_date,5,200), result cat(pass|fail|partial),
  needs_followup flag(need a follow-up|need no follow-up)
permit_fees: fee_id id, request_id ref(permit_requests), fee_amount real(25,4000),
  due_date after(request_id.submitted_date,0,30), paid_date after(due_date,-20,40)?
""",
    "farm_harvests": """
farms: farm_id id, farm_name name(Willow Creek Farm|Red Barn Acres|Sunnyside Orchards|Blue Ridge Growers|
  Millbrook Farm|Hollow Oak Ranch|Fernhill Farm|Stonegate Fields), region cat(valley|coastal|highland|plains),
  total_hectares real(20,900), is_organic flag(are organic|are not organic)
fields: field_id id, farm_id ref(farms), field_code name(F-{D}{D}), area_hectares real(2,80),
  soil_type cat(clay|loam|sandy|silt), is_irrigated flag(are irrigated|are not irrigated)
crops: crop_id id, crop_name name(wheat|barley|corn|soybeans|potatoes|apples|strawberries|canola|oats|lentils),
  maturity_days int(60,180), seed_cost_per_ha real(40,900)
plantings: planting_id id, field_id ref(fields), crop_id ref(crops), planted_date date(2021,2024),
  expected_tonnes real(5,400)
harvests: harvest_id id, planting_id ref(plantings), harvest_date after(planting_id.planted_date,60,190),
  yield_tonnes real(2,420), moisture_pct real(8,24)?, grade cat(A|B|C)
harvest_sales: sale_id id, harvest_id ref(harvests),
  buyer_name cat(Northern Grain Co-op|Valley Mills|FreshCo Markets|Coastal Foods|Prairie Feeds),
  sale_date after(harvest_id.harvest_date,1,120), tonnes_sold real(1,200), price_per_tonne real(90,900)
farm_workers: worker_id id, farm_id ref(farms), full_name person,
  role cat(tractor driver|picker|agronomist|foreman|mechanic), hired_date date(2012,2024),
  left_date after(hired_date,60,1500)?, hourly_wage real(14,32)
""",
    "bug_tracker": """
software_projects: project_id id, project_name name(Orion|Beacon|Cobalt|Driftwood|Tamarack|Fathom|Granite|Helix|Sable),
  language cat(Python|Go|Rust|TypeScript|Java|C++), created_date date(2014,2022),
  is_open_source flag(are open source|are closed source)
components: component_id id, project_id ref(software_projects), component_name name(parser|scheduler|auth|storage|
  api|ui|cli|sync|billing|search|exporter|cache), owner_team cat(backend|frontend|platform|mobile|infra)
developers: developer_id id, full_name person, email email?, seniority cat(junior|mid|senior|staff),
  joined_date date(2015,2024)
software_releases: release_id id, project_id ref(software_projects), version_tag name(v{D}.{D}.{D}),
  release_date date(2020,2024), is_major flag(are major|are minor)
bug_reports: bug_id id, component_id ref(components), reporter_id ref(developers), assignee_id ref(developers)?,
  severity cat(low|medium|high|critical), opened_date date(2021,2024), closed_date after(opened_date,0,200)?,
  fixed_release_id ref(software_releases)?
bug_comments: comment_id id, bug_id ref(bug_reports), author_id ref(developers),
  posted_date after(bug_id.opened_date,0,60), word_count int(5,400)
pull_requests: pull_request_id id, bug_id ref(bug_reports)?, author_id ref(developers), opened_date date(2021,2024),
  merged_date after(opened_date,0,30)?, lines_changed int(1,2500)
code_reviews: review_id id, pull_request_id ref(pull_requests), reviewer_id ref(developers),
  verdict cat(approved|changes requested|commented), submitted_date after(pull_request_id.opened_date,0,10)
""",
    "online_courses": """
course_instructors: instructor_id id, full_name person, country country, joined_date date(2015,2023),
  is_verified flag(are verified|are not verified)
course_categories: category_id id, category_name name(data science|design|marketing|programming|
  photography|music production|personal finance|languages)
online_courses: course_id id, instructor_id ref(course_instructors), category_id ref(course_categories),
  course_title name(Python|SQL|Excel|Figma|Guitar|Budgeting|Spanish|Lightroom|Copywriting;for Beginners|Masterclass|
  Bootcamp|Essentials|in 30 Days|Deep Dive), list_price real(0,199), published_date date(2018,2024),
  skill_level cat(beginner|intermediate|advanced)
learners: learner_id id, username name({first}{D}{D}|{first}_{last}), country country, signup_date date(2019,2024),
  birth_year year(1955,2007)?
course_purchases: purchase_id id, course_id ref(online_courses), learner_id ref(learners),
  purchase_date date(2020,2024), price_paid real(0,199), coupon_code cat(SPRING20|WELCOME10|AUTUMN30|STUDENT15)?
course_ratings: rating_id id, purchase_id ref(course_purchases), stars int(1,5),
  rated_date after(purchase_id.purchase_date,1,90), has_comment flag(have a comment|have no comment)
lesson_completions: completion_id id, purchase_id ref(course_purchases), lesson_number int(1,40),
  completed_date after(purchase_id.purchase_date,0,300), minutes_watched int(2,95)
refund_requests: request_id id, purchase_id ref(course_purchases), requested_date after(purchase_id.purchase_date,0,30),
  reason cat(too basic|too advanced|technical issues|changed mind), is_approved flag(were approved|were denied)
""",
    "conference_talks": """
conferences: conference_id id, conference_name name(DataCon|PyNorth|CloudSummit|DevHarbor|QueryConf|EdgeWeek|
  InfraDays|BuildFest), city city, start_date date(2021,2024), end_date after(start_date,1,4),
  registration_fee real(0,900)
conference_tracks: track_id id, conference_id ref(conferences),
  track_name name(data|security|web|infrastructure|machine learning|community|mobile|cloud),
  room_label cat(Room A|Room B|Hall 1|Hall 2|Main Stage)
speakers: speaker_id id, first_name first, last_name last,
  company cat(Lumen Labs|Northgate Systems|Orbitly|Quarry Data|Vantage Cloud|independent), country country,
  has_spoken_before flag(have spoken before|have not spoken before)
talks: talk_id id, track_id ref(conference_tracks), talk_title name(Scaling|Testing|Debugging|Securing|Observing|
  Migrating|Teaching;Legacy Services|Data Pipelines|Edge Devices|Small Teams|Open Source|Serverless Apps),
  scheduled_date date(2021,2024), duration_minutes int(15,90), level cat(intro|intermediate|advanced),
  recording_views int(0,5000)?
talk_speakers: talk_id ref(talks), speaker_id ref(speakers), speaker_role cat(lead|co-speaker|moderator)
attendees: attendee_id id, full_name person, email email?, ticket_type cat(student|regular|speaker|sponsor|virtual),
  registered_date date(2021,2024)
feedback_forms: form_id id, talk_id ref(talks), attendee_id ref(attendees), score int(1,5),
  submitted_date after(talk_id.scheduled_date,0,14)
sponsors: sponsor_id id, conference_id ref(conferences), sponsor_name name(Lumen Labs|Northgate Systems|Orbitly|
  Quarry Data|Vantage Cloud|Bytewell|Stackhaven), tier cat(gold|silver|bronze|community), amount real(1000,60000)
workshops: workshop_id id, conference_id ref(conferences), workshop_title name(Hands-on|Intro to|Advanced;Kubernetes|
  Rust|Pandas|Threat Modelling|Accessibility), seat_count int(10,60), fee real(0,400), instructor_name person
""",
    "wine_cellar": """
wine_regions: region_id id, region_name name(Rioja|Douro Valley|Barossa|Mendoza|Mosel|Marlborough|Willamette|Tokaj|
  Priorat|Stellenbosch), climate cat(continental|maritime|mediterranean|cool|warm)
wineries: winery_id id, region_id ref(wine_regions), winery_name name({last} Estate|Bodega {last}|Chateau {last}|
  {last} Vineyards), founded_year year(1850,2015), is_family_owned flag(are family owned|are not family owned)
wines: wine_id id, winery_id ref(wineries), wine_name name(Reserve|Old Vines|Hillside|Cuvee|Single Vineyard|Estate;
  Red|White|Blend|Rose|Brut|No. {D}), grape cat(Tempranillo|Malbec|Riesling|Shiraz|Pinot Noir|Chardonnay|Grenache),
  vintage year(2005,2022), alcohol_pct real(11,15.5)
cellar_racks: rack_id id, rack_label name(R{D}{D}|Rack {L}),
  location cat(north wall|south wall|cold room|tasting room|basement), capacity int(24,240)
bottles: bottle_id id, wine_id ref(wines), rack_id ref(cellar_racks)?, purchase_date date(2015,2024),
  purchase_price real(9,480), opened_date after(purchase_date,30,2500)?
tasting_notes: note_id id, bottle_id ref(bottles), tasted_date after(bottle_id.purchase_date,30,2500),
  taster_name person, score int(70,100)
""",
    "container_shipping": """
seaports: port_id id, port_name name(Valencia|Santos|Durban|Busan|Colombo|Tanjung Pelepas|Algeciras|Savannah|
  Piraeus|Antwerp|Callao), berth_count int(4,60), max_draft_m real(9,18)
ocean_carriers: carrier_id id, carrier_name name(Nordwave Shipping|Blue Meridian|Caspian Line|Southern Cross Freight|
  Atlantic Star Lines|Orient Bridge|Coral Sea Cargo), headquarters_country country, fleet_size int(8,300)
vessels: vessel_id id, carrier_id ref(ocean_carriers), vessel_name name(MV {last}|{last} Star|Sea {last}|
  {last} Spirit), teu_capacity int(1500,24000), built_year year(1998,2023), flag_state country
voyages: voyage_id id, vessel_id ref(vessels), origin_port_id ref(seaports), destination_port_id ref(seaports),
  departure_date date(2022,2024), arrival_date after(departure_date,3,40)?
shipping_containers: container_id id, container_number name({L}{L}{L}U{D}{D}{D}{D}{D}{D}{D}),
  size_code cat(20GP|40GP|40HC|45HC|20RF), is_refrigerated flag(are refrigerated|are not refrigerated),
  owner_id ref(ocean_carriers)
container_loads: load_id id, voyage_id ref(voyages), container_id ref(shipping_containers),
  cargo_type cat(electronics|textiles|machinery|food|chemicals|furniture), gross_weight_kg real(2000,30000),
  declared_value real(5000,900000)
customs_holds: hold_id id, load_id ref(container_loads), hold_date date(2022,2024),
  released_date after(hold_date,1,30)?, reason cat(documentation|inspection|tariff dispute|sanctions check)
port_calls: call_id id, vessel_id ref(vessels), port_id ref(seaports), arrival_date date(2022,2024),
  berth_hours real(6,96)
ship_crew_members: crew_member_id id, vessel_id ref(vessels), full_name person,
  rank cat(captain|chief officer|engineer|able seaman|cook), nationality country
""",
    "pharmacy": """
pharmacies: pharmacy_id id, pharmacy_name name(Greenleaf Pharmacy|Corner Chemist|WellPoint Pharmacy|
  Riverside Drugstore|Northside Apothecary|CareWay Pharmacy|Hilltop Pharmacy), city city, opened_year year(1975,2020),
  is_open_24h flag(are open around the clock|are not open around the clock)
drugs: drug_id id, brand_name name(Zolvarex|Pemtira|Cardiofen|Lumaxil|Nexadrin|Oprivan|Talcedon|Vireline|Quintosol|
  Brevamin|Dormagen|Solvexa), drug_class cat(antibiotic|statin|analgesic|antihistamine|antidepressant|antihypertensive),
  unit_price real(0.5,45), needs_prescription flag(need a prescription|do not need a prescription)
prescribers: prescriber_id id, full_name person,
  specialty cat(family medicine|cardiology|dermatology|psychiatry|pediatrics), practice_city city
pharmacy_clients: client_id id, first_name first, last_name last, birth_date date(1935,2015)?,
  insurance_plan cat(BluePath|CoreHealth|Meridian Care)?
pharmacists: pharmacist_id id, pharmacy_id ref(pharmacies), full_name person, license_year year(1985,2023),
  is_manager flag(manage the pharmacy|do not manage the pharmacy)
prescriptions: prescription_id id, client_id ref(pharmacy_clients), prescriber_id ref(prescribers), drug_id ref(drugs),
  written_date date(2022,2024), quantity int(10,120), refills_allowed int(0,5)
dispensings: dispensing_id id, prescription_id ref(prescriptions), pharmacy_id ref(pharmacies),
  pharmacist_id ref(pharmacists)?,
  dispensed_date after(prescription_id.written_date,0,200), quantity_dispensed int(10,90), copay real(0,60)
drug_recalls: recall_id id, drug_id ref(drugs), recall_date date(2019,2024), recall_class cat(I|II|III),
  reason cat(contamination|mislabeling|potency|packaging defect)
""",
    "solar_energy": """
solar_installers: installer_id id, company_name name(SunForge|BrightRoof Energy|Helio Partners|Voltaic Homes|
  Clearsky Solar|Radiant Works), certified_year year(2005,2022), crew_count int(2,30)
solar_installations: installation_id id, installer_id ref(solar_installers), owner_name person, city city,
  capacity_kw real(3,500), installed_date date(2015,2024), has_battery flag(have a battery|have no battery)
inverters: inverter_id id, installation_id ref(solar_installations), manufacturer cat(Voltra|Sunwise|Gridline|
  Ampere One|Lumio), rated_kw real(3,100), warranty_end date(2024,2036)
energy_readings: reading_id id, installation_id ref(solar_installations), reading_date date(2024,2024),
  energy_kwh real(0,2200), peak_kw real(0.5,480)?
power_outages: outage_id id, installation_id ref(solar_installations), started_date date(2022,2024),
  restored_date after(started_date,0,14)?, cause cat(inverter fault|grid outage|storm damage|shading|maintenance)
service_visits: visit_id id, installation_id ref(solar_installations),
  visit_date after(installation_id.installed_date,30,2000), technician_name person, visit_cost real(80,900)
""",
    "volunteering": """
volunteer_centers: center_id id, center_name name(Eastside Volunteer Hub|Harbor Helpers|Northfield Community Center|
  Riverbend Volunteers|Maple Street Center|Lakeview Hub), city city, opened_year year(1990,2020)
program_areas: area_id id, area_name name(food security|literacy|elder care|environment|youth mentoring|
  disaster relief|refugee support|park cleanup)
volunteers: volunteer_id id, center_id ref(volunteer_centers), first_name first, last_name last,
  birth_date date(1945,2006)?, email email?, joined_date date(2015,2024)
volunteer_events: event_id id, center_id ref(volunteer_centers), area_id ref(program_areas), event_title name(Spring|
  Summer|Autumn|Winter|Weekend|Evening;Food Drive|Reading Circle|Beach Cleanup|Tree Planting|Coat Collection|
  Tutoring Night), event_date date(2022,2024), spot_count int(5,60)
volunteer_shifts: shift_id id, event_id ref(volunteer_events), volunteer_id ref(volunteers), hours real(1,8),
  checked_in flag(were checked in|were not checked in)
volunteer_trainings: training_id id, volunteer_id ref(volunteers),
  course cat(first aid|food safety|safeguarding|forklift|leadership), completed_date date(2018,2024),
  expires_date after(completed_date,365,1100)?
""",
    "bakery_production": """
bakeries: bakery_id id, bakery_name name(Golden Crust|Flour & Stone|The Rolling Pin|Morning Loaf|Crumb Street|
  Hearth House|Little Oven), city city, opened_year year(1978,2021), has_cafe flag(have a cafe|have no cafe)
recipes: recipe_id id, recipe_name name(sourdough loaf|rye bread|croissant|baguette|cinnamon roll|focaccia|brioche|
  bagel|pretzel|scone|seeded rolls), category cat(bread|pastry|viennoiserie|snack), bake_minutes int(12,70),
  batch_size int(12,120), created_year year(1990,2023)?
ingredients: ingredient_id id, ingredient_name name(flour|butter|sugar|yeast|salt|eggs|milk|rye flour|cinnamon|
  sesame seeds|olive oil|honey), unit cat(kg|litre|piece), cost_per_unit real(0.2,18)
recipe_ingredients: recipe_id ref(recipes), ingredient_id ref(ingredients), quantity real(0.05,12)
production_batches: batch_id id, bakery_id ref(bakeries), recipe_id ref(recipes), baked_date date(2024,2024),
  units_made int(20,400), units_wasted int(0,40)?
quality_checks: check_id id, batch_id ref(production_batches), checked_date after(batch_id.baked_date,0,1),
  inspector_name person, passed flag(passed|failed)
""",
    "elections": """
electoral_districts: district_id id, district_name name(Northgate|Riverside East|Hillcrest|Old Harbour|Westfield|
  Pine Valley|Lakeshore|Central Heights), region cat(urban|suburban|rural), registered_voters int(20000,300000)
political_parties: party_id id, party_name name(Green Alliance|Civic Union|Liberal Forum|
  Workers Party|Unity Movement|Rural League|Reform Bloc), founded_year year(1920,2018),
  ideology cat(left|centre-left|centre|centre-right|right)
candidates: candidate_id id, party_id ref(political_parties)?, district_id ref(electoral_districts),
  full_name person, birth_date date(1950,1998), is_incumbent flag(hold the seat already|do not hold the seat yet)
polling_places: place_id id, district_id ref(electoral_districts), place_name name({last} Community Hall|
  St. {first}'s Hall|{last} Sports Centre|{last} Civic Room), has_step_free_access flag(have step-free access|
  lack step-free access)
vote_tallies: tally_id id, place_id ref(polling_places), candidate_id ref(candidates), vote_count int(0,4000),
  counted_date date(2024,2024)
campaign_events: event_id id, candidate_id ref(candidates), event_date date(2023,2024),
  event_type cat(rally|debate|town hall|door knocking|fundraiser), attendance int(15,2500)?
election_officials: official_id id, place_id ref(polling_places), full_name person,
  official_role cat(presiding officer|clerk|observer), hours_worked real(4,14)
debates: debate_id id, district_id ref(electoral_districts), debate_date date(2023,2024),
  host cat(City Radio|Channel 5 News|League of Voters|Daily Courier), viewer_count int(500,90000)?
""",
    "theater_productions": """
theaters: theater_id id, theater_name name(Rosewood Theatre|Kingsbridge Playhouse|Alder Stage|Meridian Theatre|
  Foundry Stage|Lantern Playhouse|Quayside Theatre), city city, seat_count int(120,1600)
playwrights: playwright_id id, full_name person, birth_year year(1850,1990), death_year year(1900,2023)?,
  nationality country
plays: play_id id, playwright_id ref(playwrights), play_title name(The|A|Our|The Last;Quiet Harbour|Glass Orchard|
  Long Winter|Borrowed House|Paper Crown|Salt Road|Night Ferry|Empty Chair), genre cat(comedy|tragedy|musical|drama|
  farce), premiere_year year(1890,2022)
stage_productions: production_id id, play_id ref(plays), theater_id ref(theaters), director_name person,
  opening_date date(2021,2024), closing_date after(opening_date,14,180)?, budget real(20000,1500000)
performances: performance_id id, production_id ref(stage_productions),
  performance_date after(production_id.opening_date,0,150), tickets_sold int(40,1500),
  is_sold_out flag(were sold out|were not sold out)
cast_members: cast_member_id id, production_id ref(stage_productions), actor_name person,
  role_type cat(lead|supporting|ensemble|understudy), weekly_fee real(400,6000)
""",
    "app_store": """
app_publishers: publisher_id id, publisher_name name(Pixelmint|Northbyte|Kitewing Apps|Lumen Forge|Cloudberry Studio|
  Tinyfox|Grayline Software), country country, founded_year year(2005,2021)
mobile_apps: app_id id, publisher_id ref(app_publishers), app_name name(Snap|Quick|Zen|Pocket|Smart|Daily;Notes|
  Budget|Planner|Scanner|Recipes|Habits|Maps|Fitness|Translate),
  category cat(games|productivity|health|finance|education|travel|photo), price real(0,14.99),
  released_date date(2015,2024)
app_versions: version_id id, app_id ref(mobile_apps), version_number name({D}.{D}.{D}|{D}.{D}),
  release_date date(2020,2024), size_mb real(8,900)
app_installs: install_id id, app_id ref(mobile_apps), device_os cat(iOS|Android), install_date date(2024,2024),
  country country, uninstalled_date after(install_date,0,200)?
app_ratings: rating_id id, version_id ref(app_versions), stars int(1,5),
  rated_date after(version_id.release_date,0,300), has_written_review flag(include written text|
  include no written text)
in_app_purchases: purchase_id id, install_id ref(app_installs),
  item_name cat(remove ads|premium month|premium year|coin pack|theme pack), amount real(0.99,49.99),
  purchased_date after(install_id.install_date,0,120), refunded_date after(purchased_date,1,30)?
crash_reports: crash_id id, version_id ref(app_versions), reported_date date(2024,2024), device_os cat(iOS|Android),
  is_fixed flag(are fixed|are not fixed)
promotions: promotion_id id, app_id ref(mobile_apps), start_date date(2023,2024), end_date after(start_date,3,30),
  discount_pct int(10,80)
""",
    "waste_collection": """
collection_zones: zone_id id, zone_name name(North|South|East|West|Harbour|Uplands|Old Town|Riverside;Zone),
  household_count int(800,12000), pickup_day cat(Monday|Tuesday|Wednesday|Thursday|Friday)
collection_trucks: truck_id id, plate_number name({L}{L}{D}{D} {L}{L}{L}),
  truck_type cat(rear loader|side loader|front loader|roll-off), capacity_tonnes real(6,20),
  purchase_year year(2008,2023), retired_year year(2019,2024)?, is_electric flag(are electric|are not electric)
truck_drivers: driver_id id, full_name person, license_class cat(B|C|CE), hired_date date(2005,2024)
collection_routes: route_id id, zone_id ref(collection_zones), route_code name(R-{D}{D}),
  waste_stream cat(general waste|recycling|organics|glass)
route_runs: run_id id, route_id ref(collection_routes), truck_id ref(collection_trucks), driver_id ref(truck_drivers),
  run_date date(2024,2024), tonnes_collected real(1,18), missed_stops int(0,25)?
disposal_facilities: facility_id id, facility_name name(Greenway Landfill|Eastport Recycling Plant|
  Valley Compost Site|North Energy Recovery|Ridge Transfer Station),
  facility_type cat(landfill|recycling plant|compost site|incinerator|transfer station), gate_fee_per_tonne real(15,140)
facility_dropoffs: dropoff_id id, run_id ref(route_runs), facility_id ref(disposal_facilities), tonnes real(1,18),
  dropoff_date after(run_id.run_date,0,0)
""",
    "weather_monitoring": """
monitoring_regions: region_id id, region_name name(Highlands|Coastal Plain|River Delta|Northern Lakes|Eastern Steppe|
  Southern Hills|Central Basin), climate_zone cat(arid|temperate|continental|tropical|polar)
weather_stations: station_id id, region_id ref(monitoring_regions), station_name name({city} Airport|{city} Harbour|
  Mount {last}|{last} Ridge|{city} North), elevation_m int(0,3200), installed_date date(1985,2020),
  is_automated flag(are automated|are staffed)
station_sensors: sensor_id id, station_id ref(weather_stations),
  sensor_type cat(thermometer|hygrometer|anemometer|rain gauge|barometer), serial_number name(SN-{D}{D}{D}{D}{D}),
  calibrated_date date(2020,2024)?
daily_observations: observation_id id, station_id ref(weather_stations), observed_date date(2024,2024),
  mean_temperature real(-20,35), rainfall_mm real(0,80)?, wind_gust_kmh int(0,130)?
sensor_faults: fault_id id, sensor_id ref(station_sensors), detected_date date(2022,2024),
  fixed_date after(detected_date,0,60)?, fault_type cat(drift|no signal|icing|battery|physical damage)
""",
    "photography_agency": """
photographers: photographer_id id, first_name first, last_name last,
  specialty cat(wedding|portrait|wildlife|fashion|architecture|food|events), day_rate real(300,3000),
  joined_date date(2012,2024), instagram_followers int(200,90000)?
photo_clients: client_id id, client_name name(Aurora Bridal|Kestrel Magazine|Nomad Travel Co|Verdant Foods|
  Oakline Architects|Summit Outdoor Gear|Lumen Weddings|Copperleaf Press),
  industry cat(publishing|weddings|food|architecture|travel|fashion), city city
photo_shoots: shoot_id id, photographer_id ref(photographers), client_id ref(photo_clients), shoot_date date(2022,2024),
  location_type cat(studio|outdoor|on site|event venue), hours real(1,10), fee real(200,9000)
shoot_images: image_id id, shoot_id ref(photo_shoots), file_name name(IMG_{D}{D}{D}{D}|DSC_{D}{D}{D}{D}),
  width_px int(2000,8000), is_selected flag(were selected by the client|were not selected by the client)
image_licenses: license_id id, image_id ref(shoot_images), license_type cat(editorial|commercial|exclusive|web only),
  licensed_date date(2022,2025), license_fee real(50,5000), expires_date after(licensed_date,90,1100)?
""",
    "event_catering": """
caterers: caterer_id id, caterer_name name(Saffron & Sage|Copper Pot Catering|Feast Collective|Blue Plate Events|
  Harvest Table|Olive Branch Catering), city city, founded_year year(1990,2021)
catering_menus: menu_id id, caterer_id ref(caterers), menu_name name(Garden|Harbour|Classic|Rustic|Festive|Midsummer;
  Buffet|Banquet|Brunch|Canapes|Feast), price_per_guest real(18,140),
  cuisine cat(Italian|Levantine|Nordic|Mexican|Indian|French)
dishes: dish_id id, dish_name name(lamb tagine|mushroom risotto|beet salad|salmon gravlax|lemon tart|bean chili|
  paneer tikka|ratatouille|pavlova|gnocchi|fish tacos|chocolate mousse), course cat(starter|main|dessert|side),
  is_vegetarian flag(are vegetarian|are not vegetarian), calories int(120,1100)?
menu_dishes: menu_id ref(catering_menus), dish_id ref(dishes)
catering_clients: client_id id, full_name person, organization cat(Lantern Tech|City Arts Council|Brookfield College|
  Harbor Rowing Club)?, email email?
catered_events: event_id id, client_id ref(catering_clients), menu_id ref(catering_menus), event_date date(2022,2024),
  guest_count int(20,400), venue_type cat(garden|ballroom|office|barn|rooftop), deposit_paid real(100,5000)?
event_staff_shifts: shift_id id, event_id ref(catered_events), staff_name person,
  staff_role cat(server|chef|bartender|coordinator), hours_worked real(3,12)
""",
    "parking_garages": """
parking_garages: garage_id id, garage_name name(Central Park & Ride|Market Street Garage|Riverside Deck|
  Station Square Parking|Harbour View Garage|Civic Center Garage), level_count int(1,8), opened_year year(1980,2021),
  has_ev_charging flag(have EV charging|have no EV charging)
parking_spaces: space_id id, garage_id ref(parking_garages), space_code name({L}-{D}{D}{D}), level_number int(0,7),
  space_type cat(standard|compact|accessible|EV|motorcycle)
registered_cars: car_id id, plate_number name({L}{L}{D}{D}{D}{D}|{D}{L}{L}{D}{D}{D}), owner_name person,
  make cat(Toyota|Ford|Kia|Volvo|Skoda|Tesla|Mazda), color cat(black|white|silver|red|blue)
parking_sessions: session_id id, space_id ref(parking_spaces), car_id ref(registered_cars)?, entry_date date(2024,2024),
  exit_date after(entry_date,0,3)?, fee_paid real(2,60)?
monthly_permits: permit_id id, car_id ref(registered_cars), garage_id ref(parking_garages), start_date date(2023,2024),
  end_date after(start_date,28,365), monthly_fee real(60,320)
parking_citations: citation_id id, session_id ref(parking_sessions), issued_date after(session_id.entry_date,0,2),
  violation cat(expired meter|wrong space|no permit|blocking exit), fine_amount real(25,150),
  is_paid flag(have been paid|are unpaid)
""",
    "ferry_service": """
ferry_terminals: terminal_id id, terminal_name name(North Quay|Island Pier|Bay Landing|Point {last}|{last} Harbour|
  Cove Terminal|Eastern Jetty), opened_year year(1950,2015), has_vehicle_ramp flag(have a vehicle ramp|
  have no vehicle ramp)
ferries: ferry_id id, ferry_name name(MV {last}|Island {last}|Spirit of {city}|{last} Voyager),
  passenger_capacity int(150,1800), vehicle_capacity int(0,300)?, built_year year(1975,2022)
ferry_routes: route_id id, origin_terminal_id ref(ferry_terminals), destination_terminal_id ref(ferry_terminals),
  distance_nm real(3,90), crossing_minutes int(20,300)
sailings: sailing_id id, route_id ref(ferry_routes), ferry_id ref(ferries), sailing_date date(2024,2024),
  delay_minutes int(0,90)?, passenger_count int(20,1500), is_cancelled flag(were cancelled|were not cancelled)
ferry_tickets: ticket_id id, sailing_id ref(sailings), fare_class cat(adult|child|senior|vehicle|bicycle),
  price real(4,120), purchased_date after(sailing_id.sailing_date,-40,0)
""",
    "beekeeping": """
apiaries: apiary_id id, apiary_name name(Clover Hill|Heather Moor|Linden Row|Orchard Gate|Meadowbank|
  Thistle Field|Willow Bend;Apiary), region cat(lowland|upland|coastal|woodland), established_year year(1985,2022)
beekeepers: beekeeper_id id, full_name person, certification cat(novice|journeyman|master), years_keeping int(1,40)
beehives: hive_id id, apiary_id ref(apiaries), beekeeper_id ref(beekeepers)?,
  hive_type cat(Langstroth|top bar|Warre|Flow|Dadant), installed_date date(2016,2024), queen_year year(2019,2024)?
hive_inspections: inspection_id id, hive_id ref(beehives), inspection_date after(hive_id.installed_date,10,1500),
  colony_strength int(1,10), mites_per_100_bees real(0,12)?, queen_spotted flag(spotted the queen|
  did not spot the queen)
honey_extractions: extraction_id id, hive_id ref(beehives), extraction_date date(2022,2024), honey_kg real(2,45),
  moisture_pct real(15,21)?, honey_type cat(wildflower|clover|heather|acacia|buckwheat)
honey_sales: sale_id id, extraction_id ref(honey_extractions), buyer cat(farm shop|farmers market|online|wholesale|
  cafe), sale_date after(extraction_id.extraction_date,1,200), jars_sold int(5,300), price_per_jar real(5,18)
""",
    "fishing_fleet": """
fishing_harbors: harbor_id id, harbor_name name(Kilmore|Port Ellen|Skala|Vigo|Lerwick|Hirtshals|Peniche|Burela),
  region cat(north|south|west|islands)
fishing_boats: boat_id id, harbor_id ref(fishing_harbors), boat_name name({first}'s Pride|Sea {last}|
  Morning {last}|Northern {last}), length_m real(8,45), crew_size int(2,18), license_number name(FL-{D}{D}{D}{D})
fishing_trips: trip_id id, boat_id ref(fishing_boats), departure_date date(2023,2024),
  return_date after(departure_date,0,14)?, fuel_litres real(100,9000)
fish_types: fish_type_id id, common_name name(cod|haddock|mackerel|herring|sole|plaice|monkfish|hake|sardine|pollock),
  quota_tonnes real(50,5000)?, min_landing_cm int(18,60)
catches: catch_id id, trip_id ref(fishing_trips), fish_type_id ref(fish_types), weight_kg real(20,8000),
  is_bycatch flag(are bycatch|are target catch)
auction_sales: sale_id id, catch_id ref(catches), auction_date date(2023,2024), price_per_kg real(1,25),
  buyer_name cat(Harbour Fresh|Atlantic Traders|Northern Fish Co|Blue Wave Foods)
""",
    "law_firm": """
law_firms: firm_id id, firm_name name({last} & {last} LLP|{last} Legal|{last} Partners), city city,
  founded_year year(1950,2018)
attorneys: attorney_id id, firm_id ref(law_firms), first_name first, last_name last, bar_year year(1985,2023),
  practice_area cat(litigation|corporate|employment|intellectual property|family|tax),
  is_partner flag(have partner status|do not have partner status)
legal_clients: client_id id, client_name name(Orion Freightways|Bellweather Foods|Cinder Media|Harlow Estates|
  Quill Robotics|Marsh & Sons|{first} {last}), client_type cat(individual|company|nonprofit|government)
legal_matters: matter_id id, client_id ref(legal_clients), lead_attorney_id ref(attorneys),
  matter_type cat(litigation|contract|merger|employment|patent), opened_date date(2019,2024),
  closed_date after(opened_date,20,900)?, outcome cat(won|lost|settled|dismissed)?
judges: judge_id id, full_name person, court cat(district court|appeals court|family court|tax tribunal),
  appointed_year year(1990,2023)
court_hearings: hearing_id id, matter_id ref(legal_matters), judge_id ref(judges)?,
  hearing_date after(matter_id.opened_date,10,600),
  court cat(district court|appeals court|family court|tax tribunal), hearing_type cat(motion|trial|status conference|
  mediation)
time_entries: entry_id id, matter_id ref(legal_matters), attorney_id ref(attorneys),
  work_date after(matter_id.opened_date,0,500), hours real(0.2,9), hourly_rate real(180,850)
billing_statements: statement_id id, matter_id ref(legal_matters), issued_date date(2019,2024),
  amount_billed real(500,90000), paid_date after(issued_date,0,120)?
""",
    "emergency_dispatch": """
dispatch_centers: center_id id, center_name name(Metro North Dispatch|County South Dispatch|Harbor Emergency Center|
  Valley 911 Center|Ridge Command Center), county cat(Ashby|Marlow|Penrose|Tilden), staffed_positions int(4,40)
dispatchers: dispatcher_id id, center_id ref(dispatch_centers), full_name person, shift cat(day|evening|night),
  hired_date date(2006,2024)
response_units: unit_id id, center_id ref(dispatch_centers), call_sign name({L}{L}-{D}{D}),
  unit_type cat(ambulance|fire engine|ladder truck|patrol car|rescue boat), in_service_date date(2008,2024),
  retired_date after(in_service_date,100,3000)?
incidents: incident_id id, dispatcher_id ref(dispatchers), reported_date date(2024,2024),
  incident_type cat(fire|medical|traffic collision|flood|hazmat|burglary), priority int(1,5),
  is_false_alarm flag(were unfounded|were genuine)
unit_dispatches: dispatch_id id, incident_id ref(incidents), unit_id ref(response_units), response_minutes real(2,45),
  cleared_date after(incident_id.reported_date,0,2)?
""",
    "water_utility": """
water_districts: district_id id, district_name name(Northbrook|Eastvale|Southmere|Westhaven|Cedar Flats|Hollow Creek|
  Pine Ridge), population int(5000,250000), source_type cat(reservoir|groundwater|river|desalination)
service_connections: connection_id id, district_id ref(water_districts), account_holder person,
  connection_type cat(residential|commercial|industrial|irrigation), installed_date date(1970,2023),
  meter_size_mm int(15,100)
meter_readings: reading_id id, connection_id ref(service_connections), reading_date date(2024,2024),
  consumption_m3 real(0.5,400), is_estimated flag(are estimated|are actual)
water_mains: main_id id, district_id ref(water_districts),
  pipe_material cat(cast iron|PVC|ductile iron|HDPE|asbestos cement), diameter_mm int(100,900),
  laid_year year(1920,2022)
repair_crews: crew_id id, crew_name name(Crew {L}{D}), shift cat(day|night|on call), crew_size int(2,8)
main_breaks: break_id id, main_id ref(water_mains), crew_id ref(repair_crews)?, reported_date date(2021,2024),
  repaired_date after(reported_date,0,20)?,
  repair_cost real(300,40000), cause cat(corrosion|frost|ground movement|third-party damage|pressure surge)
water_bills: bill_id id, connection_id ref(service_connections), issued_date date(2023,2024), amount_due real(15,900),
  paid_date after(issued_date,0,60)?
water_quality_tests: test_id id, district_id ref(water_districts), sampled_date date(2023,2024),
  chlorine_mg_l real(0.1,2.5), turbidity_ntu real(0.05,4)?, passed flag(passed|failed)
""",
    "archaeology": """
excavation_sites: site_id id, site_name name(Hollow Barrow|Ridgeway Camp|Saltmarsh Villa|Kestrel Mound|
  Old Ford Settlement|Bramble Hill Fort|Lynx Cave), country country,
  period cat(Neolithic|Bronze Age|Iron Age|Roman|Medieval), discovered_year year(1850,2015)
dig_seasons: season_id id, site_id ref(excavation_sites), start_date date(2015,2024), end_date after(start_date,14,120),
  crew_size int(4,60)
archaeologists: archaeologist_id id, full_name person, university cat(Halden University|Northfield College|
  Ashby University|Institute of Antiquity), specialty cat(ceramics|osteology|numismatics|lithics|textiles)
dig_team_members: season_id ref(dig_seasons), archaeologist_id ref(archaeologists),
  team_role cat(director|supervisor|excavator|finds specialist)
artifacts: artifact_id id, season_id ref(dig_seasons), finder_id ref(archaeologists)?,
  material cat(ceramic|bronze|bone|flint|glass|iron|gold), found_date after(season_id.start_date,0,90),
  depth_cm int(5,400), weight_g real(1,5000)?
artifact_analyses/artifact analysis: analysis_id id, artifact_id ref(artifacts),
  method cat(radiocarbon|XRF|thin section|residue analysis), analysis_date after(artifact_id.found_date,20,700),
  estimated_age_years int(500,9000)?, cost real(80,1200)
""",
    "ski_resort": """
ski_resorts: resort_id id, resort_name name(Alpenglow|Snowcrest|Powder Ridge|Whitehorn|Silver Basin|Eagle Peak|
  Frostvale), country country, vertical_drop_m int(300,2200), opened_year year(1936,2010)
ski_lifts: lift_id id, resort_id ref(ski_resorts), lift_name name({last} Express|Summit Chair|Valley Gondola|
  {last} Quad|Ridge T-Bar|Sunrise Lift|Glacier Link), lift_type cat(chairlift|gondola|T-bar|magic carpet|cable car),
  capacity_per_hour int(600,3600), opened_year year(1970,2023), closed_year year(2015,2024)?
ski_slopes: slope_id id, resort_id ref(ski_resorts), slope_name name(Blue|Eagle|Fox|Pine|Raven|Sun|Wolf|Crystal;Run|
  Bowl|Trail|Chute|Glade), difficulty cat(green|blue|red|black), length_m int(300,5000),
  is_groomed flag(are groomed|are not groomed)
lift_passes: pass_id id, resort_id ref(ski_resorts), holder_name person, pass_type cat(day|weekend|week|season),
  purchase_date date(2023,2024), price real(45,1100), refund_date after(purchase_date,1,60)?
ski_instructors: instructor_id id, resort_id ref(ski_resorts), full_name person, cert_level int(1,4),
  languages_spoken int(1,5)
ski_lessons: lesson_id id, instructor_id ref(ski_instructors), lesson_date date(2023,2024),
  lesson_type cat(private|group|kids|freestyle), student_count int(1,8), price real(40,600)
snow_reports: report_id id, resort_id ref(ski_resorts), report_date date(2023,2024), new_snow_cm int(0,60),
  base_depth_cm int(20,300)
""",
    "call_center": """
contact_centers: center_id id, center_name name(Northpoint Contact Center|Bayside Support Hub|Granite Service Desk|
  Meadow Lane Center|Eastgate Care Center), city city, seat_count int(20,400), opened_year year(2000,2022)
support_teams: team_id id, center_id ref(contact_centers), team_name name(billing|technical|sales|retention|
  onboarding|escalations), shift cat(day|evening|night)
support_agents: agent_id id, team_id ref(support_teams), first_name first, last_name last, hired_date date(2014,2024),
  is_bilingual flag(are bilingual|are not bilingual)
support_calls: call_id id, agent_id ref(support_agents)?, call_date date(2024,2024), talk_seconds int(30,3600),
  issue_category cat(billing|outage|password reset|upgrade|cancellation|hardware),
  is_resolved flag(were resolved|were not resolved)
satisfaction_surveys: survey_id id, call_id ref(support_calls), sent_date after(call_id.call_date,0,3), score int(1,5)?
callbacks: callback_id id, call_id ref(support_calls), scheduled_date after(call_id.call_date,0,7),
  completed_date after(scheduled_date,0,5)?
""",
    "space_missions": """
space_agencies: agency_id id, agency_name name(Orbital Research Agency|Northern Space Office|
  Equatorial Launch Authority|Pacific Space Institute|Aurora Space Agency), country country,
  founded_year year(1958,2015)
launch_sites: launch_site_id id, site_name name(Cape {last}|{last} Spaceport|{city} Launch Complex|Pad {L}{D}),
  latitude_deg real(-45,68), is_coastal flag(are coastal|are inland)
launch_vehicles: vehicle_id id, agency_id ref(space_agencies), vehicle_name name(Kestrel|Halcyon|Tern|Corvid|
  Lodestar|Sparrow;{D}|Heavy|Light|II), stage_count int(1,4), payload_to_leo_kg int(300,60000),
  first_flight_year year(1990,2022)
space_missions: mission_id id, vehicle_id ref(launch_vehicles), launch_site_id ref(launch_sites),
  mission_name name(Aster|Borealis|Meridian|Polaris|Solace|Tethys|Halo|Zephyr;{D}|{D}{D}), launch_date date(2010,2024),
  outcome cat(success|partial failure|failure|scrubbed)
mission_payloads: payload_id id, mission_id ref(space_missions),
  payload_type cat(satellite|probe|crew capsule|cargo module|rover), mass_kg real(50,20000)?,
  operator cat(government|commercial|university|military)
astronauts: astronaut_id id, agency_id ref(space_agencies), full_name person, birth_date date(1955,1995),
  flights_flown int(0,6), retired_year year(2008,2024)?
crew_assignments: mission_id ref(space_missions), astronaut_id ref(astronauts),
  crew_role cat(commander|pilot|mission specialist|payload specialist)
ground_stations: ground_station_id id, station_name name(Kiruna Track|Fenwick Dish|Atacama Relay|Outback Array|
  Azores Link|Svalbard North), country country, dish_diameter_m real(5,70)
tracking_passes: pass_id id, mission_id ref(space_missions), ground_station_id ref(ground_stations),
  pass_date date(2010,2024), duration_minutes int(3,15)
""",
    "coworking": """
coworking_spaces: space_id id, space_name name(The Loft|Hive Works|Canal Studios|Foundry Desk|Quarter House|
  Open Yard|Northlight Rooms), city city, opened_date date(2014,2023), desk_count int(20,300)
coworking_plans: plan_id id, plan_name name(hot desk|dedicated desk|private office|day pass|weekend pass|
  virtual office), monthly_price real(0,900)
coworking_members: member_id id, plan_id ref(coworking_plans), home_space_id ref(coworking_spaces), full_name person,
  company_name cat(self-employed|Brightloop|Papercut Studio|Tandem Labs|Nimbus Co)?, joined_date date(2018,2024),
  left_date after(joined_date,30,900)?
meeting_rooms: room_id id, space_id ref(coworking_spaces), room_name name(Oak|Birch|Maple|Cedar|Aspen|Willow|
  Rowan|Hazel;Room|Suite), capacity int(2,20), hourly_rate real(10,80)
room_bookings: booking_id id, room_id ref(meeting_rooms), member_id ref(coworking_members),
  booking_date date(2024,2024),
  hours real(0.5,8), is_cancelled flag(were cancelled|were not cancelled)
""",
    "translation_agency": """
languages: language_id id, language_name name(English|French|Greek|Spanish|Japanese|Arabic|Portuguese|Korean|Dutch|
  Polish|Turkish|Swahili), rate_multiplier real(1,1.8)
translators: translator_id id, full_name person, native_language_id ref(languages), country country,
  per_word_rate real(0.06,0.3), is_certified flag(are certified|are not certified)
translation_clients: client_id id, client_name name(Veritas Legal|Polaris Games|Mendel Pharma|Apex Software|
  Civic Records Office|Trailhead Outdoor), sector cat(legal|medical|software|gaming|marketing|government)
translation_jobs: job_id id, client_id ref(translation_clients), source_language_id ref(languages),
  target_language_id ref(languages), translator_id ref(translators)?, word_count int(200,60000),
  received_date date(2022,2024), delivered_date after(received_date,1,45)?, quoted_price real(50,18000)
job_quality_checks: check_id id, job_id ref(translation_jobs), reviewer_name person, error_count int(0,30),
  checked_date after(job_id.received_date,2,60)
""",
}


# ---------------------------------------------------------------- the catalogue, parsed once

_SQL_TYPES = {"id": "INTEGER", "ref": "INTEGER", "int": "INTEGER", "year": "INTEGER", "flag": "INTEGER",
              "real": "REAL"}  # every other kind is TEXT: names, categories, ISO dates
_LABEL_KINDS = ("person", "name")  # a table's label: what "which X" answers with
_NUMBER_KINDS = ("int", "year", "real")
_DATE_KINDS = ("date", "after")
_GROUP_KINDS = ("cat", "city", "country")
_TEXT_KINDS = ("person", "name", "last")
_COLUMN = re.compile(r"(\w+) (\w+)(?:\(([^)]*)\))?(\?)?")
_KINDS = {"id", "ref", "person", "first", "last", "email", "city", "country", "name", "cat", "int", "year", "real",
          "date", "after", "flag"}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    args: tuple[str, ...]
    nullable: bool

    @property
    def parent(self) -> str:
        """The referenced table of a ref column."""
        return self.args[0]


@dataclass(frozen=True)
class Table:
    name: str
    singular: str
    columns: tuple[Column, ...]

    @property
    def pk(self) -> Column | None:
        return next((c for c in self.columns if c.kind == "id"), None)

    @property
    def refs(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind == "ref")

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def of(self, *kinds: str) -> list[Column]:
        return [c for c in self.columns if c.kind in kinds]

    @property
    def groups(self) -> list[Column]:
        """Columns to group by: categories that are never NULL (a NULL group is an answer nobody asked for)."""
        return [c for c in self.of(*_GROUP_KINDS) if not c.nullable]

    @property
    def label(self) -> tuple[Column, ...]:
        """The columns that name a row: first and last name, a name, else the id; none for link tables."""
        first, last = self.of("first"), self.of("last")
        if first and last:
            return first[0], last[0]
        named = [c for c in self.of(*_LABEL_KINDS) if not c.nullable]
        if named:
            return (named[0],)
        return (self.pk,) if self.pk else ()


def _singular(name: str) -> str:
    words = name.split("_")
    last = words[-1]
    for tail, repl in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("s", "")):
        if last.endswith(tail):
            last = last[: -len(tail)] + repl
            break
    return " ".join(words[:-1] + [last])


def _parse_table(line: str) -> Table:
    head, body = line.split(":", 1)
    name, _, singular = head.partition("/")
    columns = []
    for match in _COLUMN.finditer(body):
        column, kind, args, nullable = match.groups()
        if kind not in _KINDS:
            raise ValueError(f"unknown column kind {kind!r} for {name}.{column}")
        columns.append(Column(column, kind, _split_args(kind, args or ""), bool(nullable)))
    leftover = _COLUMN.sub("", body).replace(",", "").strip()
    if leftover:
        raise ValueError(f"cannot parse column spec near {leftover!r} in table {name}")
    return Table(name.strip(), singular.strip() or _singular(name.strip()), tuple(columns))


def _split_args(kind: str, args: str) -> tuple[str, ...]:
    if kind == "name":  # ";" separates word lists whose every combination is a name
        return tuple(args.split(";"))
    sep = "|" if kind in ("cat", "flag") else ","
    return tuple(a.strip() for a in args.split(sep)) if args.strip() else ()


def _parse_domain(spec: str) -> dict[str, Table]:
    lines: list[str] = []
    for raw in spec.strip("\n").splitlines():
        if raw.startswith(" "):
            lines[-1] += " " + raw.strip()
        elif raw.strip():
            lines.append(raw.strip())
    tables = {}
    for line in lines:
        table = _parse_table(line)
        for ref in table.refs:
            if ref.parent not in tables:
                raise ValueError(f"{table.name}.{ref.name} references {ref.parent}, which is not defined above it")
        tables[table.name] = table
    return tables


SCHEMAS: dict[str, dict[str, Table]] = {domain: _parse_domain(spec) for domain, spec in _DOMAINS.items()}
DOMAINS = tuple(SCHEMAS)


# ---------------------------------------------------------------- sampling a database

def _word_lists(column: Column) -> list[list[str]]:
    return [[a.strip() for a in group.split("|") if a.strip()] for group in column.args]


def _name_pool(column: Column) -> list[str] | None:
    """Every value a literal name column can take, or None when it has placeholders (effectively unbounded)."""
    names = [" ".join(parts) for parts in itertools.product(*_word_lists(column))]
    return None if any("{" in n for n in names) else names


_PLACEHOLDERS = {"first": _FIRST, "last": _LAST, "city": _CITIES, "L": "ABCDEFGHJKLMNPRSTUVWXYZ", "D": "123456789"}


def _made_up_name(rng: random.Random, column: Column) -> str:
    """One word from each list, placeholders filled: 'Chateau Lambert', 'MV Okonkwo', 'Reserve No. 4'."""
    pattern = " ".join(rng.choice(words) for words in _word_lists(column))
    return re.sub(r"\{(\w+)\}", lambda m: rng.choice(_PLACEHOLDERS[m.group(1)]), pattern)


def _day(rng: random.Random, first_year: int, last_year: int) -> str:
    start = dt.date(first_year, 1, 1)
    span = (dt.date(last_year, 12, 31) - start).days
    return (start + dt.timedelta(days=rng.randint(0, span))).isoformat()


def _skewed(rng: random.Random, n: int, zeros: float = 0.0) -> list[float]:
    """Uneven weights, so counts and totals per group differ (fewer ties) and some parents get no children."""
    weights = [0.0 if rng.random() < zeros else rng.random() ** 2 + 0.03 for _ in range(n)]
    if not any(weights):
        weights[rng.randrange(n)] = 1.0
    return weights


@dataclass
class _Db:
    """One sampled database of a domain: every table's rows, and a connection for trying queries on them."""

    domain: str
    tables: dict[str, Table]
    rows: dict[str, list[tuple]]
    conn: sqlite3.Connection | None = None

    def values(self, table: Table, column: Column) -> list:
        i = table.columns.index(column)
        return [r[i] for r in self.rows[table.name] if r[i] is not None]

    def open(self) -> sqlite3.Connection:
        if self.conn is None:
            self.conn = sqlite3.connect(":memory:")
            self.conn.executescript(_context(self, list(self.tables), "compact"))
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class _Sampler:
    """Draws one column's values for one database: the skew, NULL rate and pool are fixed per database."""

    def __init__(self, rng: random.Random, db: _Db, table: Table, column: Column):
        self.rng, self.db, self.table, self.column = rng, db, table, column
        self.null_rate = rng.uniform(0.12, 0.4) if column.nullable else 0.0
        self.pool, self.weights = self._pool()

    def _pool(self) -> tuple[list | None, list[float] | None]:
        rng, column, kind = self.rng, self.column, self.column.kind
        if kind == "cat":
            return list(column.args), _skewed(rng, len(column.args))
        if kind in ("city", "country"):
            pool = rng.sample(_CITIES if kind == "city" else _COUNTRIES, rng.randint(3, 6))
            return pool, _skewed(rng, len(pool))
        if kind == "ref":
            parent = self.db.tables[column.parent]
            keys = [r[0] for r in self.db.rows[parent.name]]
            return keys, _skewed(rng, len(keys), zeros=0.15)
        if kind == "name":
            pool = _name_pool(column)
            if pool is not None:
                rng.shuffle(pool)
            return pool, None
        if kind == "flag":
            return [1, 0], [rng.uniform(0.2, 0.8), 0.5]
        return None, None

    def draw(self, row: dict, index: int):
        if self.null_rate and self.rng.random() < self.null_rate:
            return None
        rng, kind, args = self.rng, self.column.kind, self.column.args
        if kind == "id":
            return index
        if self.weights is not None:
            return rng.choices(self.pool, weights=self.weights)[0]
        if kind == "name":
            return self.pool[index - 1] if self.pool is not None else _made_up_name(rng, self.column)
        if kind in ("int", "year"):
            return rng.randint(int(args[0]), int(args[1]))
        if kind == "real":
            return round(rng.uniform(float(args[0]), float(args[1])), 2)
        if kind == "date":
            return _day(rng, int(args[0]), int(args[1]))
        if kind == "after":
            return self._after(row)
        return self._personal(row)

    def _base_date(self, row: dict) -> str | None:
        base = self.column.args[0]
        if "." not in base:
            return row[base]
        ref_name, parent_column = base.split(".")  # a date of the referenced row: a claim follows its policy's start
        parent = self.db.tables[self.table.column(ref_name).parent]
        i = parent.columns.index(parent.column(parent_column))
        return next((r[i] for r in self.db.rows[parent.name] if r[0] == row[ref_name]), None)

    def _after(self, row: dict) -> str | None:
        base, low, high = self._base_date(row), int(self.column.args[1]), int(self.column.args[2])
        if base is None:
            return None
        day = dt.date.fromisoformat(base) + dt.timedelta(days=self.rng.randint(low, high))
        if self.column.nullable and day > _TODAY:  # a settlement or a return after today has not happened yet
            return None
        return day.isoformat()

    def _personal(self, row: dict) -> str:
        kind, rng = self.column.kind, self.rng
        if kind == "first":
            return rng.choice(_FIRST)
        if kind == "last":
            return rng.choice(_LAST)
        if kind == "person":
            return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if kind == "email":
            names = [v for k, v in row.items() if isinstance(v, str) and self.table.column(k).kind in (
                "person", "first", "last")] or [rng.choice(_LAST)]
            handle = ".".join(" ".join(names).lower().replace("'", "").split())
            return f"{handle}@{rng.choice(_MAIL_HOSTS)}"
        raise ValueError(f"unknown column kind {kind!r} in {self.table.name}.{self.column.name}")


def _depth(tables: dict[str, Table], table: Table) -> int:
    return max((1 + _depth(tables, tables[r.parent]) for r in table.refs if r.parent != table.name), default=0)


def _row_count(rng: random.Random, tables: dict[str, Table], table: Table) -> int:
    depth = _depth(tables, table)
    low, high = ((4, 7), (6, 13), (9, 20))[min(depth, 2)]
    n = rng.randint(low, high)
    pools = [_name_pool(c) for c in table.label if c.kind == "name"]
    return min([n] + [len(p) for p in pools if p is not None])


def _unique_key(table: Table, row: dict) -> tuple:
    """Label values are unique (so a question can name a row), and a link table holds each pair once."""
    key_columns = table.label if table.pk else table.refs
    return tuple(row[c.name] for c in key_columns if c.kind != "id")


def _sample_table(rng: random.Random, db: _Db, table: Table) -> list[tuple]:
    samplers = [_Sampler(rng, db, table, c) for c in table.columns]
    n = _row_count(rng, db.tables, table)
    rows, seen = [], set()
    for _ in range(3 * n):
        if len(rows) == n:
            break
        row: dict = {}
        for sampler in samplers:
            row[sampler.column.name] = sampler.draw(row, len(rows) + 1)
        key = _unique_key(table, row)
        if key and (key in seen or None in key):
            continue
        seen.add(key)
        rows.append(tuple(row.values()))
    return rows


def _sample_db(rng: random.Random, domain: str) -> _Db:
    db = _Db(domain, SCHEMAS[domain], {})
    for table in db.tables.values():  # parents come first, so references always find their keys
        db.rows[table.name] = _sample_table(rng, db, table)
    return db


# ---------------------------------------------------------------- rendering: CREATE statements and the context

_STYLES = ("block", "inline", "compact")  # real databases are written in all of these ways


def _column_sql(tables: dict[str, Table], table: Table, column: Column, style: str) -> str:
    text = f"{column.name} {_SQL_TYPES.get(column.kind, 'TEXT')}"
    if column.kind == "id":
        return text + " PRIMARY KEY"
    if not column.nullable and style != "compact":
        text += " NOT NULL"
    if column.kind == "ref" and style == "inline":
        text += f" REFERENCES {column.parent}({tables[column.parent].pk.name})"
    return text


def _create_statement(tables: dict[str, Table], table: Table, style: str) -> str:
    parts = [_column_sql(tables, table, c, style) for c in table.columns]
    if table.pk is None:
        parts.append(f"PRIMARY KEY ({', '.join(r.name for r in table.refs)})")
    if style != "inline":
        parts += [f"FOREIGN KEY ({r.name}) REFERENCES {r.parent} ({tables[r.parent].pk.name})" for r in table.refs]
    if style == "compact":
        return f"CREATE TABLE {table.name} ({', '.join(parts)})"
    indent = "    " if style == "block" else "  "
    return f"CREATE TABLE {table.name} (\n" + ",\n".join(indent + p for p in parts) + "\n)"


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _insert_statement(db: _Db, name: str) -> str:
    rows = ", ".join("(" + ", ".join(_literal(v) for v in row) + ")" for row in db.rows[name])
    return f"INSERT INTO {name} VALUES {rows};"


def _context(db: _Db, names: list[str], style: str) -> str:
    """The execution script: CREATE statements, then one INSERT per table that has rows."""
    creates = [_create_statement(db.tables, db.tables[n], style) + ";" for n in names]
    return "\n".join(creates + [_insert_statement(db, n) for n in names if db.rows[n]])


def _schema_of(context: str) -> str:
    """The schema text a prompt shows, rendered by the function that renders users' databases."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(context)
        return schema_text(conn)
    finally:
        conn.close()


def _with_parents(tables: dict[str, Table], names: set[str]) -> set[str]:
    """names plus every table they reference, directly or not: a shown schema never points outside itself."""
    out, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo += [r.parent for r in tables[name].refs]
    return out


def _schema_chars(tables: dict[str, Table], names: set[str], style: str) -> int:
    return sum(len(_create_statement(tables, tables[n], style)) + 2 for n in names) - 2


def _shown_tables(rng: random.Random, tables: dict[str, Table], needed: set[str], style: str) -> list[str] | None:
    """The query's tables and their parents, plus others drawn at random, within MAX_SCHEMA_CHARS."""
    shown = _with_parents(tables, needed)
    if _schema_chars(tables, shown, style) > MAX_SCHEMA_CHARS:
        return None
    target = rng.randint(MIN_SHOWN_TABLES, 12)
    others = sorted(set(tables) - shown, key=list(tables).index)
    rng.shuffle(others)
    for name in others:
        if len(shown) >= target:
            break
        grown = _with_parents(tables, shown | {name})
        if _schema_chars(tables, grown, style) <= MAX_SCHEMA_CHARS:
            shown = grown
    return [n for n in tables if n in shown]  # creation order: parents first, as in a real database


# ---------------------------------------------------------------- words: how questions name tables and columns

_UNITS = {"kg": "in kg", "km": "in km", "m": "in metres", "mm": "in mm", "cm": "in cm", "g": "in grams",
          "m3": "in cubic metres", "kw": "in kW", "kwh": "in kWh", "sqm": "in square metres", "kmh": "in km/h",
          "nm": "in nautical miles", "px": "in pixels", "mb": "in MB", "deg": "in degrees"}
_TOKENS = {"id": "ID", "pct": "percentage", "ha": "hectare", "teu": "TEU", "leo": "LEO", "ev": "EV", "os": "OS"}
# Names whose words read badly when split at the underscores.
_COLUMN_WORDS = {"years_experience": "years of experience", "years_keeping": "years of beekeeping",
                 "duration_minutes": "duration in minutes", "talk_seconds": "talk time in seconds",
                 "response_minutes": "response time in minutes", "crossing_minutes": "crossing time in minutes",
                 "bake_minutes": "baking time in minutes", "delay_minutes": "delay in minutes",
                 "yield_tonnes": "yield in tonnes", "capacity_tonnes": "capacity in tonnes",
                 "quota_tonnes": "quota in tonnes", "area_hectares": "area in hectares",
                 "fuel_litres": "fuel in litres", "insurance_covered": "amount covered by insurance",
                 "rated_kw": "rated power in kW", "peak_kw": "peak output in kW",
                 "chlorine_mg_l": "chlorine in mg/L", "turbidity_ntu": "turbidity in NTU"}
_PARTICIPLES = {"paid", "sold", "flown", "spoken", "made", "due", "built", "laid", "allowed", "booked", "watched",
                "wasted", "collected", "dispensed", "created", "flagged", "worked", "changed"}
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def _head(words: str) -> tuple[str, str, str]:
    """(before, noun, after): the noun a plural ending goes on, e.g. 'amount' in 'amount paid', 'price per jar'."""
    for sep in (" in ", " per ", " of ", " to "):
        if sep in words:
            left, right = words.split(sep, 1)
            before, noun, after = _head(left)
            return before, noun, after + sep + right
    parts = words.split(" ")
    if len(parts) > 1 and parts[-1] in _PARTICIPLES:
        before, noun, after = _head(" ".join(parts[:-1]))
        return before, noun, after + " " + parts[-1]
    return " ".join(parts[:-1]) + (" " if len(parts) > 1 else ""), parts[-1], ""


def _is_plural(words: str) -> bool:
    noun = _head(words)[1]
    return noun.endswith("s") and not noun.endswith(("ss", "us", "is"))


def _plural(words: str) -> str:
    before, noun, after = _head(words)
    if _is_plural(words) or (noun.isupper() and noun.endswith("S")):  # "device OS" stays as it is
        return words
    if noun.endswith("is"):
        noun = noun[:-2] + "es"
    elif noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        noun = noun[:-1] + "ies"
    elif noun.endswith(("s", "x", "ch", "sh")):
        noun += "es"
    else:
        noun += "s"
    return before + noun + after


def _a(words: str) -> str:
    """The word with its indefinite article."""
    sounds_like_you = words.startswith(("unit", "univ", "union", "uniq", "unif", "use", "usu", "uti"))
    vowel = words[:1].lower() in tuple("aeio") or (words[:1].lower() == "u" and not sounds_like_you)
    return ("an " if vowel or words.startswith("hour") else "a ") + words


def _role(tables: dict[str, Table], column: Column) -> str:
    """What a reference means for its row: 'policy' for policy_id, 'assignee' for assignee_id."""
    role = column.name.removesuffix("_id").replace("_", " ")
    parent = tables[column.parent].singular
    return parent if parent.endswith(role) or parent.startswith(role + " ") else role


def _words(tables: dict[str, Table], table: Table, column: Column) -> str:
    if column.name in _COLUMN_WORDS:
        return _COLUMN_WORDS[column.name]
    if column.kind == "ref":
        return _role(tables, column) + " ID"
    parts = column.name.split("_")
    if parts[-1] in ("name", "title") and " ".join(parts[:-1]) in ("full", table.singular, table.singular.split()[-1]):
        return parts[-1]  # "the names of labs", not "the lab names of labs"
    tail = ""
    if len(parts) > 1 and parts[-1] in _UNITS and parts[-2] != "per":
        tail = " " + _UNITS[parts.pop()]
    return " ".join(_TOKENS.get(p, p) for p in parts) + tail


def _plural_table(table: Table) -> str:
    return table.name.replace("_", " ")


def _label_words(tables: dict[str, Table], table: Table) -> str:
    """The label, plural: 'names', 'first and last names', 'claim IDs'."""
    label = table.label
    if len(label) == 2:
        return "first and last names"
    return _plural(_words(tables, table, label[0]))


def _label_one(tables: dict[str, Table], table: Table) -> str:
    label = table.label
    return "first and last name" if len(label) == 2 else _words(tables, table, label[0])


def _says_label(table: Table) -> bool:
    """Whether 'Which X ...?' plainly asks for the label: a name does, a bare id number does not."""
    return table.label[0].kind != "id"


def _listing(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _decimals(rng: random.Random) -> tuple[int, str]:
    """How much to round, and the sentence that asks for it: a question must say what the answer's precision is."""
    n = 2 if rng.random() < 0.8 else 1
    words, s = _NUMBER_WORDS[n], "" if n == 1 else "s"
    return n, rng.choice((f" Round to {words} decimal{s}.", f" Round the result to {n} decimal place{s}.",
                          f" Give the answer rounded to {words} decimal{s}.", f" Round to {n} decimal place{s}."))


def _ask(rng: random.Random, templates: tuple[str, ...], **fields) -> str:
    text = rng.choice(templates).format(**fields)
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- conditions: a WHERE clause and its phrasings

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_ABOVE = {">": ("above", "over", "greater than", "higher than"), "<": ("below", "under", "less than", "lower than"),
          ">=": ("at least", "no less than"), "<=": ("at most", "no more than")}
_MORE = {">": ("more than",), "<": ("fewer than", "less than"), ">=": ("at least",), "<=": ("at most",)}
_LATER = {">": ("after",), "<": ("before",), ">=": ("in or after",), "<=": ("in or before",)}
# Columns whose total means nothing (a sum of prices, scores, diameters): averaged or ranked, never summed.
_NO_SUM = ("rate", "score", "pct", "level", "priority", "strength", "stars", "latitude", "temperature", "multiplier",
           "per_", "price", "fee", "year", "number", "capacity", "size", "count", "budget", "diameter", "elevation",
           "depth", "drop", "width", "age", "length_m", "population")


@dataclass(frozen=True)
class _Cond:
    sql: str
    whose: tuple[str, ...]  # phrases after a noun, singular or plural: "whose status is 'open'", "with no email"
    have: str  # plural verb phrase: "have a status of 'open'"
    has: str  # singular verb phrase: "has a status of 'open'"
    column: Column

    def rel(self, rng: random.Random, plural: bool = True) -> str:
        return rng.choice(self.whose + ("that " + (self.have if plural else self.has),))


def _rels(rng: random.Random, conds: list[_Cond], plural: bool = True) -> str:
    return " and ".join(c.rel(rng, plural) for c in conds)


def _singular_verb(phrase: str) -> str:
    verb, _, rest = phrase.partition(" ")
    irregular = {"are": "is", "have": "has", "were": "was", "do": "does", "did": "did"}
    verb = irregular.get(verb, verb if verb.endswith("ed") else verb + "s")
    return f"{verb} {rest}".strip()


def _ref(alias: str, column: Column) -> str:
    return f"{alias}.{column.name}" if alias else column.name


def _nice(value, kind: str):
    """A threshold a person would type: whole numbers for large values, one decimal for small reals."""
    if kind != "real":
        return value
    size = abs(value)
    if size >= 1000:
        return int(round(value, -2))
    if size >= 100:
        return int(round(value, -1))
    return int(round(value)) if size >= 10 else round(value, 1)


def _when(rng: random.Random, day: str) -> str:
    d = dt.date.fromisoformat(day)
    return rng.choice((day, f"{_MONTHS[d.month - 1]} {d.day}, {d.year}", f"{d.day} {_MONTHS[d.month - 1]} {d.year}"))


def _equal_cond(rng, db, tables, table, column, alias) -> _Cond:
    values = sorted(set(db.values(table, column)))
    words, ref = _words(tables, table, column), _ref(alias, column)
    quote = (lambda v: f"'{v}'") if rng.random() < 0.6 else str
    roll = rng.random()
    if roll < 0.12 and len(values) > 2:
        a, b = rng.sample(values, 2)
        return _Cond(f"{ref} IN ({_literal(a)}, {_literal(b)})", (f"whose {words} is {quote(a)} or {quote(b)}",),
                     f"have {_a(words)} of {quote(a)} or {quote(b)}", f"has {_a(words)} of {quote(a)} or {quote(b)}",
                     column)
    value = rng.choice(values)
    if roll < 0.25 and len(values) > 1:
        return _Cond(f"{ref} <> {_literal(value)}", (f"whose {words} is not {quote(value)}",),
                     f"have {_a(words)} other than {quote(value)}", f"has {_a(words)} other than {quote(value)}",
                     column)
    return _Cond(f"{ref} = {_literal(value)}", (f"whose {words} is {quote(value)}", f"with {words} {quote(value)}"),
                 f"have {_a(words)} of {quote(value)}", f"has {_a(words)} of {quote(value)}", column)


def _flag_cond(rng, db, tables, table, column, alias) -> _Cond | None:
    yes = 1 if rng.random() < 0.6 else 0
    if yes not in db.values(table, column):
        return None
    phrases = column.args or (f"are {column.name[3:]}", f"are not {column.name[3:]}")
    have = phrases[0 if yes else 1]
    return _Cond(f"{_ref(alias, column)} = {yes}", (), have, _singular_verb(have), column)


def _number_cond(rng, db, tables, table, column, alias) -> _Cond:
    n = _nice(rng.choice(db.values(table, column)), column.kind)
    op = rng.choices((">", "<", ">=", "<="), weights=(4, 4, 1, 1))[0]
    words, sql = _words(tables, table, column), f"{_ref(alias, column)} {op} {n}"
    if column.kind == "year":
        later = rng.choice(_LATER[op])
        return _Cond(sql, (f"whose {words} is {later} {n}",), f"have {_a(words)} {later} {n}",
                     f"has {_a(words)} {later} {n}", column)
    if _is_plural(words):
        more = rng.choice(_MORE[op])
        return _Cond(sql, (f"with {more} {n} {words}",), f"have {more} {n} {words}", f"has {more} {n} {words}", column)
    above = rng.choice(_ABOVE[op])
    return _Cond(sql, (f"whose {words} is {above} {n}", f"with {_a(words)} {above} {n}"),
                 f"have {_a(words)} {above} {n}", f"has {_a(words)} {above} {n}", column)


def _between_cond(rng, db, tables, table, column, alias) -> _Cond | None:
    values = sorted(set(db.values(table, column)))
    if len(values) < 3:
        return None
    low, high = sorted(rng.sample(values, 2))
    ref, words = _ref(alias, column), _words(tables, table, column)
    if column.kind in _DATE_KINDS:
        span = f"between {_when(rng, low)} and {_when(rng, high)}"
        sql = f"{ref} BETWEEN {_literal(low)} AND {_literal(high)}"
    else:
        low, high = _nice(low, column.kind), _nice(high, column.kind)
        if low >= high:
            return None
        span, sql = f"between {low} and {high}", f"{ref} BETWEEN {low} AND {high}"
    if _is_plural(words):
        return _Cond(sql, (f"with {span} {words}",), f"have {span} {words}", f"has {span} {words}", column)
    return _Cond(sql, (f"whose {words} is {span}", f"with {_a(words)} {span}"), f"have {_a(words)} {span}",
                 f"has {_a(words)} {span}", column)


def _date_cond(rng, db, tables, table, column, alias) -> _Cond | None:
    day = rng.choice(db.values(table, column))
    ref, words, year, month = _ref(alias, column), _words(tables, table, column), day[:4], int(day[5:7])
    mode = rng.choice(("before", "after", "year", "year", "month", "between"))
    if mode == "between":
        return _between_cond(rng, db, tables, table, column, alias)
    if mode == "year":
        sql = rng.choice((f"strftime('%Y', {ref}) = '{year}'", f"{ref} BETWEEN '{year}-01-01' AND '{year}-12-31'"))
        when = f"in {year}"
    elif mode == "month":
        sql, when = f"strftime('%Y-%m', {ref}) = '{day[:7]}'", f"in {_MONTHS[month - 1]} {year}"
    else:
        cut = day[:8] + "01" if rng.random() < 0.7 else day
        sql = f"{ref} {'<' if mode == 'before' else '>'} '{cut}'"
        when = f"{mode} {_when(rng, cut)}"
    return _Cond(sql, (f"whose {words} is {when}", f"with {_a(words)} {when}"), f"have {_a(words)} {when}",
                 f"has {_a(words)} {when}", column)


def _null_cond(rng, db, tables, table, column, alias) -> _Cond | None:
    present = len(db.values(table, column))
    missing = len(db.rows[table.name]) - present
    is_null = rng.random() < 0.5
    if not present or not missing:
        return None
    words = _role(tables, column) if column.kind == "ref" else _words(tables, table, column)
    some, be = (words, "are") if _is_plural(words) else (_a(words), "is")
    if is_null:
        return _Cond(f"{_ref(alias, column)} IS NULL", (f"with no {words}", f"without {some}",
                     f"whose {words} {be} missing", f"whose {words} {be} not recorded"),
                     f"have no {words}", f"has no {words}", column)
    return _Cond(f"{_ref(alias, column)} IS NOT NULL", (f"with {some} recorded", f"whose {words} {be} known"),
                 f"have {some}", f"has {some}", column)


def _like_cond(rng, db, tables, table, column, alias) -> _Cond | None:
    value = rng.choice(db.values(table, column))
    tokens = [t for t in value.split() if len(t) >= 3 and t.isalpha()]
    if any(ch in value for ch in "%_'") or not tokens:
        return None
    mode = rng.choice(("starts", "starts", "contains", "ends"))
    if mode == "starts":
        part = value[: rng.randint(1, 3)].strip()
        pattern, says, saying = f"{part}%", f"starts with '{part}'", f"starting with '{part}'"
    elif mode == "contains":
        part = rng.choice(tokens)
        pattern, says, saying = f"%{part}%", f"contains '{part}'", f"containing '{part}'"
    else:
        part = tokens[-1] if value.endswith(tokens[-1]) else value[-3:]
        pattern, says, saying = f"%{part}", f"ends with '{part}'", f"ending in '{part}'"
    words = _words(tables, table, column)
    return _Cond(f"{_ref(alias, column)} LIKE '{pattern}'", (f"whose {words} {says}",),
                 f"have {_a(words)} {saying}", f"has {_a(words)} {saying}", column)


_COND_MAKERS = {"equal": _equal_cond, "flag": _flag_cond, "number": _number_cond, "date": _date_cond,
                "null": _null_cond, "like": _like_cond, "between": _between_cond}
_ALL_CONDS = ("equal", "equal", "flag", "number", "date", "null")


def _cond_types(column: Column) -> list[str]:
    kind, types = column.kind, []
    if kind in _GROUP_KINDS:
        types.append("equal")
    elif kind == "flag":
        types.append("flag")
    elif kind in _NUMBER_KINDS:
        types += ["number", "between"]
    elif kind in _DATE_KINDS:
        types += ["date", "between"]
    elif kind in _TEXT_KINDS and not column.nullable:
        types.append("like")
    if column.nullable and kind != "flag":
        types.append("null")
    return types


def _condition(rng: random.Random, db: _Db, table: Table, alias: str = "", kinds=_ALL_CONDS,
               avoid=()) -> _Cond | None:
    """A random condition on one of the table's columns, of one of the given kinds; None if it has none."""
    options = [(k, c) for c in table.columns if c not in avoid and db.values(table, c)  # all NULL: nothing to ask
               for k in _cond_types(c) if k in kinds]
    rng.shuffle(options)
    for kind, column in options[:4]:
        cond = _COND_MAKERS[kind](rng, db, db.tables, table, column, alias)
        if cond is not None:
            return cond
    return None


# ---------------------------------------------------------------- pieces shared by the query shapes

@dataclass(frozen=True)
class _Query:
    question: str
    sql: str
    tables: tuple[str, ...]


@dataclass(frozen=True)
class _Link:
    """child.ref -> parent.pk, with the aliases the query gives them."""

    child: Table
    ref: Column
    parent: Table
    ca: str
    pa: str

    def join(self) -> str:
        return (f"{self.child.name} AS {self.ca} JOIN {self.parent.name} AS {self.pa} "
                f"ON {self.ca}.{self.ref.name} = {self.pa}.{self.parent.pk.name}")


_KEYWORDS = {"as", "by", "do", "if", "in", "is", "no", "of", "on", "or", "to"}


def _alias(table: Table, taken: set[str]) -> str:
    words = table.name.split("_")
    initials = "".join(w[0] for w in words)
    for alias in (initials, initials + words[-1][1], table.name[:3], initials + "2"):
        if alias not in taken and alias not in _KEYWORDS:
            taken.add(alias)
            return alias
    raise ValueError(f"no alias left for {table.name}")


def _links(db: _Db, plain: bool = False) -> list[tuple[Table, Column, Table]]:
    """Every (child, reference, parent) of the domain; plain keeps the references named after their parent
    (policy_id, not origin_port_id), where "each policy" has one meaning without naming the role."""
    return [(child, ref, db.tables[ref.parent]) for child in db.tables.values() for ref in child.refs
            if db.rows[child.name] and (not plain or _role(db.tables, ref) == db.tables[ref.parent].singular)]


def _link(rng: random.Random, db: _Db, plain: bool = False) -> _Link | None:
    options = _links(db, plain)
    if not options:
        return None
    child, ref, parent = rng.choice(options)
    taken: set[str] = set()
    return _Link(child, ref, parent, _alias(child, taken), _alias(parent, taken))


def _shortcut(tables: dict[str, Table], names: list[str]) -> bool:
    """Whether a table on the path also references a table further along: then 'each X' has two meanings."""
    return any(r.parent == later for i, name in enumerate(names) for r in tables[name].refs for later in names[i + 2:])


def _chain(rng: random.Random, db: _Db) -> list[_Link] | None:
    """A path of two or three plain references (child -> parent -> grandparent ...) with no shortcut."""
    hops = _links(db, plain=True)
    paths, found = [[hop] for hop in hops], []
    for _ in range(2):
        paths = [p + [h] for p in paths for h in hops if h[0].name == p[-1][2].name and h[2].name not in
                 {x[0].name for x in p}]
        found += [p for p in paths if not _shortcut(db.tables, [p[0][0].name] + [hop[2].name for hop in p])]
    if not found:
        return None
    path = rng.choice(found)
    taken: set[str] = set()
    aliases = [_alias(path[0][0], taken)] + [_alias(hop[2], taken) for hop in path]
    return [_Link(c, r, p, aliases[i], aliases[i + 1]) for i, (c, r, p) in enumerate(path)]


def _chain_join(chain: list[_Link]) -> str:
    first = chain[0]
    text = f"{first.child.name} AS {first.ca}"
    for link in chain:
        text += f" JOIN {link.parent.name} AS {link.pa} ON {link.ca}.{link.ref.name} = {link.pa}.{link.parent.pk.name}"
    return text


def _pick(rng: random.Random, db: _Db, need) -> Table | None:
    options = [t for t in db.tables.values() if db.rows[t.name] and need(t)]
    return rng.choice(options) if options else None


def _label_sql(table: Table, alias: str = "") -> list[str]:
    return [_ref(alias, c) for c in table.label]


def _outputs(rng: random.Random, db: _Db, table: Table, alias: str = "", extra: float = 0.45,
             avoid=()) -> tuple[list[str], str]:
    """The SELECT list and how the question names it: the label, sometimes with one more column."""
    select, words = _label_sql(table, alias), [_label_words(db.tables, table)]
    more = [c for c in table.columns if c.kind in (*_GROUP_KINDS, *_NUMBER_KINDS, *_DATE_KINDS)
            and c not in avoid and c not in table.label]
    if more and rng.random() < extra:
        column = rng.choice(more)
        select.append(_ref(alias, column))
        words.append(_plural(_words(db.tables, table, column)))
    return select, _listing(words)


@dataclass(frozen=True)
class _Measure:
    sql: str  # as selected: ROUND(AVG(x), 2)
    raw: str  # the bare aggregate, for HAVING: AVG(x)
    words: str  # "average claim amount"
    sentence: str = ""  # the rounding request, when the value is rounded


_COUNT = _Measure("COUNT(*)", "COUNT(*)", "number")


def _measure(rng: random.Random, db: _Db, table: Table, alias: str = "",
             funcs=("AVG", "SUM", "MIN", "MAX")) -> _Measure | None:
    """An aggregate of one of the table's numeric columns, with the words a question uses for it."""
    numbers = [c for c in table.of(*_NUMBER_KINDS) if c.kind != "year"]
    if not numbers:
        return None
    column = rng.choice(numbers)
    if any(part in column.name for part in _NO_SUM):  # a total of prices or scores means nothing
        funcs = tuple(f for f in funcs if f != "SUM") or ("AVG",)
    func, ref, words = rng.choice(funcs), _ref(alias, column), _words(db.tables, table, column)
    raw = f"{func}({ref})"
    if func == "AVG":
        decimals, sentence = _decimals(rng)
        return _Measure(f"ROUND({raw}, {decimals})", raw, f"{rng.choice(('average', 'mean'))} {words}", sentence)
    if func == "SUM":
        return _Measure(f"ROUND({raw}, 2)" if column.kind == "real" else raw, raw, f"total {words}")
    extreme = ("highest", "largest", "maximum") if func == "MAX" else ("lowest", "smallest", "minimum")
    if _is_plural(words):
        extreme = ("most",) if func == "MAX" else ("fewest",)
    return _Measure(raw, raw, f"{rng.choice(extreme)} {words}")


def _order_words(rng: random.Random, words: str, desc: bool, kind: str) -> str:
    if kind in _DATE_KINDS:
        return rng.choice((" Show the most recent first.", f" Sort by {words}, latest first.") if desc else
                          (" Show the earliest first.", f" Sort by {words}, earliest first."))
    return rng.choice((f" Sort by {words}, highest first.", f" List them from the highest {words} to the lowest.")
                      if desc else (f" Sort by {words}, lowest first.", f" Order them by {words} in ascending order."))


def _where(conditions: list[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def _values(db: _Db, sql: str) -> list[tuple]:
    return db.open().execute(sql).fetchall()


def _threshold(rng: random.Random, values: list, kind: str = "int"):
    """A cut with values on both sides: some rows pass, some do not."""
    values = sorted(v for v in values if v is not None)
    if len(values) < 2 or values[0] == values[-1]:
        return None
    cut = _nice(rng.choice(values[:-1]), "real" if isinstance(values[0], float) else kind)
    return cut if values[0] <= cut < values[-1] else None


# ---------------------------------------------------------------- single-table shapes

def _filter_question(rng, db, table, outs, conds, only_label) -> str:
    fields = dict(outs=outs, T=_plural_table(table), one=table.singular, rel=_rels(rng, conds),
                  rel1=_rels(rng, conds, plural=False), have=" and ".join(c.have for c in conds))
    templates = ["List the {outs} of {T} {rel}.", "Show the {outs} of all {T} {rel}.",
                 "What are the {outs} of the {T} {rel}?", "Give me the {outs} of {T} {rel}.",
                 "Find the {outs} of every {one} {rel1}.", "Which {T} {have}? Give their {outs}."]
    if only_label and _says_label(table):
        templates += ["Which {T} {have}?"] * 2
    return _ask(rng, tuple(templates), **fields)


def _filtered(rng, db, table, conds, extra=0.45, order_by: Column | None = None) -> _Query | None:
    conds = [c for c in conds if c is not None]
    if not conds or not table.label:
        return None
    avoid = [c.column for c in conds]
    select, outs = _outputs(rng, db, table, extra=extra, avoid=avoid)
    sql = f"SELECT {', '.join(select)} FROM {table.name} WHERE {' AND '.join(c.sql for c in conds)}"
    question = _filter_question(rng, db, table, outs, conds, len(select) == len(table.label))
    if order_by is not None:
        desc = rng.random() < 0.6
        sql += f" ORDER BY {order_by.name} {'DESC' if desc else 'ASC'}"
        question += _order_words(rng, _words(db.tables, table, order_by), desc, order_by.kind)
    return _Query(question, sql, (table.name,))


def _filter_equal(rng, db):
    table = _pick(rng, db, lambda t: t.label and t.of(*_GROUP_KINDS, "flag"))
    if table is None:
        return None
    conds = [_condition(rng, db, table, kinds=("equal", "flag"))]
    if conds[0] and rng.random() < 0.3:
        conds.append(_condition(rng, db, table, kinds=_ALL_CONDS, avoid=[conds[0].column]))
    return _filtered(rng, db, table, conds)


def _filter_range(rng, db):
    table = _pick(rng, db, lambda t: t.label and t.of(*_NUMBER_KINDS, *_DATE_KINDS))
    if table is None:
        return None
    column = rng.choice(table.of(*_NUMBER_KINDS, *_DATE_KINDS))
    kind = "between" if rng.random() < 0.35 else ("date" if column.kind in _DATE_KINDS else "number")
    cond = _COND_MAKERS[kind](rng, db, db.tables, table, column, "")
    if cond is None or rng.random() < 0.35:
        return _filtered(rng, db, table, [cond])
    # Show the compared column too, sometimes sorted by it.
    select = _label_sql(table) + [column.name]
    outs = _listing([_label_words(db.tables, table), _plural(_words(db.tables, table, column))])
    question = _filter_question(rng, db, table, outs, [cond], False)
    sql = f"SELECT {', '.join(select)} FROM {table.name} WHERE {cond.sql}"
    if rng.random() < 0.4:
        desc = rng.random() < 0.6
        sql += f" ORDER BY {column.name} {'DESC' if desc else 'ASC'}"
        question += _order_words(rng, _words(db.tables, table, column), desc, column.kind)
    return _Query(question, sql, (table.name,))


def _filter_like(rng, db):
    table = _pick(rng, db, lambda t: t.label and any(not c.nullable for c in t.of(*_TEXT_KINDS)))
    if table is None:
        return None
    return _filtered(rng, db, table, [_condition(rng, db, table, kinds=("like",))])


def _filter_null(rng, db):
    table = _pick(rng, db, lambda t: t.label and any(c.nullable and c.kind != "flag" for c in t.columns))
    if table is None:
        return None
    return _filtered(rng, db, table, [_condition(rng, db, table, kinds=("null",))], extra=0.3)


def _count_where(rng, db):
    table = _pick(rng, db, lambda t: True)
    if table is None:
        return None
    T = _plural_table(table)
    if rng.random() < 0.12:
        question = _ask(rng, ("How many {T} are there?", "Count the {T} in the database.",
                              "What is the total number of {T}?", "How many {T} are recorded?"), T=T)
        return _Query(question, f"SELECT COUNT(*) FROM {table.name}", (table.name,))
    conds = [_condition(rng, db, table)]
    if conds[0] and rng.random() < 0.25:
        conds.append(_condition(rng, db, table, avoid=[conds[0].column]))
    conds = [c for c in conds if c]
    if not conds:
        return None
    question = _ask(rng, ("How many {T} {have}?", "How many {T} are there {rel}?", "Count the {T} {rel}.",
                          "What is the number of {T} {rel}?", "Give me the number of {T} {rel}."),
                    T=T, rel=_rels(rng, conds), have=" and ".join(c.have for c in conds))
    return _Query(question, f"SELECT COUNT(*) FROM {table.name} WHERE {' AND '.join(c.sql for c in conds)}",
                  (table.name,))


def _count_distinct(rng, db):
    table = _pick(rng, db, lambda t: t.of(*_GROUP_KINDS, "ref"))
    if table is None:
        return None
    column = rng.choice(table.of(*_GROUP_KINDS, "ref"))
    cond = _condition(rng, db, table, avoid=[column]) if rng.random() < 0.6 else None
    where = f" WHERE {cond.sql}" if cond else ""
    T, rel = _plural_table(table), " " + cond.rel(rng) if cond else ""
    if column.kind == "ref":
        role = _plural(_role(db.tables, column))
        templates = ["How many different {role} appear on {T}{rel}?",
                     "How many distinct {role} do the {T}{rel} refer to?"]
        if _role(db.tables, column) == db.tables[column.parent].singular:
            templates += ["How many {role} have at least one {one}{rel1}?"]
        question = _ask(rng, tuple(templates), role=role, T=T, rel=rel, one=table.singular,
                        rel1=" " + cond.rel(rng, False) if cond else "")
    else:
        question = _ask(rng, ("How many distinct {cs} appear among {T}{rel}?", "Count the different {cs} of {T}{rel}.",
                              "How many different {cs} are there among the {T}{rel}?"),
                        cs=_plural(_words(db.tables, table, column)), T=T, rel=rel)
    return _Query(question, f"SELECT COUNT(DISTINCT {column.name}) FROM {table.name}{where}", (table.name,))


def _aggregate(rng, db):
    table = _pick(rng, db, lambda t: t.of("int", "real", *_DATE_KINDS))
    if table is None:
        return None
    cond = _condition(rng, db, table) if rng.random() < 0.55 else None
    rel = " " + cond.rel(rng) if cond else ""
    where = f" WHERE {cond.sql}" if cond else ""
    dates = table.of(*_DATE_KINDS)
    if dates and (rng.random() < 0.25 or not table.of("int", "real")):
        column = rng.choice(dates)
        first = rng.random() < 0.5
        words = _words(db.tables, table, column)
        question = _ask(rng, ("What is the {which} {w} among {T}{rel}?", "When is the {which} {w} of any {one}{rel1}?",
                              "Find the {which} {w} of the {T}{rel}."), which="earliest" if first else "latest",
                        w=words, T=_plural_table(table), one=table.singular, rel=rel,
                        rel1=" " + cond.rel(rng, False) if cond else "")
        sql = f"SELECT {'MIN' if first else 'MAX'}({column.name}) FROM {table.name}{where}"
        return _Query(question, sql, (table.name,))
    if rng.random() < 0.15:
        column = rng.choice([c for c in table.of("int", "real")])
        words = _plural(_words(db.tables, table, column))
        question = _ask(rng, ("What are the lowest and highest {ws} of {T}{rel}?",
                              "Give the minimum and maximum {ws} among {T}{rel}."), ws=words,
                        T=_plural_table(table), rel=rel)
        return _Query(question, f"SELECT MIN({column.name}), MAX({column.name}) FROM {table.name}{where}",
                      (table.name,))
    m = _measure(rng, db, table)
    question = _ask(rng, ("What is the {m} of {T}{rel}?", "Find the {m} among {T}{rel}.",
                          "Calculate the {m} for {T}{rel}.", "Give me the {m} of the {T}{rel}."),
                    m=m.words, T=_plural_table(table), rel=rel) + m.sentence
    return _Query(question, f"SELECT {m.sql} FROM {table.name}{where}", (table.name,))


def _top_k(rng, db):
    table = _pick(rng, db, lambda t: t.label and t.of(*_NUMBER_KINDS, *_DATE_KINDS))
    if table is None:
        return None
    column = rng.choice(table.of(*_NUMBER_KINDS, *_DATE_KINDS))
    k, desc = rng.choice((1, 1, 2, 3, 3, 5)), rng.random() < 0.7
    cond = _condition(rng, db, table, avoid=[column]) if rng.random() < 0.25 else None
    words = _words(db.tables, table, column)
    if column.kind in (*_DATE_KINDS, "year"):
        hi = rng.choice(("latest", "most recent")) if desc else "earliest"
    elif _is_plural(words):
        hi = "most" if desc else "fewest"
    else:
        hi = rng.choice(("highest", "largest")) if desc else rng.choice(("lowest", "smallest"))
    show = rng.random() < 0.5
    select = _label_sql(table) + ([column.name] if show else [])
    if k == 1:
        outs = _listing([_label_one(db.tables, table)] + ([words] if show else []))
    else:
        outs = _listing([_label_words(db.tables, table)] + ([_plural(words)] if show else []))
    fields = dict(k=k, T=_plural_table(table), one=table.singular, w=words, hi=hi, outs=outs,
                  rel=" " + cond.rel(rng) if cond else "", rel1=" " + cond.rel(rng, False) if cond else "",
                  lab=_label_one(db.tables, table))
    if k == 1:
        templates = ["Which {one}{rel1} has the {hi} {w}? Give its {outs}.", "Find the {outs} of the {one}{rel1} "
                     "with the {hi} {w}."]
        if not show:
            templates += ["What is the {lab} of the {one}{rel1} with the {hi} {w}?"]
            if _says_label(table):
                templates += ["Which {one}{rel1} has the {hi} {w}?"]
    else:
        templates = ["Which {k} {T}{rel} have the {hi} {w}? Give their {outs}.",
                     "List the {outs} of the {k} {T}{rel} with the {hi} {w}.",
                     "What are the {outs} of the {k} {T}{rel} with the {hi} {w}?"]
    where = [cond.sql] if cond else []
    if column.nullable and not desc:  # NULLs sort first in SQLite; "the lowest" means the lowest known value
        where.append(f"{column.name} IS NOT NULL")
    sql = (f"SELECT {', '.join(select)} FROM {table.name}{_where(where)} "
           f"ORDER BY {column.name} {'DESC' if desc else 'ASC'} LIMIT {k}")
    return _Query(_ask(rng, tuple(templates), **fields), sql, (table.name,))


def _distinct(rng, db):
    table = _pick(rng, db, lambda t: t.groups)
    if table is None:
        return None
    column = rng.choice(table.groups)
    cond = _condition(rng, db, table, avoid=[column]) if rng.random() < 0.6 else None
    question = _ask(rng, ("List the distinct {cs} of {T}{rel}.", "Which {cs} do the {T}{rel} have? List each once.",
                          "What different {cs} appear among {T}{rel}?", "Show each {c} used by {T}{rel}, once."),
                    c=_words(db.tables, table, column), cs=_plural(_words(db.tables, table, column)),
                    T=_plural_table(table), rel=" " + cond.rel(rng) if cond else "")
    where = f" WHERE {cond.sql}" if cond else ""
    return _Query(question, f"SELECT DISTINCT {column.name} FROM {table.name}{where}", (table.name,))


# ---------------------------------------------------------------- one join, or one table grouped

def _join_words(db: _Db, link: _Link) -> dict:
    """Fields every join question uses: the child and parent nouns, the reference's role, the labels."""
    role = _role(db.tables, link.ref)
    return dict(C=_plural_table(link.child), c1=link.child.singular, P=_plural_table(link.parent),
                p1=link.parent.singular, role=role, roles=_plural(role), plain=role == link.parent.singular,
                plab=_label_words(db.tables, link.parent), plab1=_label_one(db.tables, link.parent))


def _join_filter(rng, db):
    link = _link(rng, db)
    if link is None:
        return None
    f, roll = _join_words(db, link), rng.random()
    if roll < 0.45 and link.child.label:  # children, filtered by something about their parent
        cond = _condition(rng, db, link.parent, link.pa)
        if cond is None:
            return None
        select, outs = _outputs(rng, db, link.child, link.ca)
        templates = ["List the {outs} of {C} whose {role} {has}.", "Find the {outs} of every {c1} whose {role} {has}."]
        if f["plain"]:
            templates += ["Show the {outs} of the {C} linked to {P} {rel}.",
                          "What are the {outs} of {C} for {P} {rel}?"]
        question = _ask(rng, tuple(templates), outs=outs, has=cond.has, rel=cond.rel(rng), **f)
    elif roll < 0.8:  # parents that have some kind of child
        cond = _condition(rng, db, link.child, link.ca)
        if cond is None:
            return None
        select = ["DISTINCT " + ", ".join(_label_sql(link.parent, link.pa))]
        if f["plain"]:
            templates = ["List the {plab} of {P} that have {C} {rel}.",
                         "Give me the {plab} of the {P} with at least one {c1} {rel1}."]
            templates += ["Which {P} have {C} {rel}?"] * _says_label(link.parent)
        else:
            templates = ["List the {plab} of the {P} that are the {role} of {C} {rel}.",
                         "Which {P} appear as {role} on {C} {rel}? Give their {plab}."]
        question = _ask(rng, tuple(templates), rel=cond.rel(rng), rel1=cond.rel(rng, False), **f)
    else:  # each child with its parent's label
        cond = _condition(rng, db, link.child, link.ca)
        if cond is None or not link.child.label:
            return None
        select = _label_sql(link.child, link.ca) + _label_sql(link.parent, link.pa)
        question = _ask(rng, ("For {C} {rel}, list the {clab} and the {plab1} of their {role}.",
                              "Show the {clab} of {C} {rel}, together with the {plab1} of their {role}."),
                        rel=cond.rel(rng), clab=_label_words(db.tables, link.child), **f)
    sql = f"SELECT {', '.join(select)} FROM {link.join()} WHERE {cond.sql}"
    return _Query(question, sql, (link.child.name, link.parent.name))


def _join_count(rng, db):
    link = _link(rng, db)
    if link is None:
        return None
    cond = _condition(rng, db, link.parent, link.pa)
    if cond is None:
        return None
    f = _join_words(db, link)
    extra = _condition(rng, db, link.child, link.ca) if rng.random() < 0.3 else None
    where = [cond.sql] + ([extra.sql] if extra else [])
    crel = " " + extra.rel(rng) if extra else ""
    m = _measure(rng, db, link.child, link.ca) if rng.random() < 0.35 else None
    if m:
        expr = m.sql
        question = _ask(rng, ("What is the {m} of {C}{crel} whose {role} {has}?",
                              "Calculate the {m} of the {C}{crel} whose {role} {has}."),
                        m=m.words, crel=crel, has=cond.has, **f) + m.sentence
    else:
        expr = "COUNT(*)"
        templates = ["How many {C}{crel} are there whose {role} {has}?", "Count the {C}{crel} whose {role} {has}."]
        if f["plain"]:
            templates += ["How many {C}{crel} belong to {P} {rel}?"]
        question = _ask(rng, tuple(templates), crel=crel, has=cond.has, rel=cond.rel(rng), **f)
    sql = f"SELECT {expr} FROM {link.join()}{_where(where)}"
    return _Query(question, sql, (link.child.name, link.parent.name))


def _group_column(rng, table: Table) -> Column | None:
    return rng.choice(table.groups) if table.groups else None


def _count_sql(rng, name: str) -> tuple[str, str]:
    """COUNT(*), sometimes with an alias the ORDER BY then uses: (select item, order key)."""
    if rng.random() < 0.5:
        alias = name.replace(" ", "_") + "_count"
        return f"COUNT(*) AS {alias}", alias
    return "COUNT(*)", "COUNT(*)"


def _group_count(rng, db):
    table = _pick(rng, db, lambda t: t.groups or [r for r in t.refs if not r.nullable])
    if table is None:
        return None
    refs = [r for r in table.refs if not r.nullable]
    column = rng.choice(table.groups if table.groups and (rng.random() < 0.8 or not refs) else refs)
    cond = _condition(rng, db, table, avoid=[column]) if rng.random() < 0.3 else None
    item, key = _count_sql(rng, table.singular)
    g = _words(db.tables, table, column)
    question = _ask(rng, ("How many {T}{rel} are there for each {g}?", "For each {g}, how many {T}{rel} are there?",
                          "Count the {T}{rel} per {g}.", "Show each {g} with the number of {T}{rel}.",
                          "What is the number of {T}{rel} in each {g}?"),
                    T=_plural_table(table), g=g, rel=" " + cond.rel(rng) if cond else "")
    sql = f"SELECT {column.name}, {item} FROM {table.name}{_where([cond.sql] if cond else [])} GROUP BY {column.name}"
    if rng.random() < 0.5:
        desc = rng.random() < 0.8
        sql += f" ORDER BY {key} {'DESC' if desc else 'ASC'}"
        question += rng.choice((" Put the most common first.", " Sort from most to fewest.") if desc else
                               (" Start with the fewest.", " Sort from fewest to most."))
    return _Query(question, sql, (table.name,))


def _group_aggregate(rng, db):
    table = _pick(rng, db, lambda t: t.groups and t.of("int", "real"))
    if table is None:
        return None
    column = _group_column(rng, table)
    cond = _condition(rng, db, table, avoid=[column]) if rng.random() < 0.25 else None
    fields = dict(T=_plural_table(table), g=_words(db.tables, table, column), rel=" " + cond.rel(rng) if cond else "")
    tail = f" FROM {table.name}{_where([cond.sql] if cond else [])} GROUP BY {column.name}"
    if rng.random() < 0.2:
        m = _measure(rng, db, table, funcs=("AVG",))
        question = _ask(rng, ("For each {g}, give the number of {T}{rel} and their {m}.",
                              "Show each {g} with how many {T}{rel} it has and their {m}."), m=m.words, **fields)
        return _Query(question + m.sentence, f"SELECT {column.name}, COUNT(*), {m.sql}{tail}", (table.name,))
    m = _measure(rng, db, table)
    question = _ask(rng, ("What is the {m} of {T}{rel} for each {g}?", "For each {g}, what is the {m} of the {T}{rel}?",
                          "Show each {g} and the {m} of its {T}{rel}.", "Give me the {m} per {g} for {T}{rel}."),
                    m=m.words, **fields)
    sql = f"SELECT {column.name}, {m.sql}{tail}"
    if rng.random() < 0.4:
        desc = rng.random() < 0.7
        sql += f" ORDER BY {m.sql} {'DESC' if desc else 'ASC'}"
        question += f" List the {fields['g']} with the {'highest' if desc else 'lowest'} value first."
    return _Query(question + m.sentence, sql, (table.name,))


def _group_top(rng, db):
    table = _pick(rng, db, lambda t: t.groups)
    if table is None:
        return None
    column = _group_column(rng, table)
    g, T, k = _words(db.tables, table, column), _plural_table(table), rng.choice((1, 1, 1, 2, 3))
    desc = rng.random() < 0.8
    m = _measure(rng, db, table, funcs=("SUM", "AVG")) if rng.random() < 0.35 else None
    fields = dict(g=g, gs=_plural(g), T=T, k=k, most="most" if desc else "fewest", common="most" if desc else "least")
    if m:
        templates = (("Which {g} has the {hi} {m}?", "Which {g} of {T} has the {hi} {m}?") if k == 1 else
                     ("Which {k} {gs} have the {hi} {m}?", "List the {k} {gs} of {T} with the {hi} {m}."))
        question = _ask(rng, templates, m=m.words, hi="highest" if desc else "lowest", **fields)
        order = m.raw
    else:
        templates = (("Which {g} has the {most} {T}?", "What is the {common} common {g} among {T}?",
                      "Which {g} appears {most} often among {T}?") if k == 1 else
                     ("What are the {k} {common} common {gs} among {T}?", "Which {k} {gs} have the {most} {T}?"))
        question = _ask(rng, templates, **fields).replace("fewest often", "least often")
        order = "COUNT(*)"
    sql = (f"SELECT {column.name} FROM {table.name} GROUP BY {column.name} "
           f"ORDER BY {order} {'DESC' if desc else 'ASC'} LIMIT {k}")
    return _Query(question, sql, (table.name,))


def _join_group(rng, db):
    link = _link(rng, db)
    if link is None or not _says_label(link.parent):
        return None
    f = _join_words(db, link)
    cond = _condition(rng, db, link.child, link.ca) if rng.random() < 0.25 else None
    f.update(rel=" " + cond.rel(rng) if cond else "")
    m = _measure(rng, db, link.child, link.ca, funcs=("AVG", "SUM")) if rng.random() < 0.45 else None
    item, key = (m.sql, m.sql) if m else _count_sql(rng, link.child.singular)
    m = m or _COUNT
    of = m.words + " of {C}{rel}" + ("" if f["plain"] else " as {role}")
    group = f" FROM {link.join()}{_where([cond.sql] if cond else [])} GROUP BY {link.pa}.{link.parent.pk.name}"
    select = ", ".join(_label_sql(link.parent, link.pa))
    roll = rng.random()
    if roll < 0.35:
        k = rng.choice((1, 1, 2, 3))
        if k == 1 and rng.random() < 0.5:
            question = _ask(rng, (f"Which {{p1}} has the highest {of}? Give the {{plab1}}.",), **f)
            sql = f"SELECT {select}{group} ORDER BY {key} DESC LIMIT 1"
        else:
            question = _ask(rng, (f"Which {{p1}} has the highest {of}? Give the {{plab1}} and that {m.words}."
                                  if k == 1 else f"Which {k} {{P}} have the highest {of}? Give their {{plab}} and "
                                  f"the {m.words}.",), **f)
            sql = f"SELECT {select}, {item}{group} ORDER BY {key} DESC LIMIT {k}"
    else:
        question = _ask(rng, (f"For each {{p1}}, give the {{plab1}} and the {of}.",
                              f"List the {{plab}} of the {{P}} with the {of}.",
                              f"Show the {of} for each {{p1}}, with its {{plab1}}."), **f)
        sql = f"SELECT {select}, {item}{group}"
        if roll > 0.7:
            sql += f" ORDER BY {key} DESC"
            question += " Put the highest first."
    return _Query(question + m.sentence, sql, (link.child.name, link.parent.name))


def _having(rng, db):
    if rng.random() < 0.6:  # parents with many (or much of) their children
        link = _link(rng, db)
        if link is None:
            return None
        f = _join_words(db, link)
        source = f" FROM {link.join()} GROUP BY {link.pa}.{link.parent.pk.name}"
        select, names, subject = ", ".join(_label_sql(link.parent, link.pa)), f["plab"], f["P"]
        things = f["C"] + ("" if f["plain"] else f" as {f['role']}")
        m = _measure(rng, db, link.child, link.ca, funcs=("SUM", "AVG")) if rng.random() < 0.35 else None
        tables = (link.child.name, link.parent.name)
    else:  # values of a column shared by many rows
        table = _pick(rng, db, lambda t: t.groups)
        if table is None:
            return None
        column = _group_column(rng, table)
        source = f" FROM {table.name} GROUP BY {column.name}"
        select, names, things = column.name, _plural(_words(db.tables, table, column)), _plural_table(table)
        m = _measure(rng, db, table, funcs=("SUM", "AVG")) if rng.random() < 0.35 else None
        subject, tables = names, (table.name,)
    m = m or _COUNT
    cut = _threshold(rng, [v[0] for v in _values(db, f"SELECT {m.raw}{source}")])
    if cut is None:
        return None
    fields = dict(S=subject, n=cut, things=things, names=names, am=_a(m.words), m=m.words)
    if m is _COUNT:
        templates = ["Which {S} have more than {n} {things}?", "Find the {S} that account for more than {n} {things}."]
    else:
        templates = ["Which {S} have {am} of {things} above {n}?"]
    if subject != names:  # a table's rows, named by their label
        templates = [t + " Give their {names}." for t in templates]
        templates += ["List the {names} of {S} with over {n} {things}." if m is _COUNT else
                      "List the {names} of {S} whose {m} of {things} is more than {n}."]
    else:  # values of a column
        templates += ["List the {S} shared by more than {n} {things}." if m is _COUNT else
                      "List the {S} whose {m} of {things} is more than {n}."]
    question = _ask(rng, tuple(templates), **fields)
    if rng.random() < 0.35:  # and say how many, or how much
        question = question[:-1] + (", with the number of each." if m is _COUNT else f", with that {m.words}.")
        question += m.sentence
        select += f", {m.sql}"
    return _Query(question, f"SELECT {select}{source} HAVING {m.raw} > {cut}", tables)


_BANDS = (("high", "low"), ("large", "small"), ("above", "below"))


def _case_bucket(rng, db):
    table = _pick(rng, db, lambda t: t.of("int", "real") or any(c.nullable and c.kind != "flag" for c in t.columns))
    if table is None:
        return None
    T = _plural_table(table)
    numbers = [c for c in table.of("int", "real") if not c.nullable]  # a NULL would land in the 'else' band
    if numbers and rng.random() < 0.7:
        column = rng.choice(numbers)
        cut = _threshold(rng, db.values(table, column), column.kind)
        if cut is None:
            return None
        hi, lo = rng.choice(_BANDS)
        w = _words(db.tables, table, column)
        case = f"CASE WHEN {column.name} >= {cut} THEN '{hi}' ELSE '{lo}' END"
        if table.label and rng.random() < 0.35:
            question = _ask(rng, ("List the {lab} of all {T}, each marked '{hi}' if its {w} is at least {n} and "
                                  "'{lo}' otherwise.", "Show every {one}'s {lab1} with '{hi}' when its {w} is {n} or "
                                  "more, else '{lo}'."), lab=_label_words(db.tables, table), T=T, hi=hi, lo=lo, w=w,
                            n=cut, one=table.singular, lab1=_label_one(db.tables, table))
            return _Query(question, f"SELECT {', '.join(_label_sql(table))}, {case} FROM {table.name}", (table.name,))
        question = _ask(rng, ("How many {T} have {aw} of at least {n}, and how many have less? Label the groups "
                              "'{hi}' and '{lo}'.", "Split the {T} into '{hi}' ({w} of {n} or more) and '{lo}' "
                              "(below {n}), and count each group."), T=T, aw=_a(w), w=w, n=cut, hi=hi, lo=lo)
        return _Query(question, f"SELECT {case} AS band, COUNT(*) FROM {table.name} GROUP BY band", (table.name,))
    cond = _condition(rng, db, table, kinds=("null",))
    if cond is None:
        return None
    w = cond.column.name
    words = _role(db.tables, cond.column) if cond.column.kind == "ref" else _words(db.tables, table, cond.column)
    known, unknown = rng.choice((("recorded", "missing"), ("known", "unknown"), ("yes", "no")))
    question = _ask(rng, ("How many {T} have {aw} and how many do not? Label the groups '{k}' and '{u}'.",
                          "Count the {T} with and without {aw}, labelled '{k}' and '{u}'."),
                    T=T, aw=_a(words), k=known, u=unknown)
    sql = f"SELECT CASE WHEN {w} IS NULL THEN '{unknown}' ELSE '{known}' END AS status, COUNT(*) FROM {table.name} " \
          "GROUP BY status"
    return _Query(question, sql, (table.name,))


def _date_group(rng, db):
    table = _pick(rng, db, lambda t: any(not c.nullable for c in t.of(*_DATE_KINDS)))
    if table is None:
        return None
    column = rng.choice([c for c in table.of(*_DATE_KINDS) if not c.nullable])
    w, T, d = _words(db.tables, table, column), _plural_table(table), column.name
    years = sorted({v[:4] for v in db.values(table, column)})
    m = (_measure(rng, db, table, funcs=("SUM", "AVG")) if rng.random() < 0.3 else None) or _COUNT
    what = f"the {m.words} of {T}" if m is not _COUNT else f"the number of {T}"
    roll = rng.random()
    if roll < 0.2:
        cond = _between_cond(rng, db, db.tables, table, column, "")
        if cond is None:
            return None
        question = _ask(rng, ("How many {T} {have}?", "Count the {T} {rel}."), T=T, have=cond.have, rel=cond.rel(rng))
        return _Query(question, f"SELECT COUNT(*) FROM {table.name} WHERE {cond.sql}", (table.name,))
    if len(years) > 1 and roll < 0.65:
        question = _ask(rng, ("For each year of {w}, what is {what}? List the years in order.",
                              "Show {what} per year of {w}, earliest year first.",
                              "What is {what} in each year, by {w}? Give the year and the value, in year order."),
                        w=w, what=what)
        sql = f"SELECT strftime('%Y', {d}) AS year, {m.sql} FROM {table.name} GROUP BY year ORDER BY year"
        return _Query(question + m.sentence, sql, (table.name,))
    year = rng.choice(years)
    question = _ask(rng, ("For each month of {y}, what is {what} with {aw} in that month? Give the month as a "
                          "two-digit number, in month order.", "Month by month in {y}, show {what} by {w} (month "
                          "as '01' to '12'), in order."), y=year, what=what, aw=_a(w), w=w)
    sql = (f"SELECT strftime('%m', {d}) AS month, {m.sql} FROM {table.name} WHERE strftime('%Y', {d}) = '{year}' "
           "GROUP BY month ORDER BY month")
    return _Query(question + m.sentence, sql, (table.name,))


# ---------------------------------------------------------------- chains, subqueries, ratios, dates

def _chain_words(db: _Db, chain: list[_Link]) -> dict:
    start, end = chain[0].child, chain[-1].parent
    roles = [_role(db.tables, link.ref) for link in chain]
    return dict(A=_plural_table(start), a1=start.singular, E=_plural_table(end), e1=end.singular,
                B=_plural_table(chain[0].parent), path="'s ".join(roles), elab=_label_words(db.tables, end),
                elab1=_label_one(db.tables, end))


def _join_chain(rng, db):
    chain = _chain(rng, db)
    if chain is None:
        return None
    start, end, f = chain[0], chain[-1], _chain_words(db, chain)
    tables = tuple([start.child.name] + [link.parent.name for link in chain])
    roll = rng.random()
    if roll < 0.55:  # something about the far end filters the rows at the start
        cond = _condition(rng, db, end.parent, end.pa)
        if cond is None:
            return None
        f.update(rel=cond.rel(rng), has=cond.has)
        if roll < 0.25:
            select, question = ["COUNT(*)"], _ask(rng, ("How many {A} are linked to {E} {rel}?",
                                                        "How many {A} are there whose {path} {has}?",
                                                        "Count the {A} for {E} {rel}."), **f)
        elif roll < 0.35 and start.child.of("int", "real"):
            m = _measure(rng, db, start.child, start.ca)
            select = [m.sql]
            question = _ask(rng, ("What is the {m} of {A} linked to {E} {rel}?",
                                  "Calculate the {m} of the {A} whose {path} {has}."), m=m.words, **f) + m.sentence
        else:
            if not start.child.label:
                return None
            select, outs = _outputs(rng, db, start.child, start.ca)
            question = _ask(rng, ("List the {outs} of {A} whose {path} {has}.", "Show the {outs} of all {A} linked "
                                  "to {E} {rel}.", "What are the {outs} of the {A} that belong to {E} {rel}?",
                                  "Find the {outs} of {A} for {E} {rel}."), outs=outs, **f)
    else:  # far-end rows that have some kind of start row
        cond = _condition(rng, db, start.child, start.ca)
        if cond is None:
            return None
        f.update(rel=cond.rel(rng), rel1=cond.rel(rng, False))
        select = ["DISTINCT " + ", ".join(_label_sql(end.parent, end.pa))]
        templates = ["List the {elab} of {E} linked to {A} {rel}.",
                     "Give me the {elab} of every {e1} with at least one {a1} {rel1}."]
        templates += ["Which {E} have {A} {rel}?"] * _says_label(end.parent)
        question = _ask(rng, tuple(templates), **f)
    sql = f"SELECT {', '.join(select)} FROM {_chain_join(chain)} WHERE {cond.sql}"
    return _Query(question, sql, tables)


def _join_chain_group(rng, db):
    chain = _chain(rng, db)
    if chain is None or not _says_label(chain[-1].parent):
        return None
    start, end, f = chain[0], chain[-1], _chain_words(db, chain)
    tables = tuple([start.child.name] + [link.parent.name for link in chain])
    m = (_measure(rng, db, start.child, start.ca, funcs=("SUM", "AVG")) if rng.random() < 0.45 else None) or _COUNT
    source = _chain_join(chain)
    by_group = _group_column(rng, end.parent) if rng.random() < 0.25 else None
    if by_group is not None:  # grouped by a column of the far table
        g = _words(db.tables, end.parent, by_group)
        question = _ask(rng, (f"For each {g} of {{E}}, what is the {m.words} of {{A}}?",
                              f"Show the {m.words} of {{A}} per {g} of their {{e1}}."), **f)
        sql = f"SELECT {end.pa}.{by_group.name}, {m.sql} FROM {source} GROUP BY {end.pa}.{by_group.name}"
        return _Query(question + m.sentence, sql, tables)
    select = ", ".join(_label_sql(end.parent, end.pa))
    group = f" FROM {source} GROUP BY {end.pa}.{end.parent.pk.name}"
    roll = rng.random()
    if roll < 0.35:
        k = rng.choice((1, 2, 3, 3))
        templates = ((f"Which {{e1}} has the highest {m.words} of {{A}}? Give the {{elab1}} and that {m.words}.",)
                     if k == 1 else (f"Which {k} {{E}} have the highest {m.words} of {{A}}? Give their {{elab}} and "
                                     f"the {m.words}.", f"List the {{elab}} of the top {k} {{E}} by {m.words} of "
                                     f"{{A}}, with the {m.words}."))
        question = _ask(rng, templates, **f)
        sql = f"SELECT {select}, {m.sql}{group} ORDER BY {m.sql} DESC LIMIT {k}"
    else:
        question = _ask(rng, (f"For each {{e1}}, what is the {m.words} of {{A}}? Give the {{elab1}} and the "
                              f"{m.words}.", f"Show the {{elab}} of the {{E}} with the {m.words} of {{A}} across "
                              f"their {{B}}.", f"What is the {m.words} of {{A}} for each {{e1}}? List the {{elab1}} "
                              "with it."), **f)
        sql = f"SELECT {select}, {m.sql}{group}"
        if roll > 0.7:
            sql += f" ORDER BY {m.sql} DESC"
            question += " Show the highest first."
    return _Query(question + m.sentence, sql, tables)


def _percentage(cond: _Cond, decimals: int) -> str:
    return f"ROUND(100.0 * SUM(CASE WHEN {cond.sql} THEN 1 ELSE 0 END) / COUNT(*), {decimals})"


def _ratio(rng, db):
    decimals, sentence = _decimals(rng)
    roll = rng.random()
    if roll < 0.35:
        link = _link(rng, db, plain=True)
        if link is None or not _says_label(link.parent):
            return None
        cond = _condition(rng, db, link.child, link.ca)
        if cond is None:
            return None
        f = _join_words(db, link)
        question = _ask(rng, ("For each {p1}, what percentage of its {C} {have}? Give the {plab1} and the percentage.",
                              "Show the {plab} of the {P} with the percentage of their {C} that {have}."),
                        have=cond.have, **f)
        sql = (f"SELECT {', '.join(_label_sql(link.parent, link.pa))}, {_percentage(cond, decimals)} "
               f"FROM {link.join()} GROUP BY {link.pa}.{link.parent.pk.name}")
        return _Query(question + sentence, sql, (link.child.name, link.parent.name))
    table = _pick(rng, db, lambda t: len(db.rows[t.name]) >= 4)
    cond = _condition(rng, db, table) if table else None
    if cond is None:
        return None
    T = _plural_table(table)
    column = _group_column(rng, table) if roll > 0.75 else None
    if column is not None and column is not cond.column:
        question = _ask(rng, ("For each {g}, what percentage of {T} {have}?",
                              "For each {g}, what share of its {T}, as a percentage, {have}?"),
                        g=_words(db.tables, table, column), T=T, have=cond.have)
        sql = f"SELECT {column.name}, {_percentage(cond, decimals)} FROM {table.name} GROUP BY {column.name}"
        return _Query(question + sentence, sql, (table.name,))
    question = _ask(rng, ("What percentage of {T} {have}?", "What share of all {T}, as a percentage, {have}?",
                          "Calculate the percentage of {T} {rel}."), T=T, have=cond.have, rel=cond.rel(rng))
    return _Query(question + sentence, f"SELECT {_percentage(cond, decimals)} FROM {table.name}", (table.name,))


def _nested_in(rng, db):
    link = _link(rng, db)
    if link is None:
        return None
    f = _join_words(db, link)
    negate = rng.random() < 0.5
    cond = _condition(rng, db, link.child) if rng.random() < 0.6 else None
    inner = [cond.sql] if cond else []
    if negate and link.ref.nullable:  # NOT IN over a list holding NULL is never true: leave the NULLs out
        inner.append(f"{link.ref.name} IS NOT NULL")
    sub = f"SELECT {link.ref.name} FROM {link.child.name}{_where(inner)}"
    f.update(rel=" " + cond.rel(rng) if cond else "", rel1=" " + cond.rel(rng, False) if cond else "")
    if f["plain"]:
        templates = (("Which {P} have no {C}{rel}? Give their {plab}.", "List the {plab} of {P} that have never had "
                      "a {c1}{rel1}.", "Find the {P} without any {C}{rel}, and give their {plab}.") if negate else
                     ("Which {P} have at least one {c1}{rel1}? Give their {plab}.",
                      "List the {plab} of {P} that have {C}{rel}."))
    else:
        templates = (("Which {P} have never been the {role} of a {c1}{rel1}? Give their {plab}.",) if negate else
                     ("Which {P} are the {role} of at least one {c1}{rel1}? Give their {plab}.",))
    sql = (f"SELECT {', '.join(_label_sql(link.parent))} FROM {link.parent.name} "
           f"WHERE {link.parent.pk.name} {'NOT IN' if negate else 'IN'} ({sub})")
    return _Query(_ask(rng, templates, **f), sql, (link.child.name, link.parent.name))


def _scalar_subquery(rng, db):
    table = _pick(rng, db, lambda t: t.label and t.of("int", "real"))
    if table is None:
        return None
    column = rng.choice(table.of("int", "real"))
    x, w = column.name, _words(db.tables, table, column)
    show = rng.random() < 0.5
    select = ", ".join(_label_sql(table) + ([x] if show else []))
    outs = _listing([_label_words(db.tables, table)] + ([_plural(w)] if show else []))
    f = dict(T=_plural_table(table), one=table.singular, w=w, outs=outs)
    more = f"more {w} than" if _is_plural(w) else f"{_a(w)} above"
    roll = rng.random()
    group = _group_column(rng, table)
    if roll < 0.3 and group is not None:
        alias = _alias(table, set())
        g = _words(db.tables, table, group)
        question = _ask(rng, (f"Which {{T}} have {more} the average for their {g}? Give their {{outs}}.",
                              f"List the {{outs}} of {{T}} whose {w} is above the average {w} of {{T}} with the "
                              f"same {g}."), **f)
        sql = (f"SELECT {', '.join(_ref(alias, c) for c in table.label)}{f', {alias}.{x}' if show else ''} "
               f"FROM {table.name} AS {alias} WHERE {alias}.{x} > (SELECT AVG(t2.{x}) FROM {table.name} AS t2 "
               f"WHERE t2.{group.name} = {alias}.{group.name})")
        return _Query(question, sql, (table.name,))
    if roll < 0.5:
        high = rng.random() < 0.6
        f["outs"] = _listing([_label_one(db.tables, table)] + ([w] if show else []))
        question = _ask(rng, (f"Which {{one}} has the {'highest' if high else 'lowest'} {w}? Give its {{outs}}.",
                              f"Find the {{outs}} of the {{one}} whose {w} equals the "
                              f"{'maximum' if high else 'minimum'} {w}."), **f)
        extreme = f"(SELECT {'MAX' if high else 'MIN'}({x}) FROM {table.name})"
        sql = f"SELECT {select} FROM {table.name} WHERE {x} = {extreme}"
        return _Query(question, sql, (table.name,))
    cond = _condition(rng, db, table, avoid=[column]) if roll > 0.8 else None
    scope = f"{f['T']} {cond.rel(rng)}" if cond else f"all {f['T']}"
    question = _ask(rng, (f"Which {{T}} have {more} the average of {scope}? Give their {{outs}}.",
                          f"List the {{outs}} of {{T}} whose {w} is higher than the average {w} of {scope}."), **f)
    sub = f"SELECT AVG({x}) FROM {table.name}{_where([cond.sql] if cond else [])}"
    return _Query(question, f"SELECT {select} FROM {table.name} WHERE {x} > ({sub})", (table.name,))


def _left_join_missing(rng, db):
    link = _link(rng, db)
    if link is None:
        return None
    f = _join_words(db, link)
    probe = link.child.pk or link.ref
    cond = _condition(rng, db, link.child, link.ca) if rng.random() < 0.3 else None
    on = f"{link.ca}.{link.ref.name} = {link.pa}.{link.parent.pk.name}" + (f" AND {cond.sql}" if cond else "")
    f.update(rel=" " + cond.rel(rng) if cond else "", rel1=" " + cond.rel(rng, False) if cond else "")
    if f["plain"]:
        templates = ("Which {P} have no {C}{rel}? Give their {plab}.", "List the {plab} of {P} without any {C}{rel}.",
                     "Find the {P} that have never had a {c1}{rel1}; give their {plab}.")
    else:
        templates = ("Which {P} have never been the {role} of a {c1}{rel1}? Give their {plab}.",)
    sql = (f"SELECT {', '.join(_label_sql(link.parent, link.pa))} FROM {link.parent.name} AS {link.pa} "
           f"LEFT JOIN {link.child.name} AS {link.ca} ON {on} WHERE {link.ca}.{probe.name} IS NULL")
    return _Query(_ask(rng, templates, **f), sql, (link.child.name, link.parent.name))


def _left_join_count(rng, db):
    link = _link(rng, db)
    if link is None or not _says_label(link.parent):
        return None
    f = _join_words(db, link)
    probe = link.child.pk or link.ref
    item, key = f"COUNT({link.ca}.{probe.name})", f"COUNT({link.ca}.{probe.name})"
    if rng.random() < 0.5:
        key = link.child.singular.replace(" ", "_") + "_count"
        item += f" AS {key}"
    role = "" if f["plain"] else " as {role}"
    question = _ask(rng, (f"List every {{p1}} with its number of {{C}}{role}, including {{P}} that have none. Give "
                          "the {plab1} and the count.", f"For all {{P}}, show the {{plab1}} and how many {{C}}{role} "
                          "each has; {P} with no {C} count as 0.", f"How many {{C}}{role} does each {{p1}} have? "
                          "Include {P} with zero {C}, and give the {plab1} with the count."), **f)
    sql = (f"SELECT {', '.join(_label_sql(link.parent, link.pa))}, {item} FROM {link.parent.name} AS {link.pa} "
           f"LEFT JOIN {link.child.name} AS {link.ca} ON {link.ca}.{link.ref.name} = {link.pa}.{link.parent.pk.name} "
           f"GROUP BY {link.pa}.{link.parent.pk.name}")
    if rng.random() < 0.3:
        sql += f" ORDER BY {key} DESC"
        question += " Put the largest count first."
    return _Query(question, sql, (link.child.name, link.parent.name))


def _date_pairs(db: _Db) -> list[tuple[Table, Column, Column]]:
    """(table, start, end) for each 'after' column whose start date is in the same row."""
    return [(t, t.column(c.args[0]), c) for t in db.tables.values() for c in t.of("after") if "." not in c.args[0]]


def _date_diff(rng, db):
    pairs = _date_pairs(db)
    if not pairs:
        return None
    table, start, end = rng.choice(pairs)
    days = f"julianday({end.name}) - julianday({start.name})"
    f = dict(T=_plural_table(table), one=table.singular, a=_words(db.tables, table, start),
             b=_words(db.tables, table, end))
    roll = rng.random()
    if roll < 0.35 and table.label:
        cut = _threshold(rng, [v[0] for v in _values(db, f"SELECT {days} FROM {table.name}")], "int")
        if cut is None:
            return None
        question = _ask(rng, ("Which {T} have more than {n} days between their {a} and their {b}? Give their {lab}.",
                              "List the {lab} of {T} whose {b} is more than {n} days after their {a}."),
                        n=int(cut), lab=_label_words(db.tables, table), **f)
        return _Query(question, f"SELECT {', '.join(_label_sql(table))} FROM {table.name} WHERE {days} > {int(cut)}",
                      (table.name,))
    if roll < 0.5 and table.label:
        question = _ask(rng, ("Which {one} has the longest time between its {a} and its {b}? Give its {lab}.",),
                        lab=_label_one(db.tables, table), **f)
        return _Query(question, f"SELECT {', '.join(_label_sql(table))} FROM {table.name} ORDER BY {days} DESC LIMIT 1",
                      (table.name,))
    decimals, sentence = _decimals(rng)
    where = f" WHERE {end.name} IS NOT NULL" if end.nullable and rng.random() < 0.5 else ""
    group = _group_column(rng, table) if roll > 0.75 else None
    if group is not None:
        g = _words(db.tables, table, group)
        question = _ask(rng, (f"For each {g}, what is the average number of days between the {{a}} and the {{b}} of "
                              "{T}?",), **f)
        sql = f"SELECT {group.name}, ROUND(AVG({days}), {decimals}) FROM {table.name}{where} GROUP BY {group.name}"
        return _Query(question + sentence, sql, (table.name,))
    question = _ask(rng, ("On average, how many days pass between the {a} and the {b} of {T}?",
                          "What is the average number of days from {a} to {b} for {T}?"), **f)
    return _Query(question + sentence, f"SELECT ROUND(AVG({days}), {decimals}) FROM {table.name}{where}", (table.name,))


def _join_date(rng, db):
    link = _link(rng, db, plain=True)
    if link is None or not _says_label(link.parent):
        return None
    dates = [c for c in link.child.of(*_DATE_KINDS) if not c.nullable]
    if not dates:
        return None
    column = rng.choice(dates)
    f = _join_words(db, link)
    w, ref = _words(db.tables, link.child, column), f"{link.ca}.{column.name}"
    if rng.random() < 0.6:
        year = rng.choice(sorted({v[:4] for v in db.values(link.child, column)}))
        question = _ask(rng, ("For each {p1}, how many {C} have {aw} in {y}? Give the {plab1} and the count.",
                              "How many {C} with {aw} in {y} does each {p1} have? Show the {plab1} and the number."),
                        aw=_a(w), y=year, **f)
        sql = (f"SELECT {', '.join(_label_sql(link.parent, link.pa))}, COUNT(*) FROM {link.join()} "
               f"WHERE strftime('%Y', {ref}) = '{year}' GROUP BY {link.pa}.{link.parent.pk.name}")
        return _Query(question, sql, (link.child.name, link.parent.name))
    cond = _condition(rng, db, link.parent, link.pa)
    if cond is None:
        return None
    question = _ask(rng, ("For {C} whose {role} {has}, how many are there in each year of {w}? List the years in "
                          "order.", "Count the {C} linked to {P} {rel} per year of their {w}, earliest year first."),
                    has=cond.has, rel=cond.rel(rng), w=w, **f)
    sql = (f"SELECT strftime('%Y', {ref}) AS year, COUNT(*) FROM {link.join()} WHERE {cond.sql} "
           "GROUP BY year ORDER BY year")
    return _Query(question, sql, (link.child.name, link.parent.name))


# ---------------------------------------------------------------- rows: shapes drawn by tier, checked, rendered

_BUILDERS = {
    "filter_equal": _filter_equal, "filter_range": _filter_range, "filter_like": _filter_like,
    "filter_null": _filter_null, "count_where": _count_where, "count_distinct": _count_distinct,
    "aggregate": _aggregate, "top_k": _top_k, "distinct": _distinct,
    "join_filter": _join_filter, "join_count": _join_count, "group_count": _group_count,
    "group_aggregate": _group_aggregate, "group_top": _group_top, "join_group": _join_group, "having": _having,
    "case_bucket": _case_bucket, "date_group": _date_group,
    "join_chain": _join_chain, "join_chain_group": _join_chain_group, "ratio": _ratio, "nested_in": _nested_in,
    "scalar_subquery": _scalar_subquery, "left_join_missing": _left_join_missing,
    "left_join_count": _left_join_count, "date_diff": _date_diff, "join_date": _join_date,
}
SHAPES = tuple(_BUILDERS)
# The mix real questions need: a third single-table, a third one join or grouping, a third harder than that.
TIERS = {"single_table": SHAPES[:9], "join_or_group": SHAPES[9:18], "multi_step": SHAPES[18:]}
_TIER_WEIGHTS = {"single_table": 30, "join_or_group": 35, "multi_step": 35}
_MAX_RESULT_ROWS = 40
_STYLE_WEIGHTS = (4, 3, 3)


def _order_is_stable(db: _Db, sql: str, width: int) -> bool:
    """The result is the same whichever way ties in the ORDER BY are broken, and a LIMIT really cuts."""
    head, found, tail = sql.rpartition(" ORDER BY ")
    if not found:
        return True
    order, _, limit = tail.partition(" LIMIT ")
    cut = f" LIMIT {limit}" if limit else ""
    # Breaking ties by every output column, ascending and then descending, gives the two extreme orders.
    results = [_values(db, f"{head} ORDER BY {order}, " + ", ".join(f"{i} {d}" for i in range(1, width + 1)) + cut)
               for d in ("ASC", "DESC")]
    if results[0] != results[1]:
        return False
    return not limit or len(_values(db, head)) > int(limit)


def _acceptable(db: _Db, sql: str) -> bool:
    """Rows come back, no column is all NULL, not everything is zero, and the order is deterministic."""
    try:
        rows = _values(db, sql)
        if not rows or len(rows) > _MAX_RESULT_ROWS:
            return False
        columns = list(zip(*rows))
        if any(all(v is None for v in column) for column in columns):
            return False
        if all(v is None or v == 0 for row in rows for v in row):
            return False
        return _order_is_stable(db, sql, len(columns))
    except sqlite3.Error:
        return False


def _render(rng: random.Random, db: _Db, shape: str, query: _Query) -> dict | None:
    """Show a sampled subset of the tables (always those the query uses), and run the gold query in the sandbox."""
    style = rng.choices(_STYLES, weights=_STYLE_WEIGHTS)[0]
    names = _shown_tables(rng, db.tables, set(query.tables), style)
    if names is None:
        style, names = "compact", _shown_tables(rng, db.tables, set(query.tables), "compact")
    if names is None:
        return None
    context = _context(db, names, style)
    try:
        if run_query(context, query.sql, timeout_s=5.0) != _values(db, query.sql):
            return None
    except (ValueError, Rejected):
        return None
    return {"domain": db.domain, "shape": shape, "sql_prompt": query.question, "schema": _schema_of(context),
            "sql_context": context, "sql": query.sql}


def _make_row(rng: random.Random, shape: str, domain: str, tries: int = 60) -> dict:
    """Sample databases and queries of the given shape until one passes every check."""
    for attempt in range(tries):
        if attempt and attempt % 6 == 0:  # the shape does not fit this domain well: try another
            domain = rng.choice(DOMAINS)
        db = _sample_db(rng, domain)
        try:
            for _ in range(4):
                query = _BUILDERS[shape](rng, db)
                if query is not None and _acceptable(db, query.sql):
                    row = _render(rng, db, shape, query)
                    if row is not None:
                        return row
        finally:
            db.close()
    raise RuntimeError(f"could not build a {shape!r} query in {tries} tries")


def _draw_shape(rng: random.Random) -> str:
    tier = rng.choices(tuple(TIERS), weights=tuple(_TIER_WEIGHTS.values()))[0]
    return rng.choice(TIERS[tier])


def generate_rows(n: int, seed: int = 0) -> list[dict]:
    """``n`` rows with distinct questions, the same for a given ``(n, seed)`` on every machine."""
    rng = random.Random(seed)
    rows: list[dict] = []
    seen: set[str] = set()  # membership only, never iterated: hash order cannot leak into the output
    deck: list[str] = []  # domains dealt from shuffled decks, so every domain gets its share of rows
    while len(rows) < n:
        if not deck:
            deck = rng.sample(DOMAINS, len(DOMAINS))
        row = _make_row(rng, _draw_shape(rng), deck.pop())
        key = " ".join(row["sql_prompt"].lower().split())
        if key not in seen:
            seen.add(key)
            rows.append({"id": len(rows), **row})
    return rows


def write_splits(out_dir, n_train: int, n_test: int, seed: int = 0, n_validation: int = 0) -> dict[str, Path]:
    """Write train.jsonl, test.jsonl (and validation.jsonl when asked) into ``out_dir``; return their paths.

    Questions are unique across all rows, so the splits never share one."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = generate_rows(n_train + n_validation + n_test, seed)
    splits = {"train": rows[:n_train], "validation": rows[n_train:n_train + n_validation],
              "test": rows[n_train + n_validation:]}
    paths = {}
    for name, split in splits.items():
        if name == "validation" and not n_validation:
            continue
        paths[name] = out / f"{name}.jsonl"
        lines = "".join(json.dumps({**r, "id": i}, ensure_ascii=False) + "\n" for i, r in enumerate(split))
        write_atomic(paths[name], lines)
    return paths
