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
