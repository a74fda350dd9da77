"""The catalogue's data: 37 domains written in a small table language, and the pools names are drawn from."""

from __future__ import annotations

FIRST_NAMES = ("Adele", "Benedikt", "Celia", "Dario", "Edith", "Fabian", "Greta", "Henrik", "Ilse", "Jakob", "Karin",
               "Luca", "Mirela", "Nils", "Oona", "Pavel", "Renata", "Stefan", "Tamsin", "Ugo", "Viola", "Wendell",
               "Yannick", "Zsofia", "Anouk", "Bastian", "Clementine", "Desmond", "Eliska", "Florin", "Gideon",
               "Hedda", "Ingmar", "Joaquin", "Klara", "Leopold", "Marisa", "Niamh", "Osvaldo", "Petra")
LAST_NAMES = ("Albrecht", "Brennan", "Carvalho", "Duarte", "Ekstrom", "Falkner", "Grimaldi", "Hagen", "Ivanova",
              "Janssen", "Kellerman", "Lundgren", "Marchetti", "Nilsen", "Ortega", "Pellegrini", "Quist", "Rasmussen",
              "Sorensen", "Thorne", "Uribe", "Vasquez", "Westergaard", "Zelenka", "Achterberg", "Bianchi", "Coulter",
              "Draper", "Engel", "Ferreira", "Gustafsson", "Hollis", "Kovac", "Lambert", "Mendes", "Nordin",
              "Okonkwo", "Pajari", "Ruiz", "Strand")
CITIES = ("Lyon", "Gdansk", "Bilbao", "Graz", "Halifax", "Adelaide", "Dunedin", "Turin", "Ghent", "Kaunas",
          "Ljubljana", "Nantes", "Aarhus", "Krakow", "Seville", "Salzburg", "Hobart", "Winnipeg", "Bologna", "Riga")
COUNTRIES = ("Chile", "Kenya", "India", "Poland", "Czechia", "Belgium", "Denmark", "South Korea", "Argentina",
             "Greece", "Morocco", "Vietnam", "Latvia", "Peru", "Slovenia", "Ghana")
MAIL_HOSTS = ("mailbox.test", "post.example", "inbox.example", "letters.test")

# One schema per domain, parents before children. A line is "table[/singular]: column kind(args)?, ..." and a
# line that starts with spaces continues the one above. Kinds: id (INTEGER PRIMARY KEY), ref(parent), person,
# first, last, email, city, country, name(patterns: "|" alternatives, ";" joins word lists, {first} {last}
# {city} {L} letter {D} digit), cat(values), int(lo,hi), year(lo,hi), real(lo,hi), date(year,year),
# after(column or ref.column,min days,max days), flag(plural yes phrase|plural no phrase). A trailing "?"
# makes the column NULLable. A table without an id column is a link table keyed by its references.
DOMAIN_SPECS = {
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
