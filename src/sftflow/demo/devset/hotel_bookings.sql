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
