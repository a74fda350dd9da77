CREATE TABLE sites (
    site_id INTEGER PRIMARY KEY,
    site_name TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    opened_year INTEGER NOT NULL
);
CREATE TABLE production_lines (
    line_id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL,
    line_name TEXT NOT NULL,
    product_family TEXT NOT NULL,
    commissioned_date TEXT NOT NULL,
    FOREIGN KEY (site_id) REFERENCES sites (site_id)
);
CREATE TABLE machines (
    machine_id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL,
    asset_tag TEXT NOT NULL UNIQUE,
    machine_type TEXT NOT NULL,
    manufacturer TEXT NOT NULL,
    install_date TEXT NOT NULL,
    rated_power_kw REAL NOT NULL,
    criticality TEXT NOT NULL,
    decommissioned_date TEXT,
    FOREIGN KEY (line_id) REFERENCES production_lines (line_id)
);
CREATE TABLE technicians (
    technician_id INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL,
    full_name TEXT NOT NULL,
    trade TEXT NOT NULL,
    skill_level TEXT NOT NULL,
    hourly_rate REAL NOT NULL,
    hire_date TEXT NOT NULL,
    supervisor_id INTEGER,
    FOREIGN KEY (site_id) REFERENCES sites (site_id),
    FOREIGN KEY (supervisor_id) REFERENCES technicians (technician_id)
);
CREATE TABLE suppliers (
    supplier_id INTEGER PRIMARY KEY,
    supplier_name TEXT NOT NULL,
    country TEXT NOT NULL,
    lead_time_days INTEGER NOT NULL
);
CREATE TABLE spare_parts (
    part_id INTEGER PRIMARY KEY,
    part_number TEXT NOT NULL UNIQUE,
    part_name TEXT NOT NULL,
    category TEXT NOT NULL,
    supplier_id INTEGER NOT NULL,
    unit_cost REAL NOT NULL,
    stock_quantity INTEGER NOT NULL,
    reorder_point INTEGER NOT NULL,
    FOREIGN KEY (supplier_id) REFERENCES suppliers (supplier_id)
);
CREATE TABLE work_orders (
    work_order_id INTEGER PRIMARY KEY,
    machine_id INTEGER NOT NULL,
    order_type TEXT NOT NULL,
    priority INTEGER NOT NULL,
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    assigned_technician_id INTEGER,
    failure_code TEXT,
    downtime_minutes INTEGER,
    FOREIGN KEY (machine_id) REFERENCES machines (machine_id),
    FOREIGN KEY (assigned_technician_id) REFERENCES technicians (technician_id)
);
CREATE TABLE work_order_parts (
    work_order_id INTEGER NOT NULL,
    part_id INTEGER NOT NULL,
    quantity_used INTEGER NOT NULL,
    PRIMARY KEY (work_order_id, part_id),
    FOREIGN KEY (work_order_id) REFERENCES work_orders (work_order_id),
    FOREIGN KEY (part_id) REFERENCES spare_parts (part_id)
);
CREATE TABLE labor_logs (
    log_id INTEGER PRIMARY KEY,
    work_order_id INTEGER NOT NULL,
    technician_id INTEGER NOT NULL,
    work_date TEXT NOT NULL,
    hours_worked REAL NOT NULL,
    FOREIGN KEY (work_order_id) REFERENCES work_orders (work_order_id),
    FOREIGN KEY (technician_id) REFERENCES technicians (technician_id)
);
