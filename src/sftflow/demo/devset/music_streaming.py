"""music_streaming: a streaming service's catalogue and its 2024 listening log (schema: music_streaming.sql).

Chain: streams -> tracks -> albums -> artists -> record_labels. Popular artists and singles get most plays,
free users skip more, and nobody streams a track before its release.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .common import Rows, at, busy_hour, chronological, date, day_between, pick, stamp, unless

SEED = 303
# (label, country, founded, what the service pays the label per stream)
LABELS = (
    (1, "Northbound Records", "Canada", 1994, 0.0036),
    (2, "Saltwater Music", "Australia", 2003, 0.0031),
    (3, "Kettle Hill Recordings", "United Kingdom", 1988, 0.0042),
    (4, "Blue Hour Records", "United States", 2009, 0.0039),
    (5, "Fjordline", "Norway", 2012, 0.0028),
    (6, "Casa Sonora", "Mexico", 1999, 0.0025),
    (7, "Paper Moon Label", "Japan", 2015, 0.0033),
)
# (artist, country, genre, formed, label id or None for independents, popularity weight)
ARTISTS = (
    ("Nova Lights", "Canada", "Synthpop", 2012, 1, 9),
    ("The Velvet Orchard", "United Kingdom", "Indie Rock", 2006, 3, 7),
    ("Cedar & Smoke", "United States", "Folk", 2014, 4, 5),
    ("Marisol Vega", "Mexico", "Latin Pop", 2016, 6, 12),
    ("Kaito Arai", "Japan", "City Pop", 2018, 7, 4),
    ("Tidewater", "Australia", "Indie Rock", 2010, 2, 6),
    ("Lumen Drift", "Norway", "Electronic", 2013, 5, 8),
    ("Ruby Calloway", "United States", "R&B", 2015, 4, 9),
    ("Glass Harbor", "Canada", "Indie Rock", 2009, 1, 3),
    ("Dusty Meridian", "United States", "Country", 2001, None, 4),
    ("MC Oblique", "United Kingdom", "Hip Hop", 2017, 3, 8),
    ("Saffron Skies", "United Kingdom", "Electronic", 2019, None, 3),
    ("Los Faroles", "Mexico", "Latin Rock", 2004, 6, 5),
    ("Aurora Vale", "Norway", "Synthpop", 2020, 5, 6),
    ("Big Sur Collective", "United States", "Jazz", 1998, None, 2),
    ("Hollow Pines", "Canada", "Folk", 2011, None, 3),
    ("Yuna Mori", "Japan", "J-Pop", 2019, 7, 7),
    ("Brass Anchor", "Australia", "Funk", 2008, 2, 3),
    ("Deja Monroe", "United States", "Hip Hop", 2016, 4, 11),
    ("The Quiet Riots", "United Kingdom", "Punk", 2002, 3, 2),
    ("Solenne", "Canada", "R&B", 2021, 1, 5),
    ("Ocean Static", "Australia", "Electronic", 2015, None, 4),
    ("Paloma Reyes", "Mexico", "Latin Pop", 2012, 6, 6),
    ("Northern Choir", "Norway", "Folk", 2007, 5, 2),
    ("Neon Koi", "Japan", "Electronic", 2017, 7, 5),
    ("Jasper Quill", "United Kingdom", "Singer-Songwriter", 2013, None, 4),
    ("Lil Saguaro", "United States", "Hip Hop", 2020, None, 6),
    ("Amber Fields", "United States", "Country", 2010, 4, 5),
    ("The Midnight Ferns", "Canada", "Indie Rock", 2016, 1, 4),
    ("Coral Tongue", "Australia", "Punk", 2018, 2, 2),
    ("Vesper Lane", "United Kingdom", "Jazz", 2005, 3, 3),
    ("Tomoko Hayes", "United States", "Classical", 1995, None, 1),
    ("Selva Negra", "Mexico", "Electronic", 2014, None, 3),
    ("Frost & Fable", "Norway", "Indie Rock", 2011, 5, 3),
    ("Kid Lantern", "Australia", "Hip Hop", 2019, 2, 5),
    ("Ivy Bellamy", "United Kingdom", "Singer-Songwriter", 2017, 3, 6),
)
ALBUM_WORDS = (
    ("Midnight", "Golden", "Paper", "Electric", "Quiet", "Broken", "Silver", "Wild", "Hidden", "Burning",
     "Velvet", "Northern", "Endless", "Crimson", "Hollow", "Lucky", "Open", "Distant", "Slow", "Bright"),
    ("Harbor", "Satellites", "Orchard", "Avenue", "Horizons", "Echoes", "Gardens", "Machines", "Rivers",
     "Letters", "Mirrors", "Summer", "Static", "Tides", "Lanterns", "Highways", "Wolves", "Parade",
     "Signals", "Weather"))
TRACK_TITLES = (
    "Call Me Back", "Fever Dream", "Salt in the Air", "Neon Rain", "Paper Planes", "Slow Motion",
    "Last Train Home", "Gravity", "Wildfire", "Glass Heart", "Undertow", "Satellite", "Daybreak",
    "Heavy Water", "Blue Static", "Runaway", "Afterglow", "Concrete Roses", "Silver Lining",
    "Northern Lights", "Weightless", "Open Road", "Echo Park", "Cold Coffee", "Moonlit", "Tidal", "Fireflies",
    "Hurricane Season", "Velvet Sky", "Ghost Town", "Kaleidoscope", "Porch Light", "Borrowed Time",
    "Empty Rooms", "Sunday Morning", "Lost Signal", "Thunderbird", "Honey", "Wolves", "Half Asleep",
    "City of Glass", "Marigold", "Static Bloom", "Dust and Diamonds", "Low Tide", "Seventeen", "Overdrive",
    "Paperweight", "Mirage", "Small Hours", "Riverbed", "Comet", "Ember", "Holding Pattern", "Lighthouse",
    "Sweet Decay", "Airplane Mode", "Cinnamon", "Outlines", "Aftershock",
)
GENRE_SECONDS = {"Punk": (110, 200), "Hip Hop": (140, 260), "Classical": (240, 720), "Jazz": (230, 480),
                 "Electronic": (180, 400)}
GENRE_BPM = {"Punk": (150, 190), "Hip Hop": (80, 100), "Electronic": (118, 132), "Synthpop": (100, 125),
             "Folk": (70, 110), "Jazz": (90, 140), "Latin Pop": (90, 105), "Country": (80, 120)}
GENRE_EXPLICIT = {"Hip Hop": 0.7, "Punk": 0.4, "R&B": 0.2, "Indie Rock": 0.1}
USER_WORDS = ("river", "pixel", "maple", "echo", "lunar", "koala", "sonic", "cobalt", "velvet", "tango", "fern",
              "orbit", "rusty", "mango", "quartz", "nimbus", "otter", "jazzy", "solar", "kite")
PLAYLIST_NAMES = ("Morning Run", "Deep Focus", "Road Trip", "Rainy Day", "Sunday Brunch", "Gym Bangers",
                  "Late Night Drive", "Chill Vibes", "Throwbacks", "Study Session", "Dinner Party", "Summer 2024",
                  "Sad Songs", "Workout Mix", "Coffee Shop", "Party Starters", "Sleep", "Discoveries")
TIER_DEVICES = {"free": {"mobile": 60, "web": 25, "desktop": 15},
                "paid": {"mobile": 45, "desktop": 20, "smart speaker": 18, "web": 9, "car": 8}}


@dataclass(frozen=True)
class _Catalogue:
    albums: list[tuple]
    tracks: list[tuple]
    weights: list[float]  # how often each track is played
    released: list[str]  # each track's release date


@dataclass(frozen=True)
class _Audience:
    users: list[tuple]
    activity: list[float]  # how much each user listens

    def someone(self, rng: random.Random) -> tuple:
        return rng.choices(self.users, weights=self.activity)[0]


def _albums(rng: random.Random, artists: list[tuple]) -> list[list]:
    """Albums in release order, numbered so: catalogue ids follow the calendar."""
    titles = rng.sample([f"{a} {b}" for a in ALBUM_WORDS[0] for b in ALBUM_WORDS[1]], 150)
    albums = []
    for artist_id, _, _, _, _, formed in artists:
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            kind = pick(rng, {"studio": 65, "EP": 20, "live": 8, "compilation": 7})
            released = day_between(rng, dt.date(max(formed + 1, 2005), 1, 1), date("2024-11-29"))
            albums.append([0, artist_id, titles.pop(), kind, released.isoformat()])
    albums.sort(key=lambda a: (a[4], a[1]))
    for album_id, album in enumerate(albums, 1):
        album[0] = album_id
    return albums


def _album_tracks(rng: random.Random, album: list, genre: str, popularity: int, tracks: list[tuple],
                  weights: list[float]) -> None:
    n = {"EP": (4, 6), "studio": (8, 13), "live": (10, 15), "compilation": (12, 16)}[album[3]]
    for number in range(1, rng.randint(*n) + 1):
        low, high = GENRE_SECONDS.get(genre, (170, 300))
        bpm = None
        if genre != "Classical" and rng.random() >= 0.15:  # tempo is not tagged for every track
            bpm = rng.randint(*GENRE_BPM.get(genre, (85, 128)))
        tracks.append((len(tracks) + 1, album[0], rng.choice(TRACK_TITLES), number, rng.randint(low, high),
                       int(rng.random() < GENRE_EXPLICIT.get(genre, 0.03)), bpm))
        # the first tracks of an album are its singles and get played most
        weights.append(popularity * rng.lognormvariate(0, 0.8) * (2.5 if number <= 2 else 1.0))


def _catalogue(rng: random.Random, artists: list[tuple]) -> _Catalogue:
    albums = _albums(rng, artists)
    tracks, weights = [], []
    for album in albums:
        _album_tracks(rng, album, artists[album[1] - 1][4], ARTISTS[album[1] - 1][5], tracks, weights)
    albums = [tuple(a) for a in albums]
    return _Catalogue(albums, tracks, weights, [albums[t[1] - 1][4] for t in tracks])


def _audience(rng: random.Random) -> _Audience:
    users, activity = [], []
    names = rng.sample([f"{a}_{b}" for a in USER_WORDS for b in USER_WORDS if a != b], 300)
    for user_id, handle in enumerate(names, 1):
        country = pick(rng, {"United States": 30, "United Kingdom": 15, "Canada": 12, "Mexico": 12,
                             "Australia": 10, "Japan": 8, "Germany": 8, "Norway": 5})
        tier = pick(rng, {"free": 45, "premium": 30, "family": 10, "student": 15})
        birth = unless(rng, 0.2, rng.randint, 1960, 2008)
        signup = day_between(rng, date("2019-01-01"), date("2024-11-30")).isoformat()
        users.append((user_id, f"{handle}{rng.randint(1, 99)}", country, tier, birth, signup))
        activity.append(rng.lognormvariate(0, 1.0))
    return _Audience(users, activity)


def _stream(rng: random.Random, cat: _Catalogue, audience: _Audience) -> tuple:
    user = audience.someone(rng)
    day = day_between(rng, max(date(user[5]), date("2024-01-01")), date("2024-12-31"))
    track = rng.choices(cat.tracks, weights=cat.weights)[0]
    while cat.released[track[0] - 1] > day.isoformat():  # nobody streams an unreleased track
        track = rng.choices(cat.tracks, weights=cat.weights)[0]
    moment = at(rng, day, busy_hour(rng), seconds=True)
    skipped = rng.random() < (0.28 if user[3] == "free" else 0.18)
    if skipped:
        played = rng.randint(3, 30)
    else:
        played = track[4] if rng.random() < 0.7 else rng.randint(track[4] // 2, track[4])
    device = pick(rng, TIER_DEVICES["free" if user[3] == "free" else "paid"])
    return (0, user[0], track[0], stamp(moment), played, device, int(skipped))


def _playlist_tracks(rng: random.Random, cat: _Catalogue, playlist_id: int, created: dt.datetime) -> list[tuple]:
    """4-22 draws of popular tracks (repeats collapse), each added after both the playlist and its release."""
    chosen = set()
    for _ in range(rng.randint(4, 22)):
        chosen.add(rng.choices(range(len(cat.tracks)), weights=cat.weights)[0])
    added = []
    for index in chosen:
        first = max(created.date(), date(cat.released[index]))
        day = day_between(rng, first, max(first, date("2024-12-31")))
        added.append((stamp(at(rng, day, rng.randint(0, 23))), index + 1))
    return [(playlist_id, track_id, position, when) for position, (when, track_id) in enumerate(sorted(added), 1)]


def _playlists(rng: random.Random, cat: _Catalogue, audience: _Audience) -> tuple[list[tuple], list[tuple]]:
    playlists, playlist_tracks = [], []
    for playlist_id in range(1, 111):
        owner = audience.someone(rng)
        while owner[5] > "2024-10-31":  # only accounts older than the playlist
            owner = audience.someone(rng)
        day = day_between(rng, max(date(owner[5]), date("2020-01-01")), date("2024-10-31"))
        created = at(rng, day, rng.randint(7, 23), seconds=True)
        name = rng.choice(PLAYLIST_NAMES)
        playlists.append((playlist_id, owner[0], name, int(rng.random() < 0.65), stamp(created)))
        playlist_tracks += _playlist_tracks(rng, cat, playlist_id, created)
    return playlists, playlist_tracks


def _follows(rng: random.Random, audience: _Audience) -> list[tuple]:
    follows, seen = [], set()
    artist_weight = [a[5] for a in ARTISTS]
    while len(follows) < 700:
        user = audience.someone(rng)
        artist_id = rng.choices(range(1, len(ARTISTS) + 1), weights=artist_weight)[0]
        if (user[0], artist_id) in seen:
            continue
        seen.add((user[0], artist_id))
        day = day_between(rng, date(user[5]), date("2024-12-31"))
        follows.append((user[0], artist_id, stamp(at(rng, day, rng.randint(0, 23)))))
    return sorted(follows)


def rows(rng: random.Random) -> Rows:
    artists = [(i, name, label, country, genre, formed)
               for i, (name, country, genre, formed, label, _) in enumerate(ARTISTS, 1)]
    cat = _catalogue(rng, artists)
    audience = _audience(rng)
    streams = chronological([_stream(rng, cat, audience) for _ in range(2200)], 3)
    playlists, playlist_tracks = _playlists(rng, cat, audience)
    return {"record_labels": list(LABELS), "artists": artists, "albums": cat.albums, "tracks": cat.tracks,
            "users": audience.users, "playlists": playlists, "playlist_tracks": playlist_tracks, "streams": streams,
            "artist_follows": _follows(rng, audience)}
