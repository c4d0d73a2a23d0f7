"""Accounts and their root users' access keys (the `rolecall accounts` commands)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from . import ids
from .auth.keys import ServerKeys
from .store.db import Database
from .store.tables import AccessKey, Account

# IAM allows two access keys per user, the root user included.
MAX_KEYS = 2


class AccountError(Exception):
    pass


def create_account(db: Database, account_id: str) -> dict[str, str]:
    """Create the account if needed and a root access key; return the key."""
    if len(account_id) != 12 or not account_id.isdigit():
        raise AccountError("An account id is 12 digits.")
    keys = ServerKeys.load(db)
    now = dt.datetime.now(dt.UTC)
    key_id, secret = ids.access_key_id(), ids.secret_access_key()
    with db.transaction() as session:
        if session.get(Account, account_id) is None:
            session.add(Account(id=account_id, created_at=now))
            session.flush()
        count = session.scalar(
            select(func.count()).select_from(AccessKey).where(
                AccessKey.account_id == account_id, AccessKey.user_id.is_(None)
            )
        )
        if count >= MAX_KEYS:
            raise AccountError(
                f"The root user of {account_id} already has {MAX_KEYS} access keys."
            )
        session.add(
            AccessKey(
                id=key_id,
                account_id=account_id,
                user_id=None,
                secret_encrypted=keys.encrypt(secret.encode()),
                status="Active",
                created_at=now,
            )
        )
    return {"AccountId": account_id, "AccessKeyId": key_id, "SecretAccessKey": secret}


def list_accounts(db: Database) -> list[dict[str, str]]:
    with db.transaction(write=False) as session:
        rows = session.scalars(select(Account).order_by(Account.id)).all()
        return [
            {"AccountId": a.id, "Alias": a.alias or "", "Created": a.created_at.isoformat()}
            for a in rows
        ]
