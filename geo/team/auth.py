"""Who may do what: roles, and the configured-users file with password hashes.

Two roles. A *viewer* browses and exports; an *editor* also adds, reviews, edits and imports.
Authentication itself is the dashboard's (a login form, or OIDC through Streamlit's ``st.login``);
this module holds only what does not need a browser, so the CLI and the tests use it too.

The users file (``CONFLICTMAP_USERS``, TOML) lists one table per user::

    [users."amal"]
    role = "editor"
    password = "scrypt$16384$8$1$<salt>$<hash>"

    [users."bilal@example.org"]   # an OIDC user: a role, no password
    role = "viewer"

Passwords are kept only as salted scrypt hashes (``conflictmap user add NAME --role editor`` writes
one) and compared in constant time. Under OIDC a user the file does not list is a viewer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import os
import re
import secrets
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from geo.errors import ConflictmapError

Role = Literal["viewer", "editor"]
VIEWER: Role = "viewer"
EDITOR: Role = "editor"
ROLES: tuple[Role, ...] = (VIEWER, EDITOR)

BROWSE = "browse"
EXPORT = "export"
ADD = "add"
REVIEW = "review"
EDIT = "edit"
IMPORT = "import"
PERMISSIONS: dict[Role, frozenset[str]] = {
    VIEWER: frozenset({BROWSE, EXPORT}),
    EDITOR: frozenset({BROWSE, EXPORT, ADD, REVIEW, EDIT, IMPORT}),
}

AuthMode = Literal["off", "users", "oidc"]
AUTH_MODES: tuple[AuthMode, ...] = ("off", "users", "oidc")

# scrypt at n=2**14, r=8 costs 16 MiB and some 50 ms per check: slow for a guesser, fine for a login.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}")


class AuthError(ConflictmapError):
    """A users file or a user entry that cannot be used, said with the fix."""


class RightsRevoked(AuthError):
    """A signed-in user whose role, as the users file says now, no longer allows what they did."""


@dataclass(frozen=True)
class User:
    """Someone signed in (or the laptop's single user when login is off)."""

    name: str
    role: Role

    def can(self, permission: str) -> bool:
        return can(self.role, permission)


# What each permission lets a user do, for messages ("viewers cannot review").
_DOING = {
    BROWSE: "browse",
    EXPORT: "export",
    ADD: "add events",
    REVIEW: "review drafts",
    EDIT: "edit events",
    IMPORT: "import files",
}


def can(role: str, permission: str) -> bool:
    """Whether ``role`` may do ``permission`` (browse, export, add, review, edit, import)."""
    return permission in PERMISSIONS.get(role, frozenset())  # type: ignore[call-overload]


def auth_mode(value: str | None) -> AuthMode:
    """The login mode from CONFLICTMAP_AUTH: unset or "off" is no login (a laptop)."""
    text = (value or "off").strip().lower()
    if text in ("", "0", "no", "false", "none"):
        return "off"
    if text not in AUTH_MODES:
        raise AuthError(f"CONFLICTMAP_AUTH={value!r} is not a login mode; use off, users or oidc")
    return text  # type: ignore[return-value]


# --- password hashes ------------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password`` as one printable string, safe to store."""
    if not password:
        raise AuthError("a password cannot be empty")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a hash from :func:`hash_password`; compared in constant time."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt, validate=True),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# A hash to check against when the name is unknown, so that a wrong name takes as long as a wrong
# password and the login form does not tell which names exist.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


# --- the users file -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Account:
    """One entry of the users file."""

    name: str
    role: Role
    password_hash: str | None = None


def read_users(path: Path) -> dict[str, Account]:
    """The accounts in a users file; a missing file is an empty list."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AuthError(f"{path} is not a readable users file (TOML): {exc}") from exc
    accounts: dict[str, Account] = {}
    for name, entry in (data.get("users") or {}).items():
        role = entry.get("role") if isinstance(entry, dict) else None
        if role not in ROLES:
            raise AuthError(
                f"{path}, user {name!r}: role {role!r} is not one of {', '.join(ROLES)}"
            )
        accounts[name] = Account(name, role, entry.get("password"))
    return accounts


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def write_users(path: Path, accounts: dict[str, Account]) -> None:
    """Write the users file whole, readable by its owner only, replacing the old one at once."""
    lines = ["# conflictmap users: `conflictmap user add NAME --role editor` edits this file.", ""]
    for account in sorted(accounts.values(), key=lambda a: a.name):
        lines.append(f"[users.{_toml_string(account.name)}]")
        lines.append(f"role = {_toml_string(account.role)}")
        if account.password_hash:
            lines.append(f"password = {_toml_string(account.password_hash)}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write("\n".join(lines))
    os.replace(tmp, path)


def add_user(path: Path, name: str, *, role: Role, password: str | None) -> bool:
    """Add or change one user in the users file; True when the name is new.

    ``password`` None makes an OIDC user (signs in through the identity provider, no password).
    """
    if not _NAME.fullmatch(name):
        raise AuthError(
            f"{name!r} is not a usable user name: letters, digits and . _ @ + - (at most 128)"
        )
    if role not in ROLES:
        raise AuthError(f"role {role!r} is not one of {', '.join(ROLES)}")
    accounts = read_users(path)
    new = name not in accounts
    accounts[name] = Account(name, role, hash_password(password) if password is not None else None)
    write_users(path, accounts)
    return new


def authenticate(accounts: dict[str, Account], name: str, password: str) -> User | None:
    """The user when ``name`` and ``password`` match an account with a password, else None."""
    account = accounts.get(name.strip())
    stored = account.password_hash if account and account.password_hash else _DUMMY_HASH
    ok = verify_password(password, stored)
    if account is None or not account.password_hash or not ok:
        return None
    return User(account.name, account.role)


def role_of(accounts: dict[str, Account], name: str) -> Role:
    """The role of an identity-provider user: the file's, else viewer."""
    account = accounts.get(name)
    return account.role if account else VIEWER


def user_now(accounts: dict[str, Account], user: User, *, oidc: bool = False) -> User:
    """``user`` with the role the users file gives them now; RightsRevoked if it lists them no more.

    An identity-provider user the file does not list is a viewer, as at sign-in.
    """
    account = accounts.get(user.name)
    if account is not None:
        return User(user.name, account.role)
    if oidc:
        return User(user.name, VIEWER)
    raise RightsRevoked(
        f"{user.name} is no longer in the users file, so nothing was saved: sign in again, or "
        "ask whoever runs the server to add you back"
    )


def check_rights(
    accounts: dict[str, Account], user: User, permission: str, *, oidc: bool = False
) -> User:
    """The user as the users file has them now, if they may still do ``permission``.

    Called on every write, not only at sign-in: an editor demoted to viewer (or removed) while
    signed in cannot save, accept or reject from a page that was open before.
    """
    now = user_now(accounts, user, oidc=oidc)
    if not now.can(permission):
        raise RightsRevoked(
            f"{user.name} is now a {now.role} in the users file, and a {now.role} cannot "
            f"{_DOING.get(permission, permission)}: nothing was saved; ask an editor, or ask "
            "whoever runs the server for the editor role again"
        )
    return now


# --- sign-in throttle ------------------------------------------------------------------------------
FREE_FAILURES = 3  # typing slips cost nothing; after these, each failure doubles the wait
MAX_DELAY_S = 15 * 60.0


@dataclass
class SignInThrottle:
    """Repeated failed sign-ins slowed down, per user name and per network address.

    After :data:`FREE_FAILURES` failures in a row under a name (or from an address), the next try
    must wait 1 s, then 2, 4 ... up to :data:`MAX_DELAY_S`; a success clears the name's and the
    address's count. Held in the server process (each replica of ``conflictmap serve`` keeps its
    own), shared by every browser session of it.
    """

    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def _keys(name: str, address: str | None) -> list[str]:
        keys = [f"user:{name.strip().casefold()}"]
        return [*keys, f"address:{address}"] if address else keys

    def wait(self, name: str, address: str | None) -> float:
        """Seconds until ``name`` (from ``address``) may try again; 0 when they may now."""
        now = self.clock()
        with self._lock:
            waits = [
                until - now
                for count, until in (
                    self._failures.get(k, (0, 0.0)) for k in self._keys(name, address)
                )
                if count >= FREE_FAILURES
            ]
        return max([0.0, *waits])

    def failed(self, name: str, address: str | None) -> None:
        now = self.clock()
        with self._lock:
            for key in self._keys(name, address):
                count = self._failures.get(key, (0, 0.0))[0] + 1
                delay = 0.0 if count < FREE_FAILURES else 2.0 ** (count - FREE_FAILURES)
                self._failures[key] = (count, now + min(delay, MAX_DELAY_S))

    def succeeded(self, name: str, address: str | None) -> None:
        with self._lock:
            for key in self._keys(name, address):
                self._failures.pop(key, None)


THROTTLE = SignInThrottle()


def sign_in(
    accounts: dict[str, Account],
    name: str,
    password: str,
    *,
    address: str | None = None,
    throttle: SignInThrottle = THROTTLE,
) -> User:
    """The user for a name and password, through the throttle; AuthError says why not.

    A wrong name and a wrong password get the same message, so the form does not tell which names
    exist; a throttled try is refused before the password is even checked.
    """
    wait = throttle.wait(name, address)
    if wait > 0:
        raise AuthError(
            f"Too many failed sign-ins for this user name or from this address: wait "
            f"{math.ceil(wait)} s and try again."
        )
    user = authenticate(accounts, name, password)
    if user is None:
        throttle.failed(name, address)
        raise AuthError("Wrong user name or password.")
    throttle.succeeded(name, address)
    return user
