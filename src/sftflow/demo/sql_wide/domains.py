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

# One schema per domain, parents before children. A "topic:" line lists what users call the database ("insurance",
# "insurer's"). A table line is "table[/singular] [synonyms]: column kind(args)? [synonyms] ~event, ..." and a
# line that starts with spaces continues the one above. Kinds: id (INTEGER PRIMARY KEY), ref(parent), person,
# first, last, email, city, country, name(patterns: "|" alternatives, ";" joins word lists, {first} {last}
# {city} {L} letter {D} digit), cat(values), int(lo,hi), year(lo,hi), real(lo,hi), date(year,year),
# after(column or ref.column,min days,max days), flag(plural yes phrase|plural no phrase). A trailing "?"
# makes the column NULLable. A table without an id column is a link table keyed by its references.
# Synonyms are what a user would say instead of the identifier's words: for a table "plural/singular|..." (the
# singular may be left out when it is the plural less its "s"), for a column singular noun phrases, for a
# reference its role ("assigned developer" for assignee_id). They never repeat another table's words in the
# same domain, and never come from the development set's domains. "~event" says what happened on a date, in
# the singular past with "_" for spaces: "~was_filed", "~joined"; on a NULLable after() column it also reads
# after "have" ("have not joined"), as a missing later date means the event has not happened yet.
DOMAIN_SPECS = {
    "insurance_claims": """
topic: insurance|insurance claims|insurer's
insurance_agents [agents/agent|brokers/broker|insurance brokers/insurance broker|sales agents/sales agent]:
  agent_id id, full_name person, region cat(North|South|East|West|Central) [sales region|territory|area],
  license_year year(1996,2021) [year licensed|licensing year]
policy_holders [clients/client|customers/customer|insured people/insured person|policyholders/policyholder]:
  holder_id id, first_name first, last_name last,
  birth_date date(1948,2004)? [date of birth|birthday] ~was_born, home_city city [hometown|city of residence],
  agent_id ref(insurance_agents)
policies [contracts/contract|insurance contracts/insurance contract|insurance plans/insurance plan|
  coverage plans/coverage plan]: policy_id id, holder_id ref(policy_holders),
  policy_type cat(auto|home|life|travel|boat) [type|kind of cover|coverage type|line of insurance],
  premium_amount real(240,4200) [premium|price|premium charged],
  start_date date(2019,2024) [effective date|inception date|start] ~started,
  end_date after(start_date,180,1095)? [expiry date|expiration date|end] ~ended
claims [cases/case|filed claims/filed claim|loss reports/loss report|insurance claims/insurance claim]:
  claim_id id, policy_id ref(policies),
  claim_date after(policy_id.start_date,10,700) [filing date|date filed|date of the claim] ~was_filed,
  claim_amount real(150,48000) [amount claimed|amount|sum claimed|requested amount],
  status cat(open|approved|denied|paid) [state|current status|claim status],
  settled_date after(claim_date,4,160)? [settlement date|date settled] ~was_settled
claim_adjusters [adjusters/adjuster|loss adjusters/loss adjuster|claims handlers/claims handler|assessors/assessor]:
  adjuster_id id, full_name person, years_experience int(1,30) [experience in years|years in the job],
  is_senior flag(are senior|are not senior)
claim_assessments [assessments/assessment|damage assessments/damage assessment|appraisals/appraisal|
  loss assessments/loss assessment]: assessment_id id, claim_id ref(claims), adjuster_id ref(claim_adjusters),
  assessed_date after(claim_id.claim_date,1,45) [assessment date|date of assessment|review date] ~was_carried_out,
  estimated_loss real(100,45000) [loss estimate|estimated damage|assessed loss],
  is_suspicious flag(were flagged as suspicious|were not flagged as suspicious)
claim_payouts [settlement payments/settlement payment|claim payments/claim payment|payouts/payout|
  indemnity payments/indemnity payment]: payout_id id, claim_id ref(claims),
  paid_date after(claim_id.claim_date,5,200) [payment date|date paid|payout date] ~was_made,
  payout_amount real(100,40000) [amount paid|amount|sum paid out],
  method cat(bank transfer|check|card) [payment method|means of payment|payment channel]
policy_riders [riders/rider|add-ons/add-on|endorsements/endorsement|extra covers/extra cover]:
  rider_id id, policy_id ref(policies),
  rider_type cat(roadside|flood|theft|accident forgiveness) [type|add-on type|kind of add-on],
  monthly_cost real(3,60) [monthly price|cost per month|monthly charge]
claim_notes [file notes/file note|adjuster notes/adjuster note|claim comments/claim comment]:
  note_id id, claim_id ref(claims),
  note_date after(claim_id.claim_date,0,120) [date written|date of the note|writing date] ~was_written,
  author_name person [author|writer], word_count int(10,600) [length in words|number of words]
""",
    "dental_practice": """
topic: dental practice|dentistry|dental office
dental_offices [practices/practice|dental practices/dental practice|dental surgeries/dental surgery|
  locations/location]: office_id id, office_name name(Maple Dental|Riverside Smiles|Oakwood Dental Care|
  Harbor Dental Studio|Summit Dental Group|Cedar Park Dentistry|Lakeside Smiles|Birchwood Dental), city city [town],
  chair_count int(3,14) [number of chairs|treatment chairs|chairs],
  opened_year year(1988,2021) [year opened|opening year]
dentists [doctors/doctor|practitioners/practitioner|dental surgeons/dental surgeon]: dentist_id id,
  office_id ref(dental_offices), first_name first, last_name last,
  specialty cat(general|orthodontics|periodontics|endodontics|pediatric dentistry) [speciality|field|area of practice],
  licensed_year year(1992,2022) [year licensed|licensing year|year of licensure]
dental_patients [clients/client|patients/patient|registered patients/registered patient]: patient_id id,
  full_name person, birth_date date(1940,2019) [date of birth|birthday] ~was_born,
  insurer cat(Delta Shield|Cigma Care|BrightPath|Unity Dental)? [insurance company|insurance provider|dental insurer],
  email email? [email address|e-mail]
dental_visits [dental appointments/dental appointment|consultations/consultation|sessions/session|
  patient visits/patient visit]: visit_id id, patient_id ref(dental_patients), dentist_id ref(dentists),
  visit_date date(2022,2024) [appointment date|date of the visit|date seen] ~took_place,
  visit_type cat(checkup|cleaning|filling|extraction|crown|root canal) [type|kind of visit|purpose],
  is_urgent flag(were urgent|were not urgent)
dental_bills [charges/charge|statements/statement|billing records/billing record]: bill_id id,
  visit_id ref(dental_visits), billed_amount real(60,1800) [amount billed|amount charged|total billed],
  insurance_covered real(0,900)? [insurance share|insurer contribution|insured portion],
  issued_date after(visit_id.visit_date,0,10) [issue date|date issued|billing date] ~was_issued,
  paid_date after(issued_date,0,75)? [payment date|date paid|settlement date] ~was_paid
bill_payments [instalments/instalment|patient payments/patient payment|amounts received/amount received]:
  payment_id id, bill_id ref(dental_bills), paid_amount real(20,1200) [amount|sum paid|amount received],
  payment_date after(bill_id.issued_date,0,90) [date received|date of payment] ~was_received,
  method cat(card|cash|bank transfer|insurer) [payment method|means of payment]
""",
    "research_labs": """
topic: research|research institutes|science
research_institutes [institutes/institute|research centres/research centre|institutions/institution]:
  institute_id id, institute_name name(Halden Institute|Norvik Research Centre|
  Aster Institute of Science|Kelso Biophysics Centre|Marlow Institute|Tiber Life Sciences Institute),
  country country [home country|nation|host country], founded_year year(1921,2010) [year founded|founding year]
labs [laboratories/laboratory|research groups/research group|research teams/research team]: lab_id id,
  institute_id ref(research_institutes), lab_name name({last} Lab|{last} Group),
  research_area cat(genomics|materials|neuroscience|climate|robotics|immunology) [field|research field|discipline],
  annual_budget real(150000,2500000) [yearly budget|budget per year|annual spending]
researchers [scientists/scientist|lab members/lab member|academics/academic|research staff/research staff member]:
  researcher_id id, lab_id ref(labs), first_name first, last_name last,
  position cat(PhD student|postdoc|staff scientist|group leader) [role|job title|rank],
  start_date date(2012,2024) [starting date|date joined] ~joined,
  end_date after(start_date,200,2500)? [leaving date|departure date] ~left
lab_projects [projects/project|research projects/research project|studies/study]: project_id id, lab_id ref(labs),
  project_title name(Adaptive|Scalable|Low-cost|Rapid|Robust|Open;
  Protein Imaging|Soil Sensing|Battery Chemistry|Gene Editing|Swarm Control|Coral Modelling),
  start_date date(2018,2024) [launch date|kick-off date|start] ~started,
  end_date after(start_date,200,1500)? [completion date|finish date|end] ~ended,
  budget real(20000,900000) [allocated budget|total budget|project cost]
publications [papers/paper|articles/article|journal articles/journal article|research papers/research paper]:
  publication_id id, project_id ref(lab_projects),
  journal cat(Cell Reports|PLOS ONE|Physical Review B|Science Advances|Nature Methods|eLife) [venue|journal title],
  published_date after(project_id.start_date,90,1400) [publication date|date of publication] ~was_published,
  citation_count int(0,420) [citations|number of citations],
  is_open_access flag(are open access|are not open access)
lab_instruments [devices/device|pieces of equipment/piece of equipment|scientific instruments/scientific instrument]:
  instrument_id id, lab_id ref(labs),
  instrument_type cat(mass spectrometer|confocal microscope|sequencer|3D printer|cryostat|centrifuge)
  [type|kind of instrument|device type],
  purchase_date date(2010,2024) [date bought|acquisition date|date of purchase] ~was_bought,
  purchase_cost real(2000,600000) [price|price paid|acquisition cost],
  serviced_date after(purchase_date,30,1500)? [service date|date of service] ~was_serviced
instrument_bookings [reserved slots/reserved slot|usage sessions/usage session|time slots/time slot]:
  booking_id id, instrument_id ref(lab_instruments), researcher_id ref(researchers),
  booking_date date(2023,2024) [date of use|session date|reserved date],
  hours_booked real(0.5,12) [hours|hours reserved|duration in hours]
lab_seminars [talks/talk|lectures/lecture|colloquia/colloquium]: seminar_id id, lab_id ref(labs),
  speaker_name person [speaker|presenter|lecturer], seminar_date date(2022,2024) [date|talk date] ~was_held,
  attendee_count int(5,80) [attendance|number of attendees|audience size]
patents [patent filings/patent filing|inventions/invention|IP filings/IP filing]: patent_id id,
  project_id ref(lab_projects), filed_date date(2019,2024) [filing date|application date] ~was_filed,
  granted_date after(filed_date,200,1200)? [date granted|approval date] ~was_granted,
  patent_office cat(EPO|USPTO|JPO|CNIPA) [office|patent authority|filing office]
safety_incidents [accidents/accident|safety events/safety event|mishaps/mishap|lab accidents/lab accident]:
  incident_id id, lab_id ref(labs), reported_date date(2020,2024) [report date|date reported] ~was_reported,
  severity cat(minor|moderate|serious) [seriousness|severity level|gravity],
  resolved_date after(reported_date,0,90)? [resolution date|date resolved|closure date] ~was_resolved
instrument_repairs [repair jobs/repair job|equipment repairs/equipment repair|fixes/fix]: repair_id id,
  instrument_id ref(lab_instruments), repair_date date(2019,2024) [date fixed|date of repair] ~was_carried_out,
  repair_cost real(50,40000) [cost|price of the repair|bill],
  fault cat(electrical|mechanical|software|calibration|vacuum leak) [problem|fault type|issue]
""",
    "car_rental": """
topic: car rental|car hire|vehicle rental
rental_branches [locations/location|rental offices/rental office|depots/depot|stores/store]: branch_id id,
  branch_name name(Airport North|Central Station|Harbourfront|Old Town|University Park|
  Westgate|Eastside Mall|Riverside), city city [town], opened_date date(2004,2020) [opening date|date opened] ~opened
vehicle_classes [car categories/car category|car groups/car group|fleet categories/fleet category]: class_id id,
  class_name name(economy|compact|midsize|SUV|minivan|premium|convertible|pickup),
  daily_rate real(29,189) [price per day|day rate|daily price], seat_count int(2,8) [seats|number of seats]
vehicles [cars/car|rental cars/rental car|automobiles/automobile]: vehicle_id id, class_id ref(vehicle_classes),
  branch_id ref(rental_branches),
  plate_number name({L}{L}-{D}{D}{D}{D}) [licence plate|registration number|number plate],
  make cat(Toyota|Ford|Kia|Volkswagen|Hyundai|Tesla|Renault) [brand|manufacturer|car maker],
  model_year year(2016,2024) [year of manufacture|build year],
  mileage_km int(5000,180000) [odometer reading in km|distance driven in km|mileage],
  is_electric flag(are electric|are not electric)
renters [customers/customer|drivers/driver|hirers/hirer|clients/client]: renter_id id, first_name first,
  last_name last, license_country country [country of licence|driving licence country|licence-issuing country],
  birth_date date(1952,2004) [date of birth|birthday] ~was_born, email email? [email address|e-mail]
rental_agreements [rentals/rental|contracts/contract|hires/hire|rental contracts/rental contract]: agreement_id id,
  vehicle_id ref(vehicles), renter_id ref(renters),
  pickup_date date(2022,2024) [pick-up date|collection date|start date] ~was_picked_up,
  return_date after(pickup_date,1,21)? [drop-off date|date returned] ~was_returned,
  total_charge real(45,2400) [total price|price|amount charged|rental cost]
damage_reports [damage claims/damage claim|incident reports/incident report|damage records/damage record]:
  report_id id, agreement_id ref(rental_agreements),
  reported_date after(agreement_id.pickup_date,0,25) [report date|date reported] ~was_reported,
  damage_type cat(scratch|dent|windshield|interior|tire) [type of damage|kind of damage|damage category],
  repair_cost real(50,4500)? [cost of repair|repair bill|cost to fix]
vehicle_inspections [safety checks/safety check|car inspections/car inspection|condition checks/condition check]:
  inspection_id id, vehicle_id ref(vehicles),
  inspected_date date(2022,2024) [inspection date|check date|date checked] ~was_carried_out,
  odometer_km int(5000,180000) [odometer reading in km|mileage at inspection], passed flag(passed|failed)
""",
    "gym_memberships": """
topic: gym|fitness|fitness club
gyms [fitness centres/fitness centre|clubs/club|fitness clubs/fitness club|health clubs/health club]: gym_id id,
  gym_name name(Iron Yard|Pulse Fitness|Core Club|Summit Gym|FlexHouse|Urban Strength|
  Peak Performance|Tidewater Fitness), city city [town], opened_date date(2008,2022) [opening date|date opened] ~opened,
  has_pool flag(have a pool|have no pool)
membership_tiers [membership levels/membership level|subscription plans/subscription plan|packages/package|
  membership types/membership type]: tier_id id, tier_name name(basic|plus|premium|student|off-peak|family),
  monthly_price real(15,95) [price per month|monthly cost|monthly rate],
  includes_classes flag(include classes|do not include classes)
gym_members [clients/client|customers/customer|gym goers/gym goer|subscribers/subscriber]: member_id id,
  first_name first, last_name last, tier_id ref(membership_tiers),
  home_gym_id ref(gyms) [home club|usual gym|main gym],
  join_date date(2018,2024) [sign-up date|date joined|enrolment date] ~joined,
  cancel_date after(join_date,30,1500)? [cancellation date|date cancelled] ~cancelled
personal_trainers [trainers/trainer|coaches/coach|fitness coaches/fitness coach|instructors/instructor]:
  trainer_id id, gym_id ref(gyms), full_name person, hourly_fee real(25,120) [hourly rate|price per hour|rate per hour],
  certified_year year(2005,2023) [year certified|certification year]
fitness_classes [group classes/group class|group sessions/group session|workouts/workout|
  exercise classes/exercise class]: class_id id, gym_id ref(gyms), trainer_id ref(personal_trainers)?,
  class_type cat(spin|yoga|HIIT|pilates|boxing|zumba|rowing) [type|kind of class|activity|discipline],
  weekday cat(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday) [day|day of the week|scheduled day],
  capacity int(8,35) [maximum size|spots|number of places]
class_bookings [sign-ups/sign-up|registrations/registration|enrolments/enrolment]: booking_id id,
  class_id ref(fitness_classes), member_id ref(gym_members),
  booked_date date(2023,2024) [date booked|registration date|sign-up date] ~was_made,
  attended flag(were attended|were missed)?
gym_check_ins [visits/visit|entries/entry|door scans/door scan|club visits/club visit]: check_in_id id,
  member_id ref(gym_members), gym_id ref(gyms),
  check_in_date date(2024,2024) [visit date|date of the visit|entry date],
  minutes_stayed int(15,180) [length of stay in minutes|time spent in minutes]
""",
    "museum_exhibits": """
topic: museum|museums|art museum
museums [venues/venue|art museums/art museum|cultural institutions/cultural institution]: museum_id id,
  museum_name name(Ashford Museum of Art|Harbour History Museum|Northfield Science Centre|
  Valdez Folk Museum|Crescent Modern|Old Mill Heritage Museum|Kestrel Gallery of Design), city city [town|home city],
  founded_year year(1870,2005) [year founded|founding year|year established],
  annual_visitors int(20000,900000) [visitors per year|yearly attendance]
galleries [halls/hall|display rooms/display room|display spaces/display space]: gallery_id id,
  museum_id ref(museums), gallery_name name(East Wing|West Wing|Atrium|Lower Hall|
  Tower Room|North Gallery|Garden Pavilion|Print Room|Long Gallery), floor_level int(0,4) [floor|storey|level],
  area_sqm real(80,1200) [floor area in square metres|size in square metres|area]
curators [keepers/keeper|collection specialists/collection specialist|collection managers/collection manager]:
  curator_id id, museum_id ref(museums), full_name person,
  expertise cat(painting|sculpture|photography|textiles|antiquities|design) [specialty|field|area of expertise],
  hired_date date(2001,2024) [date hired|start date|hiring date] ~was_hired
artworks [works/work|pieces/piece|works of art/work of art|art pieces/art piece|objects/object]: artwork_id id,
  gallery_id ref(galleries)?, title name(Study of|Portrait of|View of|Still Life with|
  Evening at|Memory of;a Harbour|the Orchard|Two Sisters|a Blue Vase|the Mill|Winter Light|a Fisherman|the Bridge),
  creator_name person [artist|maker|creator],
  medium cat(oil|watercolour|bronze|photograph|marble|textile|ink) [material|technique],
  year_created year(1480,2021)? [year made|creation year],
  insured_value real(5000,4000000) [insurance value|value|valuation]
exhibitions [shows/show|exhibits/exhibit|temporary exhibitions/temporary exhibition]: exhibition_id id,
  museum_id ref(museums), curator_id ref(curators)?, exhibition_title name(
  Light and Shadow|Northern Voices|The Sea Within|Made by Hand|Future Cities|Echoes of Silk|Paper Worlds|
  Small Wonders|Fire and Clay), opening_date date(2021,2024) [opening|start date|date opened] ~opened,
  closing_date after(opening_date,30,240) [closing|end date|date closed|last day] ~closed,
  ticket_price real(0,28) [entry fee|admission price|ticket cost|entrance fee]
exhibition_items [exhibited works/exhibited work|items on show/item on show|works on display/work on display]:
  exhibition_id ref(exhibitions), artwork_id ref(artworks), is_loan flag(are on loan|are not on loan)
exhibition_tickets [tickets/ticket|admissions/admission|ticket sales/ticket sale|entry tickets/entry ticket]:
  ticket_id id, exhibition_id ref(exhibitions),
  sale_date after(exhibition_id.opening_date,0,200) [date sold|purchase date|date of sale] ~was_sold,
  ticket_type cat(adult|child|senior|student|member) [type|ticket category|visitor category],
  quantity int(1,6) [number of tickets|tickets bought|count], amount_paid real(0,160) [price paid|amount|total paid]
restoration_jobs [restorations/restoration|conservation projects/conservation project|
  conservation jobs/conservation job]: job_id id, artwork_id ref(artworks),
  conservator_name person [conservator|restorer],
  started_date date(2018,2024) [start date|date started] ~started,
  finished_date after(started_date,10,400)? [completion date|end date|date finished] ~was_completed,
  cost real(500,80000) [price|bill|expense|total cost]
membership_cards [memberships/membership|passes/pass|museum passes/museum pass]: card_id id, museum_id ref(museums),
  holder_name person [cardholder|holder], card_tier cat(individual|family|patron) [level|tier|membership level],
  joined_date date(2015,2024) [date joined|start date|join date] ~was_taken_out,
  expires_date after(joined_date,365,1095) [expiry date|expiration date|end date]
""",
    "city_permits": """
topic: city permits|municipal permits|permitting
permit_offices [service centers/service center|permit counters/permit counter|city offices/city office|
  branch offices/branch office]: office_id id, office_name name(Downtown Permit Center|North District Office|
  Harbor Annex|Eastside Service Center|West Hills Office|Old Town Counter),
  opened_year year(1988,2018) [year opened|opening year], staff_count int(3,40) [number of staff|headcount|employees]
permit_types [categories/category|kinds of permit/kind of permit|licence categories/licence category]: type_id id,
  type_name name(building|electrical|plumbing|demolition|signage|sidewalk cafe|tree removal|
  fence), base_fee real(50,1500) [base price|standard fee|basic charge],
  review_days int(5,60) [review time in days|days to review|processing time in days]
permit_applicants [requesters/requester|filers/filer|clients/client]: applicant_id id, full_name person,
  applicant_type cat(homeowner|contractor|business|nonprofit) [type|category|kind of requester],
  email email? [email address|e-mail]
permit_requests [permit applications/permit application|submissions/submission|filings/filing|cases/case]:
  request_id id, applicant_id ref(permit_applicants), type_id ref(permit_types),
  office_id ref(permit_offices), submitted_date date(2021,2024) [submission date|date submitted|filing date]
  ~was_submitted, decision cat(approved|rejected|pending|withdrawn) [outcome|result|ruling],
  decision_date after(submitted_date,3,90)? [date decided|ruling date|outcome date] ~was_decided,
  project_value real(1000,750000)? [value of the work|construction value|estimated value]
site_inspections [inspections/inspection|site visits/site visit|field inspections/field inspection|checks/check]:
  inspection_id id, request_id ref(permit_requests), inspector_name person [inspector|building inspector|official],
  inspection_date after(request_id.submitted_date,5,200) [visit date|date inspected] ~was_carried_out,
  result cat(pass|fail|partial) [outcome|verdict|finding],
  needs_followup flag(need a follow-up|need no follow-up)
permit_fees [charges/charge|levies/levy|amounts due/amount due]: fee_id id, request_id ref(permit_requests),
  fee_amount real(25,4000) [amount|charge|sum due],
  due_date after(request_id.submitted_date,0,30) [deadline|payment deadline|date due],
  paid_date after(due_date,-20,40)? [payment date|date paid] ~was_paid
""",
    "farm_harvests": """
topic: farming|farm|agriculture
farms [holdings/holding|agricultural holdings/agricultural holding|properties/property]: farm_id id,
  farm_name name(Willow Creek Farm|Red Barn Acres|Sunnyside Orchards|Blue Ridge Growers|
  Millbrook Farm|Hollow Oak Ranch|Fernhill Farm|Stonegate Fields),
  region cat(valley|coastal|highland|plains) [area|zone|farming region],
  total_hectares real(20,900) [size in hectares|total area in hectares], is_organic flag(are organic|are not organic)
fields [plots/plot|parcels/parcel|land parcels/land parcel]: field_id id, farm_id ref(farms),
  field_code name(F-{D}{D}) [code|plot code|reference], area_hectares real(2,80) [size in hectares|surface in hectares],
  soil_type cat(clay|loam|sandy|silt) [soil|kind of soil|soil class], is_irrigated flag(are irrigated|are not irrigated)
crops [crop types/crop type|cultivars/cultivar|field crops/field crop]: crop_id id,
  crop_name name(wheat|barley|corn|soybeans|potatoes|apples|strawberries|canola|oats|lentils),
  maturity_days int(60,180) [days to maturity|growing period in days],
  seed_cost_per_ha real(40,900) [cost of seed per hectare|seeding cost per hectare]
plantings [sowings/sowing|seedings/seeding|crop sowings/crop sowing]: planting_id id, field_id ref(fields),
  crop_id ref(crops), planted_date date(2021,2024) [sowing date|date sown] ~was_sown,
  expected_tonnes real(5,400) [expected yield in tonnes|projected yield in tonnes|forecast tonnage]
harvests [harvest records/harvest record|pickings/picking|gathered crops/gathered crop]: harvest_id id,
  planting_id ref(plantings),
  harvest_date after(planting_id.planted_date,60,190) [date harvested|picking date|harvest day] ~was_harvested,
  yield_tonnes real(2,420) [tonnes harvested|output in tonnes|crop yield in tonnes],
  moisture_pct real(8,24)? [moisture content|moisture level|water content],
  grade cat(A|B|C) [quality grade|quality|class]
harvest_sales [crop sales/crop sale|produce sales/produce sale|sales contracts/sales contract]: sale_id id,
  harvest_id ref(harvests),
  buyer_name cat(Northern Grain Co-op|Valley Mills|FreshCo Markets|Coastal Foods|Prairie Feeds) [buyer|purchaser],
  sale_date after(harvest_id.harvest_date,1,120) [date sold|date of sale] ~was_made,
  tonnes_sold real(1,200) [quantity sold in tonnes|tonnage sold], price_per_tonne real(90,900) [price|unit price]
farm_workers [farmhands/farmhand|labourers/labourer|employees/employee]: worker_id id, farm_id ref(farms),
  full_name person, role cat(tractor driver|picker|agronomist|foreman|mechanic) [job|position|job title],
  hired_date date(2012,2024) [date hired|start date|hiring date] ~was_hired,
  left_date after(hired_date,60,1500)? [leaving date|departure date] ~left,
  hourly_wage real(14,32) [pay per hour|hourly pay|hourly rate]
farm_vehicles [work vehicles/work vehicle|agricultural vehicles/agricultural vehicle|
  tractors and trucks/tractor or truck]:
  vehicle_id id, farm_id ref(farms),
  vehicle_type cat(tractor|combine harvester|sprayer|pickup truck|loader) [type|kind of vehicle],
  purchase_year year(2000,2024) [year bought|year of purchase],
  engine_hours int(50,12000) [hours of use|running hours|engine running hours]
""",
    "bug_tracker": """
topic: bug tracking|software|issue tracker
software_projects [codebases/codebase|repositories/repository|products/product|software products/software product]:
  project_id id, project_name name(Orion|Beacon|Cobalt|Driftwood|Tamarack|Fathom|Granite|Helix|Sable),
  language cat(Python|Go|Rust|TypeScript|Java|C++) [programming language|main language],
  created_date date(2014,2022) [creation date|date created|start date] ~was_created,
  is_open_source flag(are open source|are closed source)
components [modules/module|subsystems/subsystem|code areas/code area]: component_id id,
  project_id ref(software_projects), component_name name(parser|scheduler|auth|storage|
  api|ui|cli|sync|billing|search|exporter|cache),
  owner_team cat(backend|frontend|platform|mobile|infra) [team|owning team|responsible team]
developers [engineers/engineer|programmers/programmer|contributors/contributor|devs/dev]: developer_id id,
  full_name person, email email? [email address|e-mail], seniority cat(junior|mid|senior|staff) [level|rank|grade],
  joined_date date(2015,2024) [start date|date joined] ~joined
software_releases [releases/release|versions/version|shipped versions/shipped version]: release_id id,
  project_id ref(software_projects), version_tag name(v{D}.{D}.{D}) [version|tag|version number],
  release_date date(2020,2024) [ship date|date released] ~was_released, is_major flag(are major|are minor)
bug_reports [bugs/bug|issues/issue|defects/defect|tickets/ticket|problem reports/problem report]: bug_id id,
  component_id ref(components), reporter_id ref(developers) [submitter|reporting engineer],
  assignee_id ref(developers)? [assigned developer|owner|developer in charge],
  severity cat(low|medium|high|critical) [seriousness|impact|severity level],
  opened_date date(2021,2024) [date reported|creation date|open date] ~was_reported,
  closed_date after(opened_date,0,200)? [close date|date closed|resolution date] ~was_closed,
  fixed_release_id ref(software_releases)? [fix version|release with the fix]
bug_comments [remarks/remark|replies/reply|discussion posts/discussion post]: comment_id id, bug_id ref(bug_reports),
  author_id ref(developers) [commenter|writer|poster],
  posted_date after(bug_id.opened_date,0,60) [date posted|comment date|date written] ~was_posted,
  word_count int(5,400) [length in words|number of words|words]
pull_requests [PRs/PR|merge requests/merge request|code changes/code change|patches/patch]: pull_request_id id,
  bug_id ref(bug_reports)?, author_id ref(developers) [creator|opener],
  opened_date date(2021,2024) [date opened|creation date|submission date] ~was_opened,
  merged_date after(opened_date,0,30)? [merge date|date merged] ~was_merged,
  lines_changed int(1,2500) [size in lines|changed lines|diff size]
code_reviews [peer reviews/peer review|PR reviews/PR review]: review_id id, pull_request_id ref(pull_requests),
  reviewer_id ref(developers) [reviewing developer|review author],
  verdict cat(approved|changes requested|commented) [outcome|decision|result],
  submitted_date after(pull_request_id.opened_date,0,10) [date submitted|review date] ~was_submitted
""",
    "online_courses": """
topic: e-learning|online learning|online courses
course_instructors [teachers/teacher|tutors/tutor|course authors/course author|educators/educator]: instructor_id id,
  full_name person, country country [home country|nation],
  joined_date date(2015,2023) [date joined|sign-up date] ~joined, is_verified flag(are verified|are not verified)
course_categories [categories/category|subjects/subject|topics/topic|subject areas/subject area]: category_id id,
  category_name name(data science|design|marketing|programming|
  photography|music production|personal finance|languages)
online_courses [courses/course|classes/class|online classes/online class|programmes/programme]: course_id id,
  instructor_id ref(course_instructors), category_id ref(course_categories),
  course_title name(Python|SQL|Excel|Figma|Guitar|Budgeting|Spanish|Lightroom|Copywriting;for Beginners|Masterclass|
  Bootcamp|Essentials|in 30 Days|Deep Dive), list_price real(0,199) [price|listed price|full price],
  published_date date(2018,2024) [launch date|release date|date published] ~was_published,
  skill_level cat(beginner|intermediate|advanced) [level|difficulty|difficulty level]
learners [students/student|enrollees/enrollee|customers/customer|participants/participant]: learner_id id,
  username name({first}{D}{D}|{first}_{last}) [handle|login|screen name], country country [home country|nation],
  signup_date date(2019,2024) [registration date|date registered|join date] ~signed_up,
  birth_year year(1955,2007)? [year of birth|year born]
course_purchases [enrollments/enrollment|orders/order|sales/sale]: purchase_id id, course_id ref(online_courses),
  learner_id ref(learners), purchase_date date(2020,2024) [order date|date bought|enrollment date] ~was_made,
  price_paid real(0,199) [amount paid|price|amount charged],
  coupon_code cat(SPRING20|WELCOME10|AUTUMN30|STUDENT15)? [coupon|discount code|promo code|voucher]
course_ratings [reviews/review|star ratings/star rating|feedback scores/feedback score]: rating_id id,
  purchase_id ref(course_purchases), stars int(1,5) [rating|number of stars|score],
  rated_date after(purchase_id.purchase_date,1,90) [date rated|review date] ~was_left,
  has_comment flag(have a comment|have no comment)
lesson_completions [completed lessons/completed lesson|finished lessons/finished lesson]: completion_id id,
  purchase_id ref(course_purchases), lesson_number int(1,40) [lesson|lesson index|position in the course],
  completed_date after(purchase_id.purchase_date,0,300) [completion date|date finished] ~was_completed,
  minutes_watched int(2,95) [watch time in minutes|viewing time in minutes]
refund_requests [refunds/refund|refund claims/refund claim|money-back requests/money-back request]: request_id id,
  purchase_id ref(course_purchases),
  requested_date after(purchase_id.purchase_date,0,30) [request date|date requested] ~was_requested,
  reason cat(too basic|too advanced|technical issues|changed mind) [cause|stated reason|motive],
  is_approved flag(were approved|were denied)
""",
    "conference_talks": """
topic: conference|tech conference|conference programme
conferences [events/event|tech events/tech event|summits/summit]: conference_id id,
  conference_name name(DataCon|PyNorth|CloudSummit|DevHarbor|QueryConf|EdgeWeek|
  InfraDays|BuildFest), city city [host city|town|location],
  start_date date(2021,2024) [first day|opening day] ~started,
  end_date after(start_date,1,4) [last day|closing day] ~ended,
  registration_fee real(0,900) [ticket price|entry fee|admission fee|registration cost]
conference_tracks [themes/theme|topic areas/topic area|programme strands/programme strand]: track_id id,
  conference_id ref(conferences),
  track_name name(data|security|web|infrastructure|machine learning|community|mobile|cloud),
  room_label cat(Room A|Room B|Hall 1|Hall 2|Main Stage) [room|hall|venue room]
speakers [presenters/presenter|panelists/panelist|invited experts/invited expert]: speaker_id id, first_name first,
  last_name last,
  company cat(Lumen Labs|Northgate Systems|Orbitly|Quarry Data|Vantage Cloud|independent) [employer|firm|affiliation],
  country country [home country|nation], has_spoken_before flag(have spoken before|have not spoken before)
talks [presentations/presentation|sessions/session|lectures/lecture]: talk_id id, track_id ref(conference_tracks),
  talk_title name(Scaling|Testing|Debugging|Securing|Observing|
  Migrating|Teaching;Legacy Services|Data Pipelines|Edge Devices|Small Teams|Open Source|Serverless Apps),
  scheduled_date date(2021,2024) [date|session date|date scheduled] ~was_given,
  duration_minutes int(15,90) [length in minutes|running time in minutes],
  level cat(intro|intermediate|advanced) [difficulty|audience level|difficulty level],
  recording_views int(0,5000)? [views|video views|number of views]
talk_speakers [speaker slots/speaker slot|talk assignments/talk assignment|presenter roles/presenter role]:
  talk_id ref(talks), speaker_id ref(speakers), speaker_role cat(lead|co-speaker|moderator) [role|part]
attendees [participants/participant|registrants/registrant|ticket holders/ticket holder|delegates/delegate]:
  attendee_id id, full_name person, email email? [email address|e-mail],
  ticket_type cat(student|regular|speaker|sponsor|virtual) [ticket|pass type|registration type],
  registered_date date(2021,2024) [registration date|date registered|sign-up date] ~registered
feedback_forms [evaluations/evaluation|surveys/survey|feedback responses/feedback response]: form_id id,
  talk_id ref(talks), attendee_id ref(attendees), score int(1,5) [rating|mark|grade],
  submitted_date after(talk_id.scheduled_date,0,14) [date submitted|response date] ~was_submitted
sponsors [partners/partner|backers/backer|sponsoring companies/sponsoring company]: sponsor_id id,
  conference_id ref(conferences), sponsor_name name(Lumen Labs|Northgate Systems|Orbitly|
  Quarry Data|Vantage Cloud|Bytewell|Stackhaven),
  tier cat(gold|silver|bronze|community) [level|sponsorship level|package],
  amount real(1000,60000) [contribution|sponsorship amount|money given]
workshops [tutorials/tutorial|hands-on sessions/hands-on session|training sessions/training session]: workshop_id id,
  conference_id ref(conferences), workshop_title name(Hands-on|Intro to|Advanced;Kubernetes|
  Rust|Pandas|Threat Modelling|Accessibility), seat_count int(10,60) [seats|capacity|number of places],
  fee real(0,400) [price|cost|charge], instructor_name person [instructor|teacher|trainer]
""",
    "wine_cellar": """
topic: wine cellar|wine|wine collection
wine_regions [regions/region|appellations/appellation|growing regions/growing region]: region_id id,
  region_name name(Rioja|Douro Valley|Barossa|Mendoza|Mosel|Marlborough|Willamette|Tokaj|
  Priorat|Stellenbosch), climate cat(continental|maritime|mediterranean|cool|warm) [climate type|climate zone]
wineries [estates/estate|producers/producer|wine producers/wine producer|wine houses/wine house]: winery_id id,
  region_id ref(wine_regions), winery_name name({last} Estate|Bodega {last}|Chateau {last}|
  {last} Vineyards), founded_year year(1850,2015) [year founded|founding year|year established],
  is_family_owned flag(are family owned|are not family owned)
wines [cuvees/cuvee|wine labels/wine label|bottlings/bottling]: wine_id id, winery_id ref(wineries),
  wine_name name(Reserve|Old Vines|Hillside|Cuvee|Single Vineyard|Estate;
  Red|White|Blend|Rose|Brut|No. {D}),
  grape cat(Tempranillo|Malbec|Riesling|Shiraz|Pinot Noir|Chardonnay|Grenache) [grape variety|variety|varietal],
  vintage year(2005,2022) [vintage year|harvest year|year of harvest],
  alcohol_pct real(11,15.5) [alcohol content|ABV|strength]
cellar_racks [racks/rack|shelves/shelf|storage racks/storage rack|wine racks/wine rack]: rack_id id,
  rack_label name(R{D}{D}|Rack {L}) [label|rack code],
  location cat(north wall|south wall|cold room|tasting room|basement) [position|place|area of the cellar],
  capacity int(24,240) [number of slots|bottle capacity|slots]
bottles [stored bottles/stored bottle|bottles in stock/bottle in stock|cellar items/cellar item]: bottle_id id,
  wine_id ref(wines), rack_id ref(cellar_racks)?,
  purchase_date date(2015,2024) [date bought|acquisition date] ~was_bought,
  purchase_price real(9,480) [price paid|cost|price],
  opened_date after(purchase_date,30,2500)? [date opened|opening date|date uncorked] ~was_opened
tasting_notes [tastings/tasting|tasting reviews/tasting review|wine reviews/wine review]: note_id id,
  bottle_id ref(bottles), tasted_date after(bottle_id.purchase_date,30,2500) [tasting date|date tasted] ~was_recorded,
  taster_name person [taster|critic|wine critic], score int(70,100) [rating|points|mark]
""",
    "container_shipping": """
topic: container shipping|shipping|maritime freight
seaports [ports/port|harbours/harbour|container ports/container port]: port_id id,
  port_name name(Valencia|Santos|Durban|Busan|Colombo|Tanjung Pelepas|Algeciras|Savannah|
  Piraeus|Antwerp|Callao) [name], berth_count int(4,60) [berths|number of berths|quay berths],
  max_draft_m real(9,18) [maximum draught in metres|depth limit in metres]
ocean_carriers [shipping lines/shipping line|carriers/carrier|shipping companies/shipping company]: carrier_id id,
  carrier_name name(Nordwave Shipping|Blue Meridian|Caspian Line|Southern Cross Freight|
  Atlantic Star Lines|Orient Bridge|Coral Sea Cargo),
  headquarters_country country [home country|country of headquarters|base country],
  fleet_size int(8,300) [number of ships|ships in the fleet|fleet]
vessels [ships/ship|container ships/container ship|boxships/boxship|freighters/freighter]: vessel_id id,
  carrier_id ref(ocean_carriers), vessel_name name(MV {last}|{last} Star|Sea {last}|
  {last} Spirit), teu_capacity int(1500,24000) [capacity in TEU|container capacity|size in TEU],
  built_year year(1998,2023) [year built|build year|construction year],
  flag_state country [flag|registry country|country of registry]
voyages [sailings/sailing|journeys/journey|passages/passage]: voyage_id id, vessel_id ref(vessels),
  origin_port_id ref(seaports) [port of departure|departure port|origin],
  destination_port_id ref(seaports) [port of arrival|arrival port|destination],
  departure_date date(2022,2024) [sailing date|date of departure|departure day] ~departed,
  arrival_date after(departure_date,3,40)? [date of arrival|arrival day] ~arrived
shipping_containers [containers/container|boxes/box|cargo containers/cargo container]: container_id id,
  container_number name({L}{L}{L}U{D}{D}{D}{D}{D}{D}{D}) [box number|unit number|container code],
  size_code cat(20GP|40GP|40HC|45HC|20RF) [size|container size|size type],
  is_refrigerated flag(are refrigerated|are not refrigerated),
  owner_id ref(ocean_carriers) [owning carrier|owning line]
container_loads [shipments/shipment|consignments/consignment|cargo loads/cargo load]: load_id id,
  voyage_id ref(voyages), container_id ref(shipping_containers),
  cargo_type cat(electronics|textiles|machinery|food|chemicals|furniture) [cargo|goods|commodity|type of goods],
  gross_weight_kg real(2000,30000) [weight in kg|total weight in kg|mass in kg],
  declared_value real(5000,900000) [value|customs value|stated value]
customs_holds [detentions/detention|customs stops/customs stop|inspection holds/inspection hold]: hold_id id,
  load_id ref(container_loads), hold_date date(2022,2024) [detention date|date held|date stopped] ~began,
  released_date after(hold_date,1,30)? [release date|date released|date cleared] ~was_lifted,
  reason cat(documentation|inspection|tariff dispute|sanctions check) [cause|basis]
port_calls [port visits/port visit|stops/stop|berthings/berthing]: call_id id, vessel_id ref(vessels),
  port_id ref(seaports), arrival_date date(2022,2024) [date of arrival|arrival day|call date] ~arrived,
  berth_hours real(6,96) [hours at berth|hours in port|time alongside in hours]
ship_crew_members [crew/crew member|sailors/sailor|seafarers/seafarer|mariners/mariner]: crew_member_id id,
  vessel_id ref(vessels), full_name person,
  rank cat(captain|chief officer|engineer|able seaman|cook) [position|role|job],
  nationality country [citizenship|home country|country of origin]
""",
    "pharmacy": """
topic: pharmacy|pharmacies|drugstore
pharmacies [chemists/chemist|drugstores/drugstore|stores/store|branches/branch|dispensaries/dispensary]:
  pharmacy_id id, pharmacy_name name(Greenleaf Pharmacy|Corner Chemist|WellPoint Pharmacy|
  Riverside Drugstore|Northside Apothecary|CareWay Pharmacy|Hilltop Pharmacy), city city [town],
  opened_year year(1975,2020) [year opened|opening year],
  is_open_24h flag(are open around the clock|are not open around the clock)
drugs [medicines/medicine|medications/medication|products/product|pharmaceuticals/pharmaceutical]: drug_id id,
  brand_name name(Zolvarex|Pemtira|Cardiofen|Lumaxil|Nexadrin|Oprivan|Talcedon|Vireline|Quintosol|
  Brevamin|Dormagen|Solvexa) [trade name|product name|brand],
  drug_class cat(antibiotic|statin|analgesic|antihistamine|antidepressant|antihypertensive)
  [class|therapeutic class|category], unit_price real(0.5,45) [price per unit|price|unit cost],
  needs_prescription flag(need a prescription|do not need a prescription)
prescribers [doctors/doctor|physicians/physician|prescribing doctors/prescribing doctor|clinicians/clinician]:
  prescriber_id id, full_name person,
  specialty cat(family medicine|cardiology|dermatology|psychiatry|pediatrics) [speciality|field|medical field],
  practice_city city [city|town|city of practice]
pharmacy_clients [patients/patient|customers/customer|patrons/patron]: client_id id, first_name first,
  last_name last, birth_date date(1935,2015)? [date of birth|birthday] ~was_born,
  insurance_plan cat(BluePath|CoreHealth|Meridian Care)? [insurer|health plan|insurance]
pharmacists [druggists/druggist|pharmacy staff/pharmacy staff member|dispensing staff/dispensing staff member]:
  pharmacist_id id, pharmacy_id ref(pharmacies), full_name person,
  license_year year(1985,2023) [year licensed|licensing year],
  is_manager flag(manage the pharmacy|do not manage the pharmacy)
prescriptions [scripts/script|medication orders/medication order|doctor's orders/doctor's order]:
  prescription_id id, client_id ref(pharmacy_clients), prescriber_id ref(prescribers), drug_id ref(drugs),
  written_date date(2022,2024) [date written|date issued|issue date] ~was_written,
  quantity int(10,120) [amount|number of units|units prescribed],
  refills_allowed int(0,5) [refills|number of refills|repeats allowed]
dispensings [fills/fill|pickups/pickup|dispensing records/dispensing record]: dispensing_id id,
  prescription_id ref(prescriptions), pharmacy_id ref(pharmacies),
  pharmacist_id ref(pharmacists)?,
  dispensed_date after(prescription_id.written_date,0,200) [fill date|date filled|pickup date] ~was_filled,
  quantity_dispensed int(10,90) [amount dispensed|quantity given|units given],
  copay real(0,60) [co-payment|patient share|out-of-pocket cost]
drug_recalls [recalls/recall|withdrawals/withdrawal|product recalls/product recall|safety recalls/safety recall]:
  recall_id id, drug_id ref(drugs), recall_date date(2019,2024) [date of recall|withdrawal date] ~was_announced,
  recall_class cat(I|II|III) [class|severity class|recall category],
  reason cat(contamination|mislabeling|potency|packaging defect) [cause|problem]
""",
    "solar_energy": """
topic: solar energy|solar|solar power
solar_installers [installers/installer|contractors/contractor|installation companies/installation company|
  solar firms/solar firm]: installer_id id, company_name name(SunForge|BrightRoof Energy|Helio Partners|Voltaic Homes|
  Clearsky Solar|Radiant Works) [name|firm name|business name],
  certified_year year(2005,2022) [year certified|certification year], crew_count int(2,30) [crews|number of crews]
solar_installations [systems/system|solar systems/solar system|arrays/array|rooftop systems/rooftop system|
  PV systems/PV system]: installation_id id, installer_id ref(solar_installers),
  owner_name person [owner|homeowner|system owner], city city [town|location],
  capacity_kw real(3,500) [size in kW|rated capacity in kW|system size in kW],
  installed_date date(2015,2024) [installation date|date installed|commissioning date] ~was_installed,
  has_battery flag(have a battery|have no battery)
inverters [power inverters/power inverter|inverter units/inverter unit|PV inverters/PV inverter]: inverter_id id,
  installation_id ref(solar_installations), manufacturer cat(Voltra|Sunwise|Gridline|
  Ampere One|Lumio) [brand|maker|make], rated_kw real(3,100) [power rating in kW|nominal power in kW],
  warranty_end date(2024,2036) [warranty expiry|end of warranty|warranty expiration date]
energy_readings [meter readings/meter reading|production readings/production reading|
  generation records/generation record]: reading_id id, installation_id ref(solar_installations),
  reading_date date(2024,2024) [date|date read|measurement date] ~was_taken,
  energy_kwh real(0,2200) [energy produced in kWh|output in kWh|generation in kWh],
  peak_kw real(0.5,480)? [peak power in kW|maximum output in kW]
power_outages [outages/outage|downtimes/downtime|shutdowns/shutdown|interruptions/interruption|power cuts/power cut]:
  outage_id id, installation_id ref(solar_installations), started_date date(2022,2024) [start date|beginning] ~started,
  restored_date after(started_date,0,14)? [restoration date|date restored|end date] ~ended,
  cause cat(inverter fault|grid outage|storm damage|shading|maintenance) [reason|root cause|source]
service_visits [callouts/callout|service calls/service call|check-ups/check-up]: visit_id id,
  installation_id ref(solar_installations),
  visit_date after(installation_id.installed_date,30,2000) [date of the visit|service date|callout date] ~took_place,
  technician_name person [engineer|service engineer], visit_cost real(80,900) [cost|charge|callout fee]
""",
    "volunteering": """
topic: volunteering|volunteer|community volunteering
volunteer_centers [centres/centre|hubs/hub|volunteer hubs/volunteer hub|community centres/community centre]:
  center_id id, center_name name(Eastside Volunteer Hub|Harbor Helpers|Northfield Community Center|
  Riverbend Volunteers|Maple Street Center|Lakeview Hub), city city [town],
  opened_year year(1990,2020) [year opened|opening year]
program_areas [causes/cause|focus areas/focus area|programmes/programme|service areas/service area]: area_id id,
  area_name name(food security|literacy|elder care|environment|youth mentoring|
  disaster relief|refugee support|park cleanup)
volunteers [helpers/helper|supporters/supporter|participants/participant]: volunteer_id id,
  center_id ref(volunteer_centers), first_name first, last_name last,
  birth_date date(1945,2006)? [date of birth|birthday] ~was_born, email email? [email address|e-mail],
  joined_date date(2015,2024) [date joined|sign-up date|start date] ~joined
volunteer_events [activities/activity|community events/community event|outings/outing]: event_id id,
  center_id ref(volunteer_centers), area_id ref(program_areas), event_title name(Spring|
  Summer|Autumn|Winter|Weekend|Evening;Food Drive|Reading Circle|Beach Cleanup|Tree Planting|Coat Collection|
  Tutoring Night), event_date date(2022,2024) [date|activity date|date held] ~was_held,
  spot_count int(5,60) [spots|places|number of spots|capacity]
volunteer_shifts [work shifts/work shift|time slots/time slot|stints/stint]: shift_id id,
  event_id ref(volunteer_events), volunteer_id ref(volunteers),
  hours real(1,8) [hours worked|duration in hours|length in hours], checked_in flag(were checked in|were not checked in)
volunteer_trainings [certifications/certification|qualifications/qualification|training records/training record]:
  training_id id, volunteer_id ref(volunteers),
  course cat(first aid|food safety|safeguarding|forklift|leadership) [subject|topic|training subject],
  completed_date date(2018,2024) [completion date|date completed|date passed] ~was_completed,
  expires_date after(completed_date,365,1100)? [expiry date|expiration date]
""",
    "bakery_production": """
topic: bakery|bakeries|baking
bakeries [bakeshops/bakeshop|bake houses/bake house|shops/shop|bread shops/bread shop|outlets/outlet]: bakery_id id,
  bakery_name name(Golden Crust|Flour & Stone|The Rolling Pin|Morning Loaf|Crumb Street|
  Hearth House|Little Oven), city city [town], opened_year year(1978,2021) [year opened|opening year],
  has_cafe flag(have a cafe|have no cafe)
recipes [products/product|baked goods/baked good|bakes/bake]: recipe_id id,
  recipe_name name(sourdough loaf|rye bread|croissant|baguette|cinnamon roll|focaccia|brioche|
  bagel|pretzel|scone|seeded rolls),
  category cat(bread|pastry|viennoiserie|snack) [type|product category|kind of product],
  bake_minutes int(12,70) [oven time in minutes|bake time in minutes],
  batch_size int(12,120) [units per batch|batch yield|yield per batch],
  created_year year(1990,2023)? [year created|year introduced|year developed]
ingredients [raw materials/raw material|supplies/supply|baking supplies/baking supply]: ingredient_id id,
  ingredient_name name(flour|butter|sugar|yeast|salt|eggs|milk|rye flour|cinnamon|
  sesame seeds|olive oil|honey), unit cat(kg|litre|piece) [unit of measure|measuring unit],
  cost_per_unit real(0.2,18) [price per unit|unit cost|unit price]
recipe_ingredients [recipe lines/recipe line|ingredient amounts/ingredient amount]: recipe_id ref(recipes),
  ingredient_id ref(ingredients), quantity real(0.05,12) [amount|amount needed|quantity needed]
production_batches [batches/batch|production runs/production run|oven loads/oven load]: batch_id id,
  bakery_id ref(bakeries), recipe_id ref(recipes), baked_date date(2024,2024) [bake date|production date] ~was_baked,
  units_made int(20,400) [units produced|output|items baked],
  units_wasted int(0,40)? [waste|units discarded|items wasted]
quality_checks [inspections/inspection|quality inspections/quality inspection|QC tests/QC test]: check_id id,
  batch_id ref(production_batches),
  checked_date after(batch_id.baked_date,0,1) [inspection date|date checked|date inspected] ~was_carried_out,
  inspector_name person [inspector|checker|quality inspector], passed flag(passed|failed)
""",
    "elections": """
topic: elections|election|voting
electoral_districts [districts/district|constituencies/constituency|wards/ward|voting districts/voting district]:
  district_id id, district_name name(Northgate|Riverside East|Hillcrest|Old Harbour|Westfield|
  Pine Valley|Lakeshore|Central Heights), region cat(urban|suburban|rural) [area type|setting|type of area],
  registered_voters int(20000,300000) [electorate|number of voters|voters registered]
political_parties [parties/party|political groups/political group|political movements/political movement]:
  party_id id, party_name name(Green Alliance|Civic Union|Liberal Forum|
  Workers Party|Unity Movement|Rural League|Reform Bloc), founded_year year(1920,2018) [year founded|founding year],
  ideology cat(left|centre-left|centre|centre-right|right) [political leaning|position|orientation]
candidates [nominees/nominee|contenders/contender|politicians/politician]: candidate_id id,
  party_id ref(political_parties)?, district_id ref(electoral_districts),
  full_name person, birth_date date(1950,1998) [date of birth|birthday] ~was_born,
  is_incumbent flag(hold the seat already|do not hold the seat yet)
polling_places [polling stations/polling station|voting locations/voting location|precincts/precinct]: place_id id,
  district_id ref(electoral_districts), place_name name({last} Community Hall|
  St. {first}'s Hall|{last} Sports Centre|{last} Civic Room), has_step_free_access flag(have step-free access|
  lack step-free access)
vote_tallies [results/result|ballot counts/ballot count|tally sheets/tally sheet]: tally_id id,
  place_id ref(polling_places), candidate_id ref(candidates),
  vote_count int(0,4000) [votes|number of votes|votes received],
  counted_date date(2024,2024) [count date|date counted] ~was_counted
campaign_events [appearances/appearance|campaign appearances/campaign appearance|
  campaign activities/campaign activity]: event_id id, candidate_id ref(candidates),
  event_date date(2023,2024) [date|date held] ~was_held,
  event_type cat(rally|debate|town hall|door knocking|fundraiser) [type|kind of event|format],
  attendance int(15,2500)? [turnout|crowd size|number of attendees]
election_officials [poll workers/poll worker|polling staff/polling staff member|election workers/election worker]:
  official_id id, place_id ref(polling_places), full_name person,
  official_role cat(presiding officer|clerk|observer) [role|duty|position],
  hours_worked real(4,14) [hours|shift length in hours]
debates [candidate debates/candidate debate|forums/forum|public debates/public debate]: debate_id id,
  district_id ref(electoral_districts), debate_date date(2023,2024) [date|date held] ~was_held,
  host cat(City Radio|Channel 5 News|League of Voters|Daily Courier) [broadcaster|organiser],
  viewer_count int(500,90000)? [viewers|audience size|number of viewers]
candidate_donations [donations/donation|campaign contributions/campaign contribution|gifts/gift]: donation_id id,
  candidate_id ref(candidates), donor_name person [donor|giver|contributor],
  amount real(10,5000) [sum|amount given|contribution],
  donated_date date(2023,2024) [donation date|date given] ~was_made
""",
    "theater_productions": """
topic: theatre|theater|stage productions
theaters [theatres/theatre|playhouses/playhouse|venues/venue|auditoriums/auditorium]: theater_id id,
  theater_name name(Rosewood Theatre|Kingsbridge Playhouse|Alder Stage|Meridian Theatre|
  Foundry Stage|Lantern Playhouse|Quayside Theatre), city city [town],
  seat_count int(120,1600) [seats|number of seats|seating capacity]
playwrights [writers/writer|dramatists/dramatist|authors/author]: playwright_id id, full_name person,
  birth_year year(1850,1990) [year of birth|year born], death_year year(1900,2023)? [year of death|year died],
  nationality country [citizenship|home country]
plays [scripts/script|works/work|stage works/stage work]: play_id id, playwright_id ref(playwrights),
  play_title name(The|A|Our|The Last;Quiet Harbour|Glass Orchard|
  Long Winter|Borrowed House|Paper Crown|Salt Road|Night Ferry|Empty Chair), genre cat(comedy|tragedy|musical|drama|
  farce) [kind of play|category|style], premiere_year year(1890,2022) [year of the premiere|debut year]
stage_productions [shows/show|stagings/staging|runs/run]: production_id id, play_id ref(plays),
  theater_id ref(theaters),
  director_name person [director|stage director],
  opening_date date(2021,2024) [opening night|premiere date|first night] ~opened,
  closing_date after(opening_date,14,180)? [closing night|end date|last night] ~closed,
  budget real(20000,1500000) [cost|production budget|total budget]
performances [showings/showing|nights/night]: performance_id id, production_id ref(stage_productions),
  performance_date after(production_id.opening_date,0,150) [date|show date] ~took_place,
  tickets_sold int(40,1500) [tickets|attendance|seats sold],
  is_sold_out flag(were sold out|were not sold out)
cast_members [actors/actor|performers/performer|players/player]: cast_member_id id,
  production_id ref(stage_productions), actor_name person [actor|performer],
  role_type cat(lead|supporting|ensemble|understudy) [role|part|type of role],
  weekly_fee real(400,6000) [weekly pay|pay per week|weekly wage]
performance_reviews [reviews/review|critic reviews/critic review|press reviews/press review|write-ups/write-up]:
  review_id id, performance_id ref(performances), critic_name person [critic|writer],
  stars int(1,5) [rating|number of stars|score],
  published_date after(performance_id.performance_date,1,10) [date published|publication date] ~was_published
""",
    "app_store": """
topic: app store|mobile apps|app marketplace
app_publishers [developers/developer|studios/studio|app makers/app maker|companies/company]: publisher_id id,
  publisher_name name(Pixelmint|Northbyte|Kitewing Apps|Lumen Forge|Cloudberry Studio|
  Tinyfox|Grayline Software), country country [home country|country of origin],
  founded_year year(2005,2021) [year founded|founding year]
mobile_apps [apps/app|mobile applications/mobile application|products/product]: app_id id,
  publisher_id ref(app_publishers), app_name name(Snap|Quick|Zen|Pocket|Smart|Daily;Notes|
  Budget|Planner|Scanner|Recipes|Habits|Maps|Fitness|Translate),
  category cat(games|productivity|health|finance|education|travel|photo) [genre|store category|type],
  price real(0,14.99) [cost|list price|price tag],
  released_date date(2015,2024) [launch date|release date|date launched] ~was_launched
app_versions [versions/version|releases/release|builds/build|updates/update]: version_id id, app_id ref(mobile_apps),
  version_number name({D}.{D}.{D}|{D}.{D}) [version|version string|build number],
  release_date date(2020,2024) [date released|publish date|ship date] ~was_released,
  size_mb real(8,900) [download size in MB|file size in MB|package size in MB]
app_installs [downloads/download|installations/installation]: install_id id, app_id ref(mobile_apps),
  device_os cat(iOS|Android) [platform|operating system], install_date date(2024,2024) [date installed|download date]
  ~was_installed, country country [market|location],
  uninstalled_date after(install_date,0,200)? [removal date|date removed|uninstall date] ~was_removed
app_ratings [reviews/review|star ratings/star rating|store reviews/store review]: rating_id id,
  version_id ref(app_versions), stars int(1,5) [rating|score|number of stars],
  rated_date after(version_id.release_date,0,300) [review date|date rated] ~was_left,
  has_written_review flag(include written text|include no written text)
in_app_purchases [transactions/transaction|microtransactions/microtransaction|in-app sales/in-app sale|orders/order]:
  purchase_id id, install_id ref(app_installs),
  item_name cat(remove ads|premium month|premium year|coin pack|theme pack) [item|product|purchased item],
  amount real(0.99,49.99) [price|price paid|charge],
  purchased_date after(install_id.install_date,0,120) [purchase date|date bought|transaction date] ~was_made,
  refunded_date after(purchased_date,1,30)? [refund date|date refunded] ~was_refunded
crash_reports [crashes/crash|crash logs/crash log|error reports/error report]: crash_id id,
  version_id ref(app_versions), reported_date date(2024,2024) [date reported|report date|crash date] ~was_reported,
  device_os cat(iOS|Android) [platform|operating system], is_fixed flag(are fixed|are not fixed)
promotions [discounts/discount|deals/deal|offers/offer|price promotions/price promotion]: promotion_id id,
  app_id ref(mobile_apps), start_date date(2023,2024) [start|launch date|first day] ~started,
  end_date after(start_date,3,30) [end|last day] ~ended,
  discount_pct int(10,80) [discount|percentage off|reduction in percent]
""",
    "waste_collection": """
topic: waste collection|waste management|refuse collection
collection_zones [districts/district|areas/area|service areas/service area|neighbourhoods/neighbourhood]: zone_id id,
  zone_name name(North|South|East|West|Harbour|Uplands|Old Town|Riverside;Zone),
  household_count int(800,12000) [households|number of households|homes served],
  pickup_day cat(Monday|Tuesday|Wednesday|Thursday|Friday) [collection day|bin day|day of pickup]
collection_trucks [trucks/truck|bin lorries/bin lorry|garbage trucks/garbage truck|refuse vehicles/refuse vehicle]:
  truck_id id, plate_number name({L}{L}{D}{D} {L}{L}{L}) [licence plate|registration number|number plate],
  truck_type cat(rear loader|side loader|front loader|roll-off) [type|body type|kind of truck],
  capacity_tonnes real(6,20) [load capacity in tonnes|payload in tonnes],
  purchase_year year(2008,2023) [year bought|year of purchase|acquisition year],
  retired_year year(2019,2024)? [year retired|retirement year|year taken out of service],
  is_electric flag(are electric|are not electric)
truck_drivers [drivers/driver|operators/operator|collection crew/collection crew member]: driver_id id,
  full_name person, license_class cat(B|C|CE) [licence category|licence type|driving licence class],
  hired_date date(2005,2024) [date hired|start date|hiring date] ~was_hired
collection_routes [rounds/round|collection rounds/collection round|pickup routes/pickup route]: route_id id,
  zone_id ref(collection_zones), route_code name(R-{D}{D}) [code|round code|route number],
  waste_stream cat(general waste|recycling|organics|glass) [stream|waste type|material collected|kind of waste]
route_runs [collection runs/collection run|daily runs/daily run|route shifts/route shift]: run_id id,
  route_id ref(collection_routes), truck_id ref(collection_trucks), driver_id ref(truck_drivers),
  run_date date(2024,2024) [date|collection date|service date] ~took_place,
  tonnes_collected real(1,18) [tonnage|weight collected in tonnes|load in tonnes],
  missed_stops int(0,25)? [missed pickups|stops missed|skipped stops]
disposal_facilities [disposal sites/disposal site|tips/tip|waste facilities/waste facility]: facility_id id,
  facility_name name(Greenway Landfill|Eastport Recycling Plant|
  Valley Compost Site|North Energy Recovery|Ridge Transfer Station),
  facility_type cat(landfill|recycling plant|compost site|incinerator|transfer station)
  [type|kind of facility|site type],
  gate_fee_per_tonne real(15,140) [tipping fee per tonne|charge per tonne|disposal fee per tonne]
facility_dropoffs [deliveries/delivery|disposals/disposal|tipping visits/tipping visit]: dropoff_id id,
  run_id ref(route_runs), facility_id ref(disposal_facilities),
  tonnes real(1,18) [weight in tonnes|tonnage|load in tonnes],
  dropoff_date after(run_id.run_date,0,0) [delivery date|date delivered|tipping date] ~was_made
""",
    "weather_monitoring": """
topic: weather|weather monitoring|meteorology
monitoring_regions [regions/region|areas/area|zones/zone|forecast regions/forecast region]: region_id id,
  region_name name(Highlands|Coastal Plain|River Delta|Northern Lakes|Eastern Steppe|
  Southern Hills|Central Basin), climate_zone cat(arid|temperate|continental|tropical|polar) [climate|climate type]
weather_stations [observation posts/observation post|met stations/met station|monitoring sites/monitoring site|
  observatories/observatory]: station_id id, region_id ref(monitoring_regions),
  station_name name({city} Airport|{city} Harbour|
  Mount {last}|{last} Ridge|{city} North),
  elevation_m int(0,3200) [altitude in metres|height above sea level in metres],
  installed_date date(1985,2020) [installation date|date installed|date set up] ~was_installed,
  is_automated flag(are automated|are staffed)
station_sensors [sensors/sensor|instruments/instrument|probes/probe|gauges/gauge]: sensor_id id,
  station_id ref(weather_stations),
  sensor_type cat(thermometer|hygrometer|anemometer|rain gauge|barometer) [type|instrument type|kind of sensor],
  serial_number name(SN-{D}{D}{D}{D}{D}) [serial|serial code|device serial],
  calibrated_date date(2020,2024)? [calibration date|date calibrated|last calibration] ~was_calibrated
daily_observations [observations/observation|daily readings/daily reading|weather records/weather record|
  measurements/measurement]: observation_id id, station_id ref(weather_stations),
  observed_date date(2024,2024) [date|observation date|day] ~was_recorded,
  mean_temperature real(-20,35) [average temperature|mean temp|temperature],
  rainfall_mm real(0,80)? [precipitation in mm|rain in mm],
  wind_gust_kmh int(0,130)? [peak gust in km/h|maximum gust in km/h|strongest gust in km/h]
sensor_faults [faults/fault|malfunctions/malfunction|breakdowns/breakdown|failures/failure]: fault_id id,
  sensor_id ref(station_sensors), detected_date date(2022,2024) [date detected|detection date|date found] ~was_detected,
  fixed_date after(detected_date,0,60)? [repair date|date fixed|date repaired] ~was_fixed,
  fault_type cat(drift|no signal|icing|battery|physical damage) [type|kind of fault|problem|failure mode]
station_inspections [field visits/field visit|station checks/station check|inspection visits/inspection visit]:
  inspection_id id, station_id ref(weather_stations), inspector_name person [inspector|field officer],
  inspection_date date(2021,2024) [visit date|date of the visit] ~took_place,
  condition cat(good|fair|poor) [state|rating|overall condition]
""",
    "photography_agency": """
topic: photography|photography agency|photo agency
photographers [shooters/shooter|creatives/creative|freelancers/freelancer]: photographer_id id, first_name first,
  last_name last,
  specialty cat(wedding|portrait|wildlife|fashion|architecture|food|events) [speciality|genre|field|niche],
  day_rate real(300,3000) [daily rate|price per day|fee per day],
  joined_date date(2012,2024) [date joined|start date|signing date] ~joined,
  instagram_followers int(200,90000)? [followers|social media followers|follower count]
photo_clients [customers/customer|accounts/account|brands/brand]: client_id id,
  client_name name(Aurora Bridal|Kestrel Magazine|Nomad Travel Co|Verdant Foods|
  Oakline Architects|Summit Outdoor Gear|Lumen Weddings|Copperleaf Press),
  industry cat(publishing|weddings|food|architecture|travel|fashion) [sector|business sector|market],
  city city [town|location|base]
photo_shoots [sessions/session|assignments/assignment|jobs/job|commissions/commission]: shoot_id id,
  photographer_id ref(photographers), client_id ref(photo_clients),
  shoot_date date(2022,2024) [session date|date|date of the shoot] ~took_place,
  location_type cat(studio|outdoor|on site|event venue) [setting|location|venue type],
  hours real(1,10) [duration in hours|length in hours|hours worked], fee real(200,9000) [price|charge|amount billed]
shoot_images [photos/photo|pictures/picture|frames/frame|shots/shot]: image_id id, shoot_id ref(photo_shoots),
  file_name name(IMG_{D}{D}{D}{D}|DSC_{D}{D}{D}{D}) [filename|file],
  width_px int(2000,8000) [image width in pixels|horizontal resolution in pixels],
  is_selected flag(were selected by the client|were not selected by the client)
image_licenses [licences/licence|usage licences/usage licence|image rights/image right]: license_id id,
  image_id ref(shoot_images),
  license_type cat(editorial|commercial|exclusive|web only) [type|licence type|kind of licence|usage type],
  licensed_date date(2022,2025) [licence date|date licensed|start date],
  license_fee real(50,5000) [fee|price|licence price],
  expires_date after(licensed_date,90,1100)? [expiry date|expiration date|end date]
""",
    "event_catering": """
topic: catering|event catering|caterer's
caterers [catering companies/catering company|catering firms/catering firm|vendors/vendor]: caterer_id id,
  caterer_name name(Saffron & Sage|Copper Pot Catering|Feast Collective|Blue Plate Events|
  Harvest Table|Olive Branch Catering), city city [town|base], founded_year year(1990,2021) [year founded|founding year]
catering_menus [menus/menu|packages/package|set menus/set menu|menu packages/menu package]: menu_id id,
  caterer_id ref(caterers), menu_name name(Garden|Harbour|Classic|Rustic|Festive|Midsummer;
  Buffet|Banquet|Brunch|Canapes|Feast), price_per_guest real(18,140) [price per head|cost per guest|per-person price],
  cuisine cat(Italian|Levantine|Nordic|Mexican|Indian|French) [style of food|food style|kitchen]
dishes [plates/plate|menu items/menu item|food items/food item]: dish_id id,
  dish_name name(lamb tagine|mushroom risotto|beet salad|salmon gravlax|lemon tart|bean chili|
  paneer tikka|ratatouille|pavlova|gnocchi|fish tacos|chocolate mousse),
  course cat(starter|main|dessert|side) [serving course|type of course|course type],
  is_vegetarian flag(are vegetarian|are not vegetarian), calories int(120,1100)? [calorie count|energy in kcal|kcal]
menu_dishes [menu entries/menu entry|dish listings/dish listing]: menu_id ref(catering_menus), dish_id ref(dishes)
catering_clients [customers/customer|hosts/host|event hosts/event host]: client_id id, full_name person,
  organization cat(Lantern Tech|City Arts Council|Brookfield College|
  Harbor Rowing Club)? [company|employer|organisation|affiliation], email email? [email address|e-mail]
catered_events [functions/function|parties/party|occasions/occasion]: event_id id, client_id ref(catering_clients),
  menu_id ref(catering_menus), event_date date(2022,2024) [date|function date|date held] ~was_held,
  guest_count int(20,400) [headcount|attendance|number of covers],
  venue_type cat(garden|ballroom|office|barn|rooftop) [venue|setting|location type],
  deposit_paid real(100,5000)? [deposit|advance payment|down payment]
event_staff_shifts [shifts/shift|work shifts/work shift|staffing slots/staffing slot]: shift_id id,
  event_id ref(catered_events), staff_name person [staff member|worker|employee],
  staff_role cat(server|chef|bartender|coordinator) [role|job|position],
  hours_worked real(3,12) [hours|shift length in hours|time worked in hours]
""",
    "parking_garages": """
topic: parking|parking garages|car parks
parking_garages [car parks/car park|garages/garage|parking structures/parking structure|parking decks/parking deck]:
  garage_id id, garage_name name(Central Park & Ride|Market Street Garage|Riverside Deck|
  Station Square Parking|Harbour View Garage|Civic Center Garage),
  level_count int(1,8) [levels|number of levels|floors],
  opened_year year(1980,2021) [year opened|opening year],
  has_ev_charging flag(have EV charging|have no EV charging)
parking_spaces [bays/bay|parking bays/parking bay|spots/spot|parking spots/parking spot]: space_id id,
  garage_id ref(parking_garages), space_code name({L}-{D}{D}{D}) [bay number|code|space number],
  level_number int(0,7) [level|floor|deck|storey],
  space_type cat(standard|compact|accessible|EV|motorcycle) [type|kind of space|bay type]
registered_cars [cars/car|vehicles/vehicle|registered vehicles/registered vehicle|automobiles/automobile]: car_id id,
  plate_number name({L}{L}{D}{D}{D}{D}|{D}{L}{L}{D}{D}{D}) [licence plate|registration number|number plate],
  owner_name person [owner|keeper|registered owner],
  make cat(Toyota|Ford|Kia|Volvo|Skoda|Tesla|Mazda) [brand|manufacturer|car maker],
  color cat(black|white|silver|red|blue) [colour|paint colour]
parking_sessions [stays/stay|parking stays/parking stay|visits/visit|parking events/parking event]: session_id id,
  space_id ref(parking_spaces), car_id ref(registered_cars)?,
  entry_date date(2024,2024) [arrival date|date of entry|entry day] ~began,
  exit_date after(entry_date,0,3)? [departure date|date of exit] ~ended,
  fee_paid real(2,60)? [amount paid|parking fee|charge]
monthly_permits [passes/pass|season tickets/season ticket|subscriptions/subscription]: permit_id id,
  car_id ref(registered_cars), garage_id ref(parking_garages),
  start_date date(2023,2024) [start|valid-from date|first day] ~started,
  end_date after(start_date,28,365) [end|valid-until date|last day],
  monthly_fee real(60,320) [price per month|monthly price|monthly charge]
parking_citations [parking tickets/parking ticket|penalty notices/penalty notice|tickets/ticket]: citation_id id,
  session_id ref(parking_sessions),
  issued_date after(session_id.entry_date,0,2) [date issued|issue date|date written] ~was_issued,
  violation cat(expired meter|wrong space|no permit|blocking exit) [offence|infraction|reason],
  fine_amount real(25,150) [fine|penalty|penalty amount], is_paid flag(have been paid|are unpaid)
""",
    "ferry_service": """
topic: ferry|ferry service|ferries
ferry_terminals [terminals/terminal|piers/pier|landings/landing|docks/dock]: terminal_id id,
  terminal_name name(North Quay|Island Pier|Bay Landing|Point {last}|{last} Harbour|
  Cove Terminal|Eastern Jetty), opened_year year(1950,2015) [year opened|opening year],
  has_vehicle_ramp flag(have a vehicle ramp|have no vehicle ramp)
ferries [boats/boat|ships/ship|vessels/vessel|ferry boats/ferry boat]: ferry_id id,
  ferry_name name(MV {last}|Island {last}|Spirit of {city}|{last} Voyager),
  passenger_capacity int(150,1800) [passenger limit|capacity],
  vehicle_capacity int(0,300)? [car capacity|vehicle spaces|car deck capacity],
  built_year year(1975,2022) [year built|build year|construction year]
ferry_routes [crossings/crossing|lines/line|connections/connection]: route_id id,
  origin_terminal_id ref(ferry_terminals) [departure terminal|departure point|origin],
  destination_terminal_id ref(ferry_terminals) [arrival terminal|arrival point|destination],
  distance_nm real(3,90) [length in nautical miles|route length in nautical miles],
  crossing_minutes int(20,300) [duration in minutes|travel time in minutes|journey time in minutes]
sailings [departures/departure|voyages/voyage|runs/run]: sailing_id id, route_id ref(ferry_routes),
  ferry_id ref(ferries), sailing_date date(2024,2024) [departure date|date|date of sailing] ~took_place,
  delay_minutes int(0,90)? [lateness in minutes|delay],
  passenger_count int(20,1500) [passengers|number of passengers|passengers carried],
  is_cancelled flag(were cancelled|were not cancelled)
ferry_tickets [tickets/ticket|fares/fare|boarding passes/boarding pass]: ticket_id id, sailing_id ref(sailings),
  fare_class cat(adult|child|senior|vehicle|bicycle) [fare type|ticket type|passenger category],
  price real(4,120) [cost|ticket price],
  purchased_date after(sailing_id.sailing_date,-40,0) [purchase date|date bought|booking date] ~was_bought
""",
    "beekeeping": """
topic: beekeeping|apiary|bee farm
apiaries [bee yards/bee yard|bee farms/bee farm|bee gardens/bee garden]: apiary_id id,
  apiary_name name(Clover Hill|Heather Moor|Linden Row|Orchard Gate|Meadowbank|
  Thistle Field|Willow Bend;Apiary), region cat(lowland|upland|coastal|woodland) [area|terrain|landscape],
  established_year year(1985,2022) [year established|year founded|founding year]
beekeepers [apiarists/apiarist|bee farmers/bee farmer|keepers/keeper|honey farmers/honey farmer]: beekeeper_id id,
  full_name person, certification cat(novice|journeyman|master) [level|grade|qualification|certification level],
  years_keeping int(1,40) [experience in years|years of experience]
beehives [hives/hive|colonies/colony|bee colonies/bee colony|bee boxes/bee box]: hive_id id, apiary_id ref(apiaries),
  beekeeper_id ref(beekeepers)?,
  hive_type cat(Langstroth|top bar|Warre|Flow|Dadant) [type|design|kind of hive|hive design],
  installed_date date(2016,2024) [date installed|installation date|date set up] ~was_installed,
  queen_year year(2019,2024)? [year of the queen|queen's year]
hive_inspections [inspections/inspection|colony checks/colony check|hive checks/hive check|checks/check]:
  inspection_id id, hive_id ref(beehives),
  inspection_date after(hive_id.installed_date,10,1500) [date checked|check date] ~was_carried_out,
  colony_strength int(1,10) [strength|colony rating|strength score],
  mites_per_100_bees real(0,12)? [mite count per 100 bees|varroa load|mite load], queen_spotted flag(spotted the queen|
  did not spot the queen)
honey_extractions [harvests/harvest|honey harvests/honey harvest|honey pulls/honey pull]: extraction_id id,
  hive_id ref(beehives), extraction_date date(2022,2024) [harvest date|date harvested|date extracted] ~took_place,
  honey_kg real(2,45) [yield in kg|honey yield in kg|weight in kg],
  moisture_pct real(15,21)? [moisture content|water content],
  honey_type cat(wildflower|clover|heather|acacia|buckwheat) [type|variety|kind of honey|floral source]
honey_sales [sales/sale|jar sales/jar sale]: sale_id id, extraction_id ref(honey_extractions),
  buyer cat(farm shop|farmers market|online|wholesale|
  cafe) [customer|sales channel|outlet|purchaser],
  sale_date after(extraction_id.extraction_date,1,200) [date sold|date of sale] ~was_made,
  jars_sold int(5,300) [jars|number of jars|jar count], price_per_jar real(5,18) [jar price|price|unit price]
""",
    "fishing_fleet": """
topic: fishing|fishing fleet|fisheries
fishing_harbors [harbours/harbour|ports/port|fishing ports/fishing port]: harbor_id id,
  harbor_name name(Kilmore|Port Ellen|Skala|Vigo|Lerwick|Hirtshals|Peniche|Burela),
  region cat(north|south|west|islands) [area|coast|zone]
fishing_boats [vessels/vessel|trawlers/trawler|fishing vessels/fishing vessel]: boat_id id,
  harbor_id ref(fishing_harbors), boat_name name({first}'s Pride|Sea {last}|
  Morning {last}|Northern {last}), length_m real(8,45) [size in metres|overall length in metres|length],
  crew_size int(2,18) [crew|number of crew|crew count],
  license_number name(FL-{D}{D}{D}{D}) [licence|licence number|fishing licence]
fishing_trips [outings/outing|voyages/voyage|fishing voyages/fishing voyage|expeditions/expedition]: trip_id id,
  boat_id ref(fishing_boats), departure_date date(2023,2024) [date of departure|sailing date|departure day] ~set_out,
  return_date after(departure_date,0,14)? [date back|return day|landing date] ~returned,
  fuel_litres real(100,9000) [fuel used in litres|diesel in litres|fuel burned in litres]
fish_types [kinds of fish/kind of fish|fish stocks/fish stock|fish varieties/fish variety]: fish_type_id id,
  common_name name(cod|haddock|mackerel|herring|sole|plaice|monkfish|hake|sardine|pollock) [name|usual name],
  quota_tonnes real(50,5000)? [catch limit in tonnes|allowed catch in tonnes],
  min_landing_cm int(18,60) [minimum landing size in cm|minimum size in cm|smallest legal size in cm]
catches [landings/landing|hauls/haul|catch records/catch record]: catch_id id, trip_id ref(fishing_trips),
  fish_type_id ref(fish_types), weight_kg real(20,8000) [catch weight in kg|landed weight in kg|mass in kg],
  is_bycatch flag(are bycatch|are target catch)
auction_sales [fish sales/fish sale|auction lots/auction lot|lots/lot]: sale_id id, catch_id ref(catches),
  auction_date date(2023,2024) [sale date|date sold|date of the auction],
  price_per_kg real(1,25) [price|kilo price|price per kilo],
  buyer_name cat(Harbour Fresh|Atlantic Traders|Northern Fish Co|Blue Wave Foods) [buyer|purchaser|bidder|fish merchant]
""",
    "law_firm": """
topic: law firm|legal|legal practice
law_firms [firms/firm|legal practices/legal practice|partnerships/partnership]: firm_id id,
  firm_name name({last} & {last} LLP|{last} Legal|{last} Partners), city city [town|home city|location],
  founded_year year(1950,2018) [year founded|founding year]
attorneys [lawyers/lawyer|solicitors/solicitor|advocates/advocate]: attorney_id id, firm_id ref(law_firms),
  first_name first, last_name last, bar_year year(1985,2023) [year admitted to the bar|admission year],
  practice_area cat(litigation|corporate|employment|intellectual property|family|tax)
  [specialty|field of law|area of law|practice group],
  is_partner flag(have partner status|do not have partner status)
legal_clients [clients/client|customers/customer|represented parties/represented party]: client_id id,
  client_name name(Orion Freightways|Bellweather Foods|Cinder Media|Harlow Estates|
  Quill Robotics|Marsh & Sons|{first} {last}),
  client_type cat(individual|company|nonprofit|government) [type|kind of client|category]
legal_matters [cases/case|files/file|legal cases/legal case]: matter_id id, client_id ref(legal_clients),
  lead_attorney_id ref(attorneys) [lead lawyer|lead counsel|responsible lawyer],
  matter_type cat(litigation|contract|merger|employment|patent) [type|case type|kind of case|area],
  opened_date date(2019,2024) [date opened|start date|intake date] ~was_opened,
  closed_date after(opened_date,20,900)? [date closed|closing date|end date] ~was_closed,
  outcome cat(won|lost|settled|dismissed)? [result|verdict|resolution]
judges [justices/justice|magistrates/magistrate|presiding judges/presiding judge]: judge_id id, full_name person,
  court cat(district court|appeals court|family court|tax tribunal) [bench|jurisdiction],
  appointed_year year(1990,2023) [year appointed|appointment year]
court_hearings [court dates/court date|court appearances/court appearance|sittings/sitting]: hearing_id id,
  matter_id ref(legal_matters), judge_id ref(judges)?,
  hearing_date after(matter_id.opened_date,10,600) [hearing day|date heard|scheduled date] ~was_held,
  court cat(district court|appeals court|family court|tax tribunal) [venue|bench|jurisdiction],
  hearing_type cat(motion|trial|status conference|
  mediation) [type|kind of hearing|format]
time_entries [timesheet entries/timesheet entry|time records/time record|time logs/time log]: entry_id id,
  matter_id ref(legal_matters), attorney_id ref(attorneys),
  work_date after(matter_id.opened_date,0,500) [date worked|work day|date of the work] ~was_logged,
  hours real(0.2,9) [hours worked|time in hours|hours billed],
  hourly_rate real(180,850) [rate|billing rate|rate per hour]
billing_statements [bills/bill|legal bills/legal bill|fee notes/fee note]: statement_id id,
  matter_id ref(legal_matters), issued_date date(2019,2024) [date issued|billing date|issue date] ~was_issued,
  amount_billed real(500,90000) [amount|total billed|fees charged],
  paid_date after(issued_date,0,120)? [payment date|date paid|settlement date] ~was_paid
""",
    "emergency_dispatch": """
topic: emergency dispatch|emergency services|911 dispatch
dispatch_centers [control rooms/control room|dispatch offices/dispatch office|emergency centres/emergency centre]:
  center_id id, center_name name(Metro North Dispatch|County South Dispatch|Harbor Emergency Center|
  Valley 911 Center|Ridge Command Center), county cat(Ashby|Marlow|Penrose|Tilden) [district|region|area],
  staffed_positions int(4,40) [positions|staffed seats|number of positions|console positions]
dispatchers [operators/operator|call takers/call taker|controllers/controller]: dispatcher_id id,
  center_id ref(dispatch_centers), full_name person, shift cat(day|evening|night) [shift pattern|working shift|watch],
  hired_date date(2006,2024) [date hired|start date|hiring date] ~was_hired
response_units [emergency vehicles/emergency vehicle|crews/crew|responders/responder|vehicles/vehicle]: unit_id id,
  center_id ref(dispatch_centers), call_sign name({L}{L}-{D}{D}) [callsign|radio call sign|unit code],
  unit_type cat(ambulance|fire engine|ladder truck|patrol car|rescue boat) [type|vehicle type|kind of unit],
  in_service_date date(2008,2024) [commissioning date|service start date] ~was_commissioned,
  retired_date after(in_service_date,100,3000)? [decommissioning date|date retired|retirement date] ~was_retired
incidents [emergencies/emergency|emergency calls/emergency call|callouts/callout]: incident_id id,
  dispatcher_id ref(dispatchers), reported_date date(2024,2024) [date reported|call date|report date] ~was_reported,
  incident_type cat(fire|medical|traffic collision|flood|hazmat|burglary) [type|kind of emergency|nature|category],
  priority int(1,5) [priority level|urgency|urgency level],
  is_false_alarm flag(were unfounded|were genuine)
unit_dispatches [deployments/deployment|assignments/assignment|responses/response]: dispatch_id id,
  incident_id ref(incidents), unit_id ref(response_units),
  response_minutes real(2,45) [arrival time in minutes|minutes to arrive|time to scene in minutes],
  cleared_date after(incident_id.reported_date,0,2)? [clearance date|date cleared|stand-down date] ~was_cleared
incident_updates [updates/update|status updates/status update|log entries/log entry|call notes/call note]:
  update_id id, incident_id ref(incidents), dispatcher_id ref(dispatchers),
  update_date after(incident_id.reported_date,0,2) [date posted|date of the update] ~was_posted,
  note_type cat(status|resource request|hazard|closure) [type|kind of update|category]
""",
    "water_utility": """
topic: water utility|water supply|waterworks
water_districts [service areas/service area|supply zones/supply zone|districts/district]: district_id id,
  district_name name(Northbrook|Eastvale|Southmere|Westhaven|Cedar Flats|Hollow Creek|
  Pine Ridge), population int(5000,250000) [residents|number of residents|inhabitants],
  source_type cat(reservoir|groundwater|river|desalination) [water source|source|supply source]
service_connections [accounts/account|service points/service point|properties/property|hookups/hookup]:
  connection_id id, district_id ref(water_districts), account_holder person [holder|account name|customer],
  connection_type cat(residential|commercial|industrial|irrigation) [type|customer type|usage type],
  installed_date date(1970,2023) [installation date|date installed|date connected] ~was_installed,
  meter_size_mm int(15,100) [meter diameter in mm|meter size]
meter_readings [readings/reading|meter reads/meter read|usage readings/usage reading|
  consumption records/consumption record]: reading_id id, connection_id ref(service_connections),
  reading_date date(2024,2024) [date read|date|read date] ~was_taken,
  consumption_m3 real(0.5,400) [usage in cubic metres|water used in cubic metres|volume used in cubic metres],
  is_estimated flag(are estimated|are actual)
water_mains [pipes/pipe|pipelines/pipeline|water pipes/water pipe|distribution mains/distribution main]: main_id id,
  district_id ref(water_districts),
  pipe_material cat(cast iron|PVC|ductile iron|HDPE|asbestos cement) [material|pipe type|construction material],
  diameter_mm int(100,900) [pipe diameter in mm|bore in mm|size in mm],
  laid_year year(1920,2022) [year laid|installation year|year installed]
repair_crews [repair teams/repair team|field crews/field crew|work crews/work crew]: crew_id id,
  crew_name name(Crew {L}{D}), shift cat(day|night|on call) [shift pattern|rota],
  crew_size int(2,8) [team size|number of workers|headcount]
main_breaks [pipe bursts/pipe burst|bursts/burst|leaks/leak|main failures/main failure]: break_id id,
  main_id ref(water_mains), crew_id ref(repair_crews)?, reported_date date(2021,2024) [date reported|report date]
  ~was_reported, repaired_date after(reported_date,0,20)? [repair date|date fixed|date repaired] ~was_repaired,
  repair_cost real(300,40000) [cost|cost of repair|repair bill],
  cause cat(corrosion|frost|ground movement|third-party damage|pressure surge) [reason|root cause|failure cause]
water_bills [bills/bill|statements/statement|charges/charge|utility bills/utility bill]: bill_id id,
  connection_id ref(service_connections), issued_date date(2023,2024) [date issued|billing date|issue date]
  ~was_issued, amount_due real(15,900) [amount|balance|amount owed|total due],
  paid_date after(issued_date,0,60)? [payment date|date paid] ~was_paid
water_quality_tests [tests/test|quality tests/quality test|water samples/water sample|lab tests/lab test]: test_id id,
  district_id ref(water_districts), sampled_date date(2023,2024) [sampling date|date sampled|test date] ~was_taken,
  chlorine_mg_l real(0.1,2.5) [chlorine level in mg/L|chlorine concentration in mg/L|free chlorine in mg/L],
  turbidity_ntu real(0.05,4)? [cloudiness in NTU|turbidity reading in NTU], passed flag(passed|failed)
""",
    "archaeology": """
topic: archaeology|archaeological|excavation
excavation_sites [excavations/excavation|archaeological sites/archaeological site|field sites/field site]: site_id id,
  site_name name(Hollow Barrow|Ridgeway Camp|Saltmarsh Villa|Kestrel Mound|
  Old Ford Settlement|Bramble Hill Fort|Lynx Cave), country country [host country|nation],
  period cat(Neolithic|Bronze Age|Iron Age|Roman|Medieval) [era|age|historical period|epoch],
  discovered_year year(1850,2015) [year discovered|year of discovery|discovery year]
dig_seasons [seasons/season|campaigns/campaign|field seasons/field season|excavation campaigns/excavation campaign]:
  season_id id, site_id ref(excavation_sites), start_date date(2015,2024) [first day|start] ~began,
  end_date after(start_date,14,120) [last day|end] ~ended,
  crew_size int(4,60) [team size|number of diggers|crew]
archaeologists [researchers/researcher|scholars/scholar|academics/academic]: archaeologist_id id, full_name person,
  university cat(Halden University|Northfield College|
  Ashby University|Institute of Antiquity) [institution|affiliation|home university],
  specialty cat(ceramics|osteology|numismatics|lithics|textiles) [speciality|field|area of expertise]
dig_team_members [team members/team member|crew members/crew member|season crew/season crew member]:
  season_id ref(dig_seasons), archaeologist_id ref(archaeologists),
  team_role cat(director|supervisor|excavator|finds specialist) [role|job|position]
artifacts [finds/find|objects/object|artefacts/artefact|relics/relic]: artifact_id id, season_id ref(dig_seasons),
  finder_id ref(archaeologists)? [discoverer],
  material cat(ceramic|bronze|bone|flint|glass|iron|gold) [substance|material type],
  found_date after(season_id.start_date,0,90) [date found|discovery date|find date] ~was_found,
  depth_cm int(5,400) [depth below surface in cm|burial depth in cm], weight_g real(1,5000)? [mass in grams|weight]
artifact_analyses/artifact analysis [lab analyses/lab analysis|lab tests/lab test|examinations/examination]:
  analysis_id id, artifact_id ref(artifacts),
  method cat(radiocarbon|XRF|thin section|residue analysis) [technique|analysis method|test type],
  analysis_date after(artifact_id.found_date,20,700) [date analysed|test date] ~was_carried_out,
  estimated_age_years int(500,9000)? [estimated age in years|age estimate in years|age in years],
  cost real(80,1200) [price|fee|charge]
site_surveys [surveys/survey|field surveys/field survey|site scans/site scan]: survey_id id,
  site_id ref(excavation_sites), survey_date date(2012,2024) [date surveyed|date of the survey] ~was_carried_out,
  method cat(geophysics|drone mapping|field walking|LiDAR) [technique|survey method],
  area_hectares real(0.5,40) [area covered in hectares|size in hectares]
""",
    "ski_resort": """
topic: ski resort|skiing|ski area
ski_resorts [resorts/resort|ski areas/ski area|ski fields/ski field|mountains/mountain]: resort_id id,
  resort_name name(Alpenglow|Snowcrest|Powder Ridge|Whitehorn|Silver Basin|Eagle Peak|
  Frostvale), country country [host country|nation],
  vertical_drop_m int(300,2200) [vertical in metres|elevation drop in metres|height difference in metres],
  opened_year year(1936,2010) [year opened|opening year]
ski_lifts [lifts/lift|ropeways/ropeway|lift systems/lift system]: lift_id id, resort_id ref(ski_resorts),
  lift_name name({last} Express|Summit Chair|Valley Gondola|
  {last} Quad|Ridge T-Bar|Sunrise Lift|Glacier Link),
  lift_type cat(chairlift|gondola|T-bar|magic carpet|cable car) [type|kind of lift],
  capacity_per_hour int(600,3600) [hourly capacity|riders per hour|skiers per hour],
  opened_year year(1970,2023) [year opened|opening year|year built],
  closed_year year(2015,2024)? [year closed|closing year|year decommissioned]
ski_slopes [runs/run|pistes/piste|trails/trail|ski runs/ski run]: slope_id id, resort_id ref(ski_resorts),
  slope_name name(Blue|Eagle|Fox|Pine|Raven|Sun|Wolf|Crystal;Run|
  Bowl|Trail|Chute|Glade), difficulty cat(green|blue|red|black) [grade|rating|difficulty rating|colour],
  length_m int(300,5000) [run length in metres|distance in metres|length],
  is_groomed flag(are groomed|are not groomed)
lift_passes [ski passes/ski pass|lift tickets/lift ticket|tickets/ticket]: pass_id id, resort_id ref(ski_resorts),
  holder_name person [holder|pass holder|skier], pass_type cat(day|weekend|week|season) [type|duration|kind of pass],
  purchase_date date(2023,2024) [date bought|sale date] ~was_bought, price real(45,1100) [cost|price paid|amount],
  refund_date after(purchase_date,1,60)? [date refunded|refund day] ~was_refunded
ski_instructors [instructors/instructor|teachers/teacher|ski teachers/ski teacher|ski coaches/ski coach]:
  instructor_id id, resort_id ref(ski_resorts), full_name person,
  cert_level int(1,4) [certification level|qualification level|grade],
  languages_spoken int(1,5) [languages|number of languages|spoken languages]
ski_lessons [lessons/lesson|ski classes/ski class|coaching sessions/coaching session]: lesson_id id,
  instructor_id ref(ski_instructors), lesson_date date(2023,2024) [date|class date|session date] ~took_place,
  lesson_type cat(private|group|kids|freestyle) [type|format|kind of lesson],
  student_count int(1,8) [students|number of students|group size], price real(40,600) [cost|fee|charge]
snow_reports [snow readings/snow reading|conditions reports/conditions report|snow bulletins/snow bulletin]:
  report_id id, resort_id ref(ski_resorts), report_date date(2023,2024) [date|reading date|bulletin date] ~was_issued,
  new_snow_cm int(0,60) [fresh snow in cm|snowfall in cm|new snowfall in cm],
  base_depth_cm int(20,300) [snow depth in cm|snow base in cm]
""",
    "call_center": """
topic: call center|customer support|contact centre
contact_centers [call centres/call centre|support hubs/support hub|support centres/support centre]: center_id id,
  center_name name(Northpoint Contact Center|Bayside Support Hub|Granite Service Desk|
  Meadow Lane Center|Eastgate Care Center), city city [town|location],
  seat_count int(20,400) [seats|number of seats|workstations], opened_year year(2000,2022) [year opened|opening year]
support_teams [squads/squad|groups/group|support groups/support group]: team_id id, center_id ref(contact_centers),
  team_name name(billing|technical|sales|retention|
  onboarding|escalations), shift cat(day|evening|night) [shift pattern|working hours|rota]
support_agents [representatives/representative|reps/rep|advisors/advisor|operators/operator]: agent_id id,
  team_id ref(support_teams), first_name first, last_name last,
  hired_date date(2014,2024) [date hired|start date|hiring date] ~was_hired,
  is_bilingual flag(are bilingual|are not bilingual)
support_calls [phone calls/phone call|contacts/contact|inquiries/inquiry|customer calls/customer call]: call_id id,
  agent_id ref(support_agents)?, call_date date(2024,2024) [date|date of the call|contact date] ~was_received,
  talk_seconds int(30,3600) [call length in seconds|duration in seconds|handling time in seconds],
  issue_category cat(billing|outage|password reset|upgrade|cancellation|hardware) [issue|topic|problem category|reason],
  is_resolved flag(were resolved|were not resolved)
satisfaction_surveys [surveys/survey|CSAT surveys/CSAT survey|feedback surveys/feedback survey]: survey_id id,
  call_id ref(support_calls), sent_date after(call_id.call_date,0,3) [date sent|send date] ~was_sent,
  score int(1,5)? [rating|CSAT score|satisfaction score]
callbacks [return calls/return call|follow-up calls/follow-up call|follow-ups/follow-up]: callback_id id,
  call_id ref(support_calls),
  scheduled_date after(call_id.call_date,0,7) [planned date|date scheduled|booked date] ~was_scheduled,
  completed_date after(scheduled_date,0,5)? [date completed|completion date] ~was_completed
""",
    "space_missions": """
topic: space|space missions|spaceflight
space_agencies [agencies/agency|space programmes/space programme|space organisations/space organisation]:
  agency_id id, agency_name name(Orbital Research Agency|Northern Space Office|
  Equatorial Launch Authority|Pacific Space Institute|Aurora Space Agency), country country [home country|nation],
  founded_year year(1958,2015) [year founded|founding year]
launch_sites [spaceports/spaceport|launch pads/launch pad|launch complexes/launch complex]: launch_site_id id,
  site_name name(Cape {last}|{last} Spaceport|{city} Launch Complex|Pad {L}{D}),
  latitude_deg real(-45,68) [latitude|geographic latitude], is_coastal flag(are coastal|are inland)
launch_vehicles [rockets/rocket|launchers/launcher|boosters/booster|carrier rockets/carrier rocket]: vehicle_id id,
  agency_id ref(space_agencies), vehicle_name name(Kestrel|Halcyon|Tern|Corvid|
  Lodestar|Sparrow;{D}|Heavy|Light|II), stage_count int(1,4) [stages|number of stages],
  payload_to_leo_kg int(300,60000) [lift capacity to LEO in kg|LEO payload in kg|payload capacity in kg],
  first_flight_year year(1990,2022) [year of the first flight|maiden flight year|debut year]
space_missions [missions/mission|launches/launch|flights/flight|spaceflights/spaceflight]: mission_id id,
  vehicle_id ref(launch_vehicles), launch_site_id ref(launch_sites),
  mission_name name(Aster|Borealis|Meridian|Polaris|Solace|Tethys|Halo|Zephyr;{D}|{D}{D}),
  launch_date date(2010,2024) [launch day|liftoff date] ~was_launched,
  outcome cat(success|partial failure|failure|scrubbed) [result|status|mission result]
mission_payloads [cargoes/cargo|onboard payloads/onboard payload|spacecraft/spacecraft]: payload_id id,
  mission_id ref(space_missions),
  payload_type cat(satellite|probe|crew capsule|cargo module|rover) [type|kind of payload|category],
  mass_kg real(50,20000)? [weight in kg|mass],
  operator cat(government|commercial|university|military) [owner|operator type|customer type]
astronauts [cosmonauts/cosmonaut|space travellers/space traveller|spacefarers/spacefarer]: astronaut_id id,
  agency_id ref(space_agencies), full_name person, birth_date date(1955,1995) [date of birth|birthday] ~was_born,
  flights_flown int(0,6) [flights|number of flights], retired_year year(2008,2024)? [year retired|retirement year]
crew_assignments [crew slots/crew slot|crew roles/crew role|seat assignments/seat assignment]:
  mission_id ref(space_missions), astronaut_id ref(astronauts),
  crew_role cat(commander|pilot|mission specialist|payload specialist) [role|position|job on board]
ground_stations [tracking stations/tracking station|antennas/antenna|earth stations/earth station|dishes/dish]:
  ground_station_id id, station_name name(Kiruna Track|Fenwick Dish|Atacama Relay|Outback Array|
  Azores Link|Svalbard North), country country [host country|nation],
  dish_diameter_m real(5,70) [antenna size in metres|diameter in metres]
tracking_passes [contacts/contact|tracking sessions/tracking session|overflights/overflight|
  contact windows/contact window]: pass_id id, mission_id ref(space_missions),
  ground_station_id ref(ground_stations), pass_date date(2010,2024) [date|contact date|session date] ~took_place,
  duration_minutes int(3,15) [length in minutes|contact time in minutes]
""",
    "coworking": """
topic: coworking|shared office|coworking spaces
coworking_spaces [spaces/space|locations/location|hubs/hub|shared offices/shared office|workspaces/workspace]:
  space_id id, space_name name(The Loft|Hive Works|Canal Studios|Foundry Desk|Quarter House|
  Open Yard|Northlight Rooms), city city [town|location],
  opened_date date(2014,2023) [opening date|date opened|launch date] ~opened,
  desk_count int(20,300) [desks|number of desks|workstations]
coworking_plans [memberships/membership|packages/package|subscription plans/subscription plan]: plan_id id,
  plan_name name(hot desk|dedicated desk|private office|day pass|weekend pass|
  virtual office), monthly_price real(0,900) [price per month|monthly cost|monthly rate]
coworking_members [tenants/tenant|coworkers/coworker|clients/client]: member_id id, plan_id ref(coworking_plans),
  home_space_id ref(coworking_spaces) [home location|main location|usual space], full_name person,
  company_name cat(self-employed|Brightloop|Papercut Studio|Tandem Labs|Nimbus Co)? [company|employer|business],
  joined_date date(2018,2024) [date joined|start date|move-in date] ~joined,
  left_date after(joined_date,30,900)? [leaving date|move-out date|end date] ~left
meeting_rooms [conference rooms/conference room|boardrooms/boardroom|meeting spaces/meeting space]: room_id id,
  space_id ref(coworking_spaces), room_name name(Oak|Birch|Maple|Cedar|Aspen|Willow|
  Rowan|Hazel;Room|Suite), capacity int(2,20) [seats|number of seats|maximum occupancy],
  hourly_rate real(10,80) [price per hour|rate per hour|hourly price]
room_bookings [meetings/meeting|room hires/room hire|scheduled meetings/scheduled meeting]: booking_id id,
  room_id ref(meeting_rooms), member_id ref(coworking_members),
  booking_date date(2024,2024) [date|meeting date|reserved date],
  hours real(0.5,8) [duration in hours|length in hours|hours reserved],
  is_cancelled flag(were cancelled|were not cancelled)
desk_bookings [desk sessions/desk session|desk days/desk day|hot-desk visits/hot-desk visit]: booking_id id,
  member_id ref(coworking_members), space_id ref(coworking_spaces), desk_date date(2024,2024) [date|day used],
  hours real(1,10) [duration in hours|hours used|time at the desk in hours]
""",
    "translation_agency": """
topic: translation|translation agency|localisation
languages [tongues/tongue|working languages/working language|locales/locale]: language_id id,
  language_name name(English|French|Greek|Spanish|Japanese|Arabic|Portuguese|Korean|Dutch|
  Polish|Turkish|Swahili), rate_multiplier real(1,1.8) [price factor|rate factor|surcharge factor]
translators [linguists/linguist|freelancers/freelancer|language professionals/language professional]:
  translator_id id, full_name person,
  native_language_id ref(languages) [mother tongue|first language|native tongue],
  country country [home country|nation|country of residence],
  per_word_rate real(0.06,0.3) [rate per word|price per word|word rate],
  is_certified flag(are certified|are not certified)
translation_clients [clients/client|customers/customer|accounts/account]: client_id id,
  client_name name(Veritas Legal|Polaris Games|Mendel Pharma|Apex Software|
  Civic Records Office|Trailhead Outdoor),
  sector cat(legal|medical|software|gaming|marketing|government) [industry|field|market|business sector]
translation_jobs [jobs/job|projects/project|assignments/assignment|orders/order|commissions/commission]: job_id id,
  client_id ref(translation_clients),
  source_language_id ref(languages) [original language|language of the original],
  target_language_id ref(languages) [output language|language translated into|destination language],
  translator_id ref(translators)?, word_count int(200,60000) [words|number of words|length in words],
  received_date date(2022,2024) [date received|intake date|order date] ~was_received,
  delivered_date after(received_date,1,45)? [delivery date|date delivered|completion date] ~was_delivered,
  quoted_price real(50,18000) [quote|price|quoted fee|estimate]
job_quality_checks [proofreads/proofread|QA checks/QA check|quality reviews/quality review|revisions/revision]:
  check_id id, job_id ref(translation_jobs), reviewer_name person [proofreader|checker|editor],
  error_count int(0,30) [errors|number of errors|mistakes|errors found],
  checked_date after(job_id.received_date,2,60) [date checked|review date|check date] ~was_carried_out
job_invoices [bills/bill|client bills/client bill|billing records/billing record]: invoice_id id,
  job_id ref(translation_jobs), invoiced_amount real(50,18000) [amount|amount billed|total],
  issued_date after(job_id.received_date,1,60) [date issued|billing date] ~was_issued,
  paid_date after(issued_date,0,60)? [payment date|date paid] ~was_paid
""",
}
