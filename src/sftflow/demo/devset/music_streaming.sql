CREATE TABLE record_labels (
    label_id INTEGER PRIMARY KEY,
    label_name TEXT NOT NULL,
    country TEXT NOT NULL,
    founded_year INTEGER NOT NULL,
    payout_per_stream_usd REAL NOT NULL
);
CREATE TABLE artists (
    artist_id INTEGER PRIMARY KEY,
    artist_name TEXT NOT NULL,
    label_id INTEGER,
    country TEXT NOT NULL,
    primary_genre TEXT NOT NULL,
    formed_year INTEGER NOT NULL,
    FOREIGN KEY (label_id) REFERENCES record_labels (label_id)
);
CREATE TABLE albums (
    album_id INTEGER PRIMARY KEY,
    artist_id INTEGER NOT NULL,
    album_title TEXT NOT NULL,
    album_type TEXT NOT NULL,
    release_date TEXT NOT NULL,
    FOREIGN KEY (artist_id) REFERENCES artists (artist_id)
);
CREATE TABLE tracks (
    track_id INTEGER PRIMARY KEY,
    album_id INTEGER NOT NULL,
    track_title TEXT NOT NULL,
    track_number INTEGER NOT NULL,
    duration_seconds INTEGER NOT NULL,
    is_explicit INTEGER NOT NULL,
    bpm INTEGER,
    FOREIGN KEY (album_id) REFERENCES albums (album_id)
);
CREATE TABLE users (
    user_id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    country TEXT NOT NULL,
    subscription_tier TEXT NOT NULL,
    birth_year INTEGER,
    signup_date TEXT NOT NULL
);
CREATE TABLE playlists (
    playlist_id INTEGER PRIMARY KEY,
    owner_user_id INTEGER NOT NULL,
    playlist_name TEXT NOT NULL,
    is_public INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    FOREIGN KEY (owner_user_id) REFERENCES users (user_id)
);
CREATE TABLE playlist_tracks (
    playlist_id INTEGER NOT NULL,
    track_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (playlist_id, track_id),
    FOREIGN KEY (playlist_id) REFERENCES playlists (playlist_id),
    FOREIGN KEY (track_id) REFERENCES tracks (track_id)
);
CREATE TABLE streams (
    stream_id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    track_id INTEGER NOT NULL,
    streamed_at TEXT NOT NULL,
    seconds_played INTEGER NOT NULL,
    device_type TEXT NOT NULL,
    was_skipped INTEGER NOT NULL,
    FOREIGN KEY (user_id) REFERENCES users (user_id),
    FOREIGN KEY (track_id) REFERENCES tracks (track_id)
);
CREATE TABLE artist_follows (
    user_id INTEGER NOT NULL,
    artist_id INTEGER NOT NULL,
    followed_at TEXT NOT NULL,
    PRIMARY KEY (user_id, artist_id),
    FOREIGN KEY (user_id) REFERENCES users (user_id),
    FOREIGN KEY (artist_id) REFERENCES artists (artist_id)
);
