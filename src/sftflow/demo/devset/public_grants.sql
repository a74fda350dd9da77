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
