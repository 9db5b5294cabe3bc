"""Login for a shared dashboard: password hashes, the users file, roles and the pages they open."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard.auth import allowed_pages, pages_for
from geo.team import auth
from geo.team.auth import AuthError, User


# --- hashes -----------------------------------------------------------------------------------------
def test_a_password_is_stored_salted_and_never_in_plain_text() -> None:
    first, second = auth.hash_password("zaytun 1234"), auth.hash_password("zaytun 1234")
    assert "zaytun" not in first
    assert first != second  # a salt of its own: equal passwords do not look equal
    assert auth.verify_password("zaytun 1234", first)
    assert auth.verify_password("zaytun 1234", second)


@pytest.mark.parametrize("attempt", ["zaytun 123", "Zaytun 1234", "", "zaytun 1234 "])
def test_a_wrong_password_does_not_verify(attempt: str) -> None:
    assert not auth.verify_password(attempt, auth.hash_password("zaytun 1234"))


@pytest.mark.parametrize("stored", ["zaytun 1234", "scrypt$x$8$1$a$b", "", "md5$abc"])
def test_a_plain_or_damaged_hash_never_verifies(stored: str) -> None:
    assert not auth.verify_password("zaytun 1234", stored)


def test_an_empty_password_is_refused() -> None:
    with pytest.raises(AuthError, match="cannot be empty"):
        auth.hash_password("")


# --- the users file -----------------------------------------------------------------------------
def test_the_users_file_keeps_roles_and_hashes_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    assert auth.add_user(path, "amal", role="editor", password="s3cret-amal") is True
    assert auth.add_user(path, "bilal@example.org", role="viewer", password=None) is True
    text = path.read_text(encoding="utf-8")
    assert "s3cret-amal" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    accounts = auth.read_users(path)
    assert {a.name: a.role for a in accounts.values()} == {
        "amal": "editor",
        "bilal@example.org": "viewer",
    }
    assert accounts["bilal@example.org"].password_hash is None


def test_adding_a_known_user_again_changes_role_and_password(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    auth.add_user(path, "amal", role="viewer", password="old")
    assert auth.add_user(path, "amal", role="editor", password="new") is False
    accounts = auth.read_users(path)
    assert accounts["amal"].role == "editor"
    assert auth.authenticate(accounts, "amal", "new") == User("amal", "editor")
    assert auth.authenticate(accounts, "amal", "old") is None


@pytest.mark.parametrize("name", ["", "a b", 'x"]\n[users.y', "-dash"])
def test_a_user_name_that_cannot_be_written_safely_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(AuthError, match="not a usable user name"):
        auth.add_user(tmp_path / "users.toml", name, role="editor", password="pw")


def test_a_users_file_with_an_unknown_role_names_the_user(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    path.write_text('[users.amal]\nrole = "admin"\n', encoding="utf-8")
    with pytest.raises(AuthError, match="user 'amal': role 'admin' is not one of viewer, editor"):
        auth.read_users(path)


def test_sign_in_needs_the_right_name_and_password(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    auth.add_user(path, "amal", role="editor", password="s3cret")
    auth.add_user(path, "oidc.only@example.org", role="editor", password=None)
    accounts = auth.read_users(path)
    assert auth.authenticate(accounts, "amal", "s3cret") == User("amal", "editor")
    assert auth.authenticate(accounts, "amal", "wrong") is None
    assert auth.authenticate(accounts, "nobody", "s3cret") is None
    # An identity-provider account has no password: it cannot sign in through the form.
    assert auth.authenticate(accounts, "oidc.only@example.org", "") is None
    assert auth.role_of(accounts, "oidc.only@example.org") == "editor"
    assert auth.role_of(accounts, "stranger@example.org") == "viewer"


@pytest.mark.parametrize(
    ("value", "mode"),
    [(None, "off"), ("", "off"), ("off", "off"), ("Users", "users"), ("oidc", "oidc")],
)
def test_login_is_off_unless_configured(value: str | None, mode: str) -> None:
    assert auth.auth_mode(value) == mode


def test_an_unknown_login_mode_is_explained() -> None:
    with pytest.raises(AuthError, match="CONFLICTMAP_AUTH='ldap' is not a login mode"):
        auth.auth_mode("ldap")


# --- roles and pages ----------------------------------------------------------------------------
def test_a_viewer_browses_and_exports_and_nothing_else() -> None:
    viewer = User("v", "viewer")
    assert viewer.can(auth.BROWSE) and viewer.can(auth.EXPORT)
    for permission in (auth.ADD, auth.REVIEW, auth.EDIT, auth.IMPORT):
        assert not viewer.can(permission)


def test_a_viewer_gets_no_edit_review_or_import_page() -> None:
    assert pages_for("viewer") == ["map", "events"]
    assert pages_for("editor") == ["map", "events", "review", "edit", "report", "import"]
    assert pages_for("intruder") == []


def test_a_page_without_a_permission_is_shown_to_nobody() -> None:
    class Page:
        def __init__(self, url_path: str) -> None:
            self.url_path = url_path

    pages = [Page(""), Page("events"), Page("edit"), Page("admin")]  # "": the default page
    assert [p.url_path for p in allowed_pages(pages, User("e", "editor"))] == ["", "events", "edit"]
    assert [p.url_path for p in allowed_pages(pages, User("v", "viewer"))] == ["", "events"]
    assert allowed_pages(pages, User("x", "intruder")) == []


# --- the sign-in form, headless -------------------------------------------------------------------
def _gated_app(users_file: str, mode: str = "users") -> None:
    from pathlib import Path

    import streamlit as st

    from dashboard.auth import gate, pages_for

    user = gate(mode=mode, users_file=Path(users_file))
    st.markdown(f"welcome {user.name}: {', '.join(pages_for(user.role))}")


@pytest.fixture
def users_file(tmp_path: Path) -> Path:
    path = tmp_path / "users.toml"
    auth.add_user(path, "amal", role="editor", password="s3cret")
    auth.add_user(path, "vera", role="viewer", password="pa55")
    return path


def sign_in(users_file: Path, name: str, password: str) -> AppTest:
    at = AppTest.from_function(_gated_app, args=(str(users_file),), default_timeout=30)
    at.run()
    assert not at.exception
    assert not at.markdown or "welcome" not in at.markdown[-1].value  # nothing before sign-in
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click()
    return at.run()


def test_the_form_signs_a_viewer_in_with_the_viewer_pages(users_file: Path) -> None:
    at = sign_in(users_file, "vera", "pa55")
    assert not at.exception
    assert at.markdown[-1].value == "welcome vera: map, events"
    assert "Signed in as **vera** (viewer)" in at.sidebar.caption[0].value


def test_the_form_refuses_a_wrong_password_without_saying_which_part_was_wrong(
    users_file: Path,
) -> None:
    at = sign_in(users_file, "amal", "guess")
    assert [e.value for e in at.error] == ["Wrong user name or password."]
    assert not any("welcome" in m.value for m in at.markdown)
    unknown = sign_in(users_file, "nobody", "guess")
    assert [e.value for e in unknown.error] == ["Wrong user name or password."]


def oidc_app(users_file: Path, *, user: dict | None, secrets: bool = True) -> AppTest:
    at = AppTest.from_function(_gated_app, args=(str(users_file), "oidc"), default_timeout=30)
    if secrets:
        at.secrets["auth"] = {
            "redirect_uri": "http://localhost:8501/oauth2callback",
            "cookie_secret": "test-cookie-secret",
            "client_id": "conflictmap",
            "client_secret": "test-client-secret",
            "server_metadata_url": "https://idp.example.org/.well-known/openid-configuration",
        }
    if user is not None:
        at.user = user
    return at.run()


def test_oidc_without_an_identity_provider_says_what_to_configure(users_file: Path) -> None:
    at = oidc_app(users_file, user=None, secrets=False)
    assert "add an [auth] section" in at.error[0].value
    assert not any("welcome" in m.value for m in at.markdown)


def test_oidc_asks_a_signed_out_visitor_to_sign_in(users_file: Path) -> None:
    at = oidc_app(users_file, user={"is_logged_in": False})
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not any("welcome" in m.value for m in at.markdown)


def test_oidc_roles_come_from_the_users_file_and_strangers_are_viewers(users_file: Path) -> None:
    auth.add_user(users_file, "amal@example.org", role="editor", password=None)
    listed = oidc_app(users_file, user={"is_logged_in": True, "email": "amal@example.org"})
    assert (
        listed.markdown[-1].value
        == "welcome amal@example.org: map, events, review, edit, report, import"
    )
    stranger = oidc_app(users_file, user={"is_logged_in": True, "email": "x@example.org"})
    assert stranger.markdown[-1].value == "welcome x@example.org: map, events"


# --- the dashboard itself, headless -----------------------------------------------------------------
APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture
def team_dashboard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The dashboard with login on, over a small store; returns the users file."""
    from conftest import make_events

    from geo import settings
    from geo.store import GeoPackageStore

    store = tmp_path / "team.gpkg"
    GeoPackageStore(store).add(make_events(3))
    users = tmp_path / "users.toml"
    auth.add_user(users, "amal", role="editor", password="s3cret")
    auth.add_user(users, "vera", role="viewer", password="pa55")
    monkeypatch.setattr(settings, "STORE_PATH", store)
    monkeypatch.setattr(settings, "DATABASE_URL", None)
    monkeypatch.setattr(settings, "AUTH", "users")
    monkeypatch.setattr(settings, "USERS_FILE", users)
    return users


def signed_in_app(name: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click()
    at.run()
    assert not at.exception
    return at


def test_the_dashboard_shows_nothing_before_sign_in(team_dashboard: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.text_input(key="sign_in_password")
    assert not any("events match" in m.value for m in at.sidebar.markdown)
    assert not at.dataframe and not at.get("download_button")


@pytest.mark.parametrize(
    "page", ["views/edit.py", "views/review.py", "views/report.py", "views/imports.py"]
)
def test_a_viewer_cannot_reach_the_edit_review_or_import_page(
    team_dashboard: Path, page: str
) -> None:
    at = signed_in_app("vera", "pa55")
    assert any("events match" in m.value for m in at.sidebar.markdown)  # browsing works
    at.switch_page("views/events.py").run()  # and the events page, with its exports
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)


def test_an_editor_reaches_the_edit_page(team_dashboard: Path) -> None:
    at = signed_in_app("amal", "s3cret")
    at.switch_page("views/edit.py").run()
    assert not at.exception
    assert "Signed in as **amal** (editor)" in at.sidebar.caption[0].value
