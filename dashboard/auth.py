"""The login gate: who is using the dashboard, and which pages their role may open.

Off by default (``make run`` on a laptop: one analyst, every page). With ``CONFLICTMAP_AUTH=users``
a sign-in form checks the users file (``conflictmap user add NAME --role editor``); with
``CONFLICTMAP_AUTH=oidc`` Streamlit's ``st.login`` signs in through the identity provider set in
``.streamlit/secrets.toml`` and the users file gives roles (unlisted people are viewers).

The entry script calls :func:`gate` before it builds the navigation and keeps only the pages that
:func:`allowed_pages` returns, so a viewer has no edit, review or import page to open, not even
by typing its URL.
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from geo import settings
from geo.team import auth
from geo.team.auth import User

SESSION_KEY = "conflictmap_user"

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
    if chosen == "off":
        user = local_user()
    else:
        path = users_file or settings.USERS_FILE
        user = _oidc_user(path) if chosen == "oidc" else _form_user(path)
        _signed_in_as(user, oidc=chosen == "oidc")
    st.session_state[SESSION_KEY] = user
    return user


def current_user() -> User | None:
    """Who this session's :func:`gate` let in: the name pages record in the audit log."""
    user = st.session_state.get(SESSION_KEY)
    return user if isinstance(user, User) else None


def _form_user(path: Path) -> User:
    user = st.session_state.get(SESSION_KEY)
    if isinstance(user, User):
        return user
    st.title("conflictmap")
    with st.form("sign_in"):
        name = st.text_input("User name", key="sign_in_name")
        password = st.text_input("Password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        found = auth.authenticate(auth.read_users(path), name, password)
        if found is not None:
            st.session_state[SESSION_KEY] = found
            st.rerun()
        # One message for a wrong name and a wrong password: the form does not tell who exists.
        st.error("Wrong user name or password.")
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
