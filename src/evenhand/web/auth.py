"""Editor accounts, sessions and API tokens.

* Passwords are hashed with argon2id (argon2-cffi's defaults, rehashed on login when those
  change); a failed lookup still runs one verification, so a wrong name and a wrong
  password take the same time.
* A session is a cookie signed with itsdangerous holding the user's id and
  ``session_version``; it is HttpOnly, SameSite=Lax, Secure (unless turned off for local
  HTTP) and expires after ``session_max_age_s``. Logging out bumps ``session_version``,
  which ends every session of that user.
* API tokens are ``eh_`` + 43 random URL-safe characters, shown once; only their SHA-256 is
  stored.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..errors import ConfigError, NotFoundError, StoreError
from ..store import Store
from .models import ApiToken, AuditEntry, User

__all__ = ["MIN_PASSWORD", "ROLES", "SESSION_COOKIE", "SessionSigner", "TokenInfo", "UserInfo",
           "add_user", "audit", "authenticate", "create_token", "end_sessions", "list_tokens",
           "list_users", "revoke_token", "user_by_id", "user_for_token"]

ROLES = ("editor", "admin")
MIN_PASSWORD = 10
SESSION_COOKIE = "eh_session"
TOKEN_PREFIX = "eh_"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
_hasher = PasswordHasher()
# verified against when the name is unknown, so that the answer takes as long either way
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: str
    active: bool
    session_version: int

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _now() -> datetime:
    return datetime.now(UTC)


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.name, user.role, user.active, user.session_version)


def audit(session: Any, action: str, *, user_id: int | None = None,
          target_type: str | None = None, target_id: int | None = None,
          **detail: Any) -> None:
    """Add an audit-log entry in the caller's transaction."""
    session.add(AuditEntry(at=_now(), user_id=user_id, action=action, target_type=target_type,
                           target_id=target_id, detail=detail))


def add_user(store: Store, name: str, password: str, role: str = "editor",
             actor_id: int | None = None) -> UserInfo:
    """Create an account. Raises ConfigError for a bad name, role or short password, or a
    name already taken."""
    if not _NAME.fullmatch(name):
        raise ConfigError(f"user name {name!r}: use 1-64 letters, digits, '_', '.', '@' or "
                          "'-', starting with a letter or digit")
    if role not in ROLES:
        raise ConfigError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"password for {name!r}: at least {MIN_PASSWORD} characters")
    try:
        with store.session(write=True) as s:
            if s.scalar(select(User.id).where(User.name == name)) is not None:
                raise ConfigError(f"user {name!r} already exists")
            user = User(name=name, role=role, password_hash=_hasher.hash(password),
                        session_version=1, active=True, created_at=_now())
            s.add(user)
            s.flush()
            audit(s, "user.add", user_id=actor_id, target_type="user", target_id=user.id,
                  name=name, role=role)
            return _info(user)
    except StoreError as exc:
        if isinstance(exc.__cause__, IntegrityError):
            raise ConfigError(f"user {name!r} already exists") from exc
        raise


def authenticate(store: Store, name: str, password: str) -> UserInfo | None:
    """The active user with this name and password, or None (the attempt is audited)."""
    with store.session(write=True) as s:
        user = s.scalar(select(User).where(User.name == name))
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
            ok = user is not None and user.active
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok or user is None:
            audit(s, "login.failed", user_id=user.id if user else None,
                  name=name[:64])
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.last_login_at = _now()
        audit(s, "login", user_id=user.id, target_type="user", target_id=user.id)
        return _info(user)


def user_by_id(store: Store, user_id: int) -> UserInfo | None:
    with store.session() as s:
        user = s.get(User, user_id)
        return _info(user) if user is not None else None


def list_users(store: Store) -> list[UserInfo]:
    with store.session() as s:
        return [_info(u) for u in s.scalars(select(User).order_by(User.name))]


def end_sessions(store: Store, user_id: int) -> None:
    """Log the user out everywhere: every session cookie issued so far stops working."""
    with store.session(write=True) as s:
        s.execute(update(User).where(User.id == user_id)
                  .values(session_version=User.session_version + 1))
        audit(s, "logout", user_id=user_id, target_type="user", target_id=user_id)


class SessionSigner:
    """Signs and reads session cookies."""

    def __init__(self, secret: str, max_age_s: int) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="evenhand-session")
        self.max_age_s = max_age_s

    def dumps(self, user: UserInfo) -> str:
        return self._signer.dumps({"u": user.id, "v": user.session_version})

    def user(self, store: Store, cookie: str | None) -> UserInfo | None:
        """The active user a valid, unexpired cookie names, else None."""
        if not cookie:
            return None
        try:
            data = self._signer.loads(cookie, max_age=self.max_age_s)
        except BadSignature:  # SignatureExpired included
            return None
        if not isinstance(data, dict) or not isinstance(data.get("u"), int):
            return None
        user = user_by_id(store, data["u"])
        if user is None or not user.active or user.session_version != data.get("v"):
            return None
        return user


# --- API tokens -----------------------------------------------------------------------------

def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, user_id: int, name: str) -> tuple[str, TokenInfo]:
    """A new token for the user: (the token, shown only now; its record)."""
    name = " ".join(name.split())[:100] or "token"
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.session(write=True) as s:
        if s.get(User, user_id) is None:
            raise NotFoundError(f"no user with id {user_id}")
        row = ApiToken(user_id=user_id, name=name, token_hash=_token_hash(token),
                       prefix=token[:10], created_at=_now())
        s.add(row)
        s.flush()
        audit(s, "token.create", user_id=user_id, target_type="api_token", target_id=row.id,
              name=name)
        return token, _token_info(row)


def _token_info(row: ApiToken) -> TokenInfo:
    return TokenInfo(row.id, row.user_id, row.name, row.prefix, row.created_at,
                     row.last_used_at, row.revoked_at)


def list_tokens(store: Store, user_id: int) -> list[TokenInfo]:
    with store.session() as s:
        rows = s.scalars(select(ApiToken).where(ApiToken.user_id == user_id)
                         .order_by(ApiToken.id.desc()))
        return [_token_info(r) for r in rows]


def revoke_token(store: Store, user_id: int, token_id: int) -> None:
    with store.session(write=True) as s:
        row = s.get(ApiToken, token_id)
        if row is None or row.user_id != user_id:
            raise NotFoundError(f"no API token {token_id} of this user")
        if row.revoked_at is None:
            row.revoked_at = _now()
            audit(s, "token.revoke", user_id=user_id, target_type="api_token",
                  target_id=token_id)


def user_for_token(store: Store, token: str) -> UserInfo | None:
    """The active user an unrevoked token belongs to, else None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = _token_hash(token)
    with store.session() as s:
        row = s.execute(select(ApiToken.id, ApiToken.last_used_at, User)
                        .join(User, User.id == ApiToken.user_id)
                        .where(ApiToken.token_hash == digest,
                               ApiToken.revoked_at.is_(None))).first()
        if row is None or not row[2].active:
            return None
        token_id, last_used, user = row
        info = _info(user)
    now = _now()
    # one write a minute at most per token, not one per request
    if last_used is None or aware(last_used) < now - timedelta(minutes=1):
        with store.session(write=True) as s:
            s.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    return info


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored in UTC): made aware, in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
