"""Which account owns an S3 bucket: S3 ARNs name no account, yet a bucket policy decides in
its owner's account, cross-account callers need both sides, and an anonymous call acts as
the owner.

A bucket created through rolecall is recorded (table ``bucket_owners``) when CreateBucket
succeeds and forgotten when DeleteBucket succeeds. For a bucket made in the upstream some
other way, the upstream is asked as AWS would tell it: HeadBucket says whether the bucket
exists at all, and ListBuckets, which lists the buckets the signing account owns, is asked
in the caller's account first and then in each of rolecall's other accounts; the owner
found is recorded like a created one. (An upstream signed with credentials of its own has
no accounts to ask.) Answers are kept for a second (for changes made through another server
process); a bucket that exists but that none of rolecall's accounts owns is asked about
again only after half a minute.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import xml.etree.ElementTree as ElementTree
from urllib.parse import quote

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..store.db import Database
from ..store.tables import Account, BucketOwner
from .forward import Forwarder, UpstreamUnavailable
from .upstreams import Upstream

TTL_SECONDS = 1.0
UNOWNED_TTL_SECONDS = 30.0
# ListBuckets calls in flight at once while looking for an owner.
_SWEEP_BATCH = 16
_MAX_ENTRIES = 50_000
S3_REGION = "us-east-1"


class BucketOwners:
    def __init__(self, forwarder: Forwarder, db: Database) -> None:
        self._forwarder = forwarder
        self._db = db
        self._known: dict[str, tuple[float, str | None]] = {}

    async def owner(self, upstream: Upstream | None, bucket: str, caller: str,
                    now: dt.datetime) -> str | None:
        """The account owning ``bucket``, or None when it does not exist or no account of
        rolecall owns it. ``caller`` ("" when anonymous) is asked first."""
        cached = self._known.get(bucket)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        with self._db.transaction(write=False) as session:
            found = session.scalar(select(BucketOwner.account_id)
                                   .where(BucketOwner.bucket == bucket))
        ttl = TTL_SECONDS
        if found is None and upstream is not None:
            exists, found = await self._ask(upstream, bucket, caller, now)
            if found is not None:
                self.created(bucket, found, now)
            elif exists:
                ttl = UNOWNED_TTL_SECONDS
        self._remember(bucket, found, ttl)
        return found

    def created(self, bucket: str, account: str, now: dt.datetime) -> None:
        """Record the owner of a bucket that now exists (replacing one that was deleted
        elsewhere)."""
        for attempt in range(2):
            try:
                with self._db.transaction() as session:
                    row = session.get(BucketOwner, bucket)
                    if row is None:
                        session.add(BucketOwner(bucket=bucket, account_id=account,
                                                recorded_at=now))
                    else:
                        row.account_id, row.recorded_at = account, now
                break
            except IntegrityError:  # another process recorded it first: update theirs
                if attempt:
                    raise
        self._remember(bucket, account, TTL_SECONDS)

    def deleted(self, bucket: str) -> None:
        with self._db.transaction() as session:
            session.execute(delete(BucketOwner).where(BucketOwner.bucket == bucket))
        self._known.pop(bucket, None)

    def _remember(self, bucket: str, owner: str | None, ttl: float) -> None:
        if len(self._known) > _MAX_ENTRIES:
            self._known.clear()
        self._known[bucket] = (time.monotonic() + ttl, owner)

    async def _ask(self, upstream: Upstream, bucket: str, caller: str,
                   now: dt.datetime) -> tuple[bool, str | None]:
        """(whether the bucket exists, its owner among rolecall's accounts). An upstream
        with credentials of its own (``http://KEY:SECRET@host``) answers every account
        alike, so it cannot tell an owner."""
        if upstream.access_key_id:
            return False, None
        with self._db.transaction(write=False) as session:
            accounts = list(session.scalars(select(Account.id).order_by(Account.id)))
        candidates = [caller] if caller else []
        candidates += [a for a in accounts if a != caller]
        if not candidates:
            return False, None
        try:
            status, _ = await self._forwarder.fetch(
                upstream, account_id=candidates[0], signing_name="s3", region=S3_REGION,
                now=now, method="HEAD", raw_path="/" + quote(bucket), headers={})
            if status == 404:
                return False, None
            for start in range(0, len(candidates), _SWEEP_BATCH):
                batch = candidates[start:start + _SWEEP_BATCH]
                listed = await asyncio.gather(*(self._buckets(upstream, a, now) for a in batch))
                for account, names in zip(batch, listed, strict=True):
                    if bucket in names:
                        return True, account
        except (UpstreamUnavailable, ElementTree.ParseError):
            return False, None
        return True, None

    async def _buckets(self, upstream: Upstream, account: str, now: dt.datetime) -> set[str]:
        """The names ListBuckets answers in ``account``: the buckets it owns."""
        status, body = await self._forwarder.fetch(
            upstream, account_id=account, signing_name="s3", region=S3_REGION, now=now,
            method="GET", raw_path="/", headers={})
        if status != 200:
            return set()
        return {element.text or "" for element in ElementTree.fromstring(body).iter()
                if element.tag.rsplit("}", 1)[-1] == "Name"}
