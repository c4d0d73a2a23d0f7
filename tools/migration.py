"""Write a new Alembic revision from the difference between the migrations and tables.py.

Usage: python tools/migration.py "what changed" [--rev-id ID]
It upgrades a scratch SQLite database to head, then autogenerates against it.
"""

from __future__ import annotations

import argparse
import pathlib
import tempfile

from alembic import command
from alembic.config import Config

from rolecall.store.db import MIGRATIONS, Database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("message")
    parser.add_argument("--rev-id")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{pathlib.Path(scratch) / 'scratch.db'}"
        Database(url).migrate()
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("sqlalchemy.url", url)
        command.revision(config, message=args.message, autogenerate=True, rev_id=args.rev_id)


if __name__ == "__main__":
    main()
