CREATE TABLE clinics (
    clinic_id INTEGER PRIMARY KEY,
    clinic_name TEXT NOT NULL,
    city TEXT NOT NULL,
    phone TEXT NOT NULL,
    opened_date TEXT NOT NULL
);
CREATE TABLE veterinarians (
    vet_id INTEGER PRIMARY KEY,
    clinic_id INTEGER NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    specialty TEXT,
    license_number TEXT NOT NULL,
    hire_date TEXT NOT NULL,
    FOREIGN KEY (clinic_id) REFERENCES clinics (clinic_id)
);
CREATE TABLE owners (
    owner_id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT,
    phone TEXT NOT NULL,
    city TEXT NOT NULL,
    preferred_clinic_id INTEGER,
    registered_date TEXT NOT NULL,
    FOREIGN KEY (preferred_clinic_id) REFERENCES clinics (clinic_id)
);
CREATE TABLE species (
    species_id INTEGER PRIMARY KEY,
    common_name TEXT NOT NULL,
    typical_lifespan_years INTEGER NOT NULL
);
CREATE TABLE breeds (
    breed_id INTEGER PRIMARY KEY,
    species_id INTEGER NOT NULL,
    breed_name TEXT NOT NULL,
    size_class TEXT,
    FOREIGN KEY (species_id) REFERENCES species (species_id)
);
CREATE TABLE pets (
    pet_id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL,
    breed_id INTEGER NOT NULL,
    pet_name TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date TEXT,
    weight_kg REAL NOT NULL,
    is_neutered INTEGER NOT NULL,
    microchip_number TEXT,
    FOREIGN KEY (owner_id) REFERENCES owners (owner_id),
    FOREIGN KEY (breed_id) REFERENCES breeds (breed_id)
);
CREATE TABLE procedures (
    procedure_code TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    category TEXT NOT NULL,
    list_price REAL NOT NULL
);
CREATE TABLE appointments (
    appointment_id INTEGER PRIMARY KEY,
    pet_id INTEGER NOT NULL,
    vet_id INTEGER NOT NULL,
    scheduled_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    FOREIGN KEY (pet_id) REFERENCES pets (pet_id),
    FOREIGN KEY (vet_id) REFERENCES veterinarians (vet_id)
);
CREATE TABLE treatments (
    treatment_id INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL,
    procedure_code TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    charged_amount REAL NOT NULL,
    FOREIGN KEY (appointment_id) REFERENCES appointments (appointment_id),
    FOREIGN KEY (procedure_code) REFERENCES procedures (procedure_code)
);
CREATE TABLE invoices (
    invoice_id INTEGER PRIMARY KEY,
    appointment_id INTEGER NOT NULL UNIQUE,
    issued_date TEXT NOT NULL,
    total_amount REAL NOT NULL,
    paid_date TEXT,
    payment_method TEXT,
    FOREIGN KEY (appointment_id) REFERENCES appointments (appointment_id)
);
CREATE TABLE vaccinations (
    vaccination_id INTEGER PRIMARY KEY,
    pet_id INTEGER NOT NULL,
    vet_id INTEGER NOT NULL,
    vaccine_name TEXT NOT NULL,
    administered_date TEXT NOT NULL,
    next_due_date TEXT,
    lot_number TEXT NOT NULL,
    FOREIGN KEY (pet_id) REFERENCES pets (pet_id),
    FOREIGN KEY (vet_id) REFERENCES veterinarians (vet_id)
);
