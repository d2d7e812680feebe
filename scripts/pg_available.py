"""Exit 0 if a PostgreSQL server answers at the URL given, 1 otherwise (used by `make test`)."""

import sys

import dj_database_url
import psycopg

config = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        dbname=config["NAME"],
        password=config["PASSWORD"] or None,
        connect_timeout=3,
    ).close()
except psycopg.OperationalError:
    sys.exit(1)
