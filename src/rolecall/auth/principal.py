"""Who is calling: the authenticated identity every handler and policy decision works from."""

from __future__ import annotations

from dataclasses import dataclass

from .session_tokens import SessionClaims

# CloudTrail userIdentity.type values.
ROOT = "Root"
IAM_USER = "IAMUser"
ASSUMED_ROLE = "AssumedRole"
FEDERATED_USER = "FederatedUser"
ANONYMOUS = "Anonymous"


@dataclass(frozen=True)
class Principal:
    account_id: str
    type: str
    arn: str
    principal_id: str  # the UserId GetCallerIdentity returns
    access_key_id: str | None
    user_id: str | None = None
    user_name: str | None = None
    user_path: str | None = None
    session: SessionClaims | None = None

    @property
    def is_root(self) -> bool:
        """The root user, with long-term keys or a root session."""
        return self.type == ROOT

    @property
    def role_arn(self) -> str | None:
        s = self.session
        if s is None or s.kind != "assumed-role":
            return None
        return f"arn:aws:iam::{s.account_id}:role{s.role_path or '/'}{s.role_name}"


def root(account_id: str, access_key_id: str | None, session: SessionClaims | None = None):
    return Principal(
        account_id=account_id,
        type=ROOT,
        arn=f"arn:aws:iam::{account_id}:root",
        principal_id=account_id,
        access_key_id=access_key_id,
        session=session,
    )


def iam_user(account_id: str, user_id: str, name: str, path: str, access_key_id: str | None,
             session: SessionClaims | None = None) -> Principal:
    return Principal(
        account_id=account_id,
        type=IAM_USER,
        arn=f"arn:aws:iam::{account_id}:user{path}{name}",
        principal_id=user_id,
        access_key_id=access_key_id,
        user_id=user_id,
        user_name=name,
        user_path=path,
        session=session,
    )


def from_session(claims: SessionClaims) -> Principal:
    """The principal a sealed session token stands for."""
    account = claims.account_id
    if claims.kind == "assumed-role":
        return Principal(
            account_id=account,
            type=ASSUMED_ROLE,
            arn=f"arn:aws:sts::{account}:assumed-role/{claims.role_name}/{claims.session_name}",
            principal_id=f"{claims.role_id}:{claims.session_name}",
            access_key_id=claims.access_key_id,
            session=claims,
        )
    if claims.kind == "federated-user":
        return Principal(
            account_id=account,
            type=FEDERATED_USER,
            arn=f"arn:aws:sts::{account}:federated-user/{claims.session_name}",
            principal_id=f"{account}:{claims.session_name}",
            access_key_id=claims.access_key_id,
            user_id=claims.user_id,
            user_name=claims.user_name,
            session=claims,
        )
    if claims.kind in ("root-session", "root-task"):
        return root(account, claims.access_key_id, claims)
    return iam_user(account, claims.user_id or "", claims.user_name or "",
                    claims.user_path or "/", claims.access_key_id, claims)
