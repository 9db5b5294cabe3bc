"""The login gate: who is using the dashboard, and which pages their role may open.

Off by default (``make run`` on a laptop: one analyst, every page). With ``CONFLICTMAP_AUTH=users``
a sign-in form checks the users file (``conflictmap user add NAME --role editor``); with
``CONFLICTMAP_AUTH=oidc`` Streamlit's ``st.login`` signs in through the identity provider set in
``.streamlit/secrets.toml`` and the users file gives roles (unlisted people are viewers).

The entry script calls :func:`gate` before it builds the navigation and keeps only the pages that
:func:`allowed_pages` returns, so a viewer has no edit, review or import page to open, not even
by typing its URL. The role is read from the users file again on every run of the page, and
every write calls :func:`require` first, which reads it once more: an editor demoted or removed
while signed in loses the pages at their next click and cannot save from a page left open.
Failed sign-ins are slowed per user name and per address (``geo.team.auth.SignInThrottle``).
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.messages import plain
from geo import settings
from geo.team import auth
from geo.team.auth import User

SESSION_KEY = "conflictmap_user"
_LOGIN_KEY = "conflictmap_login"  # (mode, users file) as gate() was called, for require()
_REFUSED_KEY = "conflictmap_refused"  # why require() refused a write, shown by the next gate()
_SHOWN_KEY = "conflictmap_refused_shown"  # what this run's gate() showed, see carry_refusal()

# url_path of each page -> what it lets its user do.
PAGE_PERMISSIONS: dict[str, str] = {
    "map": auth.BROWSE,
    "events": auth.EXPORT,
    "review": auth.REVIEW,
    "edit": auth.EDIT,
    "report": auth.IMPORT,
    "import": auth.IMPORT,
}


def pages_for(role: str) -> list[str]:
    """The url paths of the pages ``role`` may open, in the navigation's order."""
    return [page for page, permission in PAGE_PERMISSIONS.items() if auth.can(role, permission)]


def allowed_pages(pages: Sequence[Any], user: User) -> list[Any]:
    """The ``st.Page`` objects among ``pages`` that ``user`` may open.

    A page this module does not know is refused: a new page must be given a permission above.
    """
    keep = set(pages_for(user.role))
    # Streamlit gives the default page the url_path "": it is where everyone lands, so it is a
    # browsing page whatever its name.
    return [
        page
        for page in pages
        if page.url_path in keep or (page.url_path == "" and user.can(auth.BROWSE))
    ]


def local_user() -> User:
    """The laptop's single analyst when login is off: every page, named as the OS account."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "local"
    return User(name, auth.EDITOR)


def gate(*, mode: str | None = None, users_file: Path | None = None) -> User:
    """The signed-in user; stops the script with a sign-in screen until there is one."""
    chosen = auth.auth_mode(settings.AUTH if mode is None else mode)
    path = users_file or settings.USERS_FILE
    st.session_state[_LOGIN_KEY] = (chosen, path)
    # A write refused by require() in a button's callback: said here, on whatever page the
    # reduced role now lands on (the page that had the button may be gone from the navigation).
    refused = st.session_state.pop(_REFUSED_KEY, None)
    st.session_state[_SHOWN_KEY] = refused
    if refused:
        st.error(plain(refused))
    if chosen == "off":
        user = local_user()
    else:
        user = _oidc_user(path) if chosen == "oidc" else _form_user(path, quiet=bool(refused))
        _signed_in_as(user, oidc=chosen == "oidc")
    st.session_state[SESSION_KEY] = user
    return user


def carry_refusal() -> None:
    """Say the refusal this run showed again on the next run: a page that redirects at once
    (the root, or where a reduced role lands when its page is gone) starts that run before the
    analyst could read it."""
    if shown := st.session_state.get(_SHOWN_KEY):
        st.session_state[_REFUSED_KEY] = shown


def require(permission: str) -> User:
    """The signed-in user, if the users file as it is now lets them do ``permission``.

    Every write calls this first (button callbacks run before the page does, so the page's own
    check is too late); :class:`~geo.team.auth.RightsRevoked` says, in a sentence, why not.
    """
    chosen, path = st.session_state.get(_LOGIN_KEY, (auth.auth_mode(settings.AUTH), None))
    user = current_user()
    if chosen == "off":
        return user or local_user()
    if user is None:
        raise auth.RightsRevoked("You are signed out: sign in again to save changes.")
    try:
        now = auth.check_rights(
            auth.read_users(path or settings.USERS_FILE), user, permission, oidc=chosen == "oidc"
        )
    except auth.RightsRevoked as exc:
        st.session_state[_REFUSED_KEY] = str(exc)
        raise
    st.session_state[SESSION_KEY] = now
    return now


def may(permission: str) -> bool:
    """Whether the user of this run may do ``permission``: controls they cannot use are not shown
    (the role was read from the users file at the start of the run, by :func:`gate`)."""
    user = current_user()
    return user is not None and user.can(permission)


def current_user() -> User | None:
    """Who this session's :func:`gate` let in: the name pages record in the audit log."""
    user = st.session_state.get(SESSION_KEY)
    return user if isinstance(user, User) else None


def _form_user(path: Path, *, quiet: bool = False) -> User:
    user = st.session_state.get(SESSION_KEY)
    if isinstance(user, User):
        try:
            # The role as the users file says now: a demoted editor keeps no editor page.
            return auth.user_now(auth.read_users(path), user)
        except auth.RightsRevoked as exc:
            st.session_state.pop(SESSION_KEY, None)
            if not quiet:
                st.warning(str(exc).replace(", so nothing was saved", ""))
    st.title("conflictmap")
    with st.form("sign_in"):
        name = st.text_input("User name", key="sign_in_name")
        password = st.text_input("Password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        try:
            found = auth.sign_in(
                auth.read_users(path), name, password, address=st.context.ip_address
            )
        except auth.AuthError as exc:
            # One message for a wrong name and a wrong password: the form does not tell who
            # exists; a throttled try says how long to wait.
            st.error(str(exc))
        else:
            st.session_state[SESSION_KEY] = found
            st.rerun()
    if not path.exists():
        st.info(
            f"No users file at {path}. Create a user with "
            "`conflictmap user add NAME --role editor` on the server."
        )
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the script run


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own error type
        return False


def _oidc_user(path: Path) -> User:
    if not _oidc_configured():
        st.error(
            "CONFLICTMAP_AUTH=oidc needs an identity provider: add an [auth] section "
            "(redirect_uri, cookie_secret, client_id, client_secret, server_metadata_url) to "
            ".streamlit/secrets.toml, or set CONFLICTMAP_AUTH=users."
        )
        st.stop()
    if not st.user.is_logged_in:
        st.title("conflictmap")
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    name = str(st.user.get("email") or st.user.get("name") or st.user.get("sub") or "")
    return User(name, auth.role_of(auth.read_users(path), name))


def _sign_out() -> None:
    st.session_state.pop(SESSION_KEY, None)


def _signed_in_as(user: User, *, oidc: bool) -> None:
    st.sidebar.caption(f"Signed in as **{user.name}** ({user.role})")
    st.sidebar.button("Sign out", key="sign_out", on_click=st.logout if oidc else _sign_out)
