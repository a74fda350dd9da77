"""A hand-written text-to-SQL development set over realistic multi-table SQLite databases.

The demo trains on rows from ``sftflow.demo.sql_data``: two-table schemas, templated questions. This
set measures whether that training transfers to questions an analyst would ask of a real database:
five to fifteen tables joined by foreign-key chains, NULLs, dates and datetimes, and questions and
gold SQL written by hand (``questions.jsonl``). None of its domains is one the generator uses.

One module per database (``bike_share``, ``veterinary_clinic``, ``music_streaming``, ``hotel_bookings``,
``public_grants``, ``plant_maintenance``) makes its rows from one seeded ``random.Random``, with its schema
beside it in ``<db_id>.sql`` and the helpers they share in ``common``; ``build`` writes and fingerprints the
files, ``questions`` reads the questions and writes the dataset folder. The contents (and their fingerprint)
are the same on every machine, and the file bytes the same from build to build under one SQLite version.
"""

from .build import DATABASES, build_all, build_database
from .questions import QUESTIONS_PATH, load_questions, write_split

__all__ = ["DATABASES", "QUESTIONS_PATH", "build_all", "build_database", "load_questions", "write_split"]
