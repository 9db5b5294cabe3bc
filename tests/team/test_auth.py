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


# --- rights taken away while signed in ------------------------------------------------------------
def add_draft(event_id: str = "D-1") -> None:
    from conftest import make_events

    from geo import settings
    from geo.store import GeoPackageStore

    GeoPackageStore(settings.STORE_PATH).add(make_events(1, event_id=event_id, status="draft"))


def stored_status(event_id: str = "D-1") -> str:
    from geo import settings
    from geo.store import GeoPackageStore

    events = GeoPackageStore(settings.STORE_PATH).load()
    return events.loc[events["event_id"] == event_id, "status"].iloc[0]


def errors(at: AppTest) -> list[str]:
    """The error boxes as the analyst reads them (Markdown escapes taken off)."""
    return [e.value.replace("\\", "") for e in at.error]


def test_an_editor_demoted_to_viewer_cannot_reject_from_a_review_page_left_open(
    team_dashboard: Path,
) -> None:
    add_draft()
    at = signed_in_app("amal", "s3cret")
    at.switch_page("views/review.py").run()
    # Meanwhile, on the server: conflictmap user add amal --role viewer
    auth.add_user(team_dashboard, "amal", role="viewer", password="s3cret")
    at.button(key="reject_D-1").click().run()
    assert not at.exception
    assert stored_status() == "draft"
    assert errors(at) == [
        "amal is now a viewer in the users file, and a viewer cannot review drafts: nothing was "
        "saved; ask an editor, or ask whoever runs the server for the editor role again"
    ]
    assert "Signed in as **amal** (viewer)" in at.sidebar.caption[0].value


def test_an_editor_deleted_from_the_users_file_cannot_accept_and_is_signed_out(
    team_dashboard: Path,
) -> None:
    add_draft()
    at = signed_in_app("amal", "s3cret")
    at.switch_page("views/review.py").run()
    accounts = auth.read_users(team_dashboard)
    del accounts["amal"]
    auth.write_users(team_dashboard, accounts)
    at.button(key="accept_D-1").click().run()
    assert not at.exception
    assert stored_status() == "draft"
    assert errors(at) == [
        "amal is no longer in the users file, so nothing was saved: sign in again, or ask "
        "whoever runs the server to add you back"
    ]
    assert at.text_input(key="sign_in_password")  # the sign-in form again


def test_an_editor_demoted_while_editing_cannot_save(team_dashboard: Path) -> None:
    at = signed_in_app("amal", "s3cret")
    at.switch_page("views/edit.py").run()
    at.selectbox(key="edit_choice").select("T-1").run()
    at.text_input(key="e_location").input("Changed")
    auth.add_user(team_dashboard, "amal", role="viewer", password="s3cret")
    [save] = [b for b in at.button if b.label == "Save changes"]
    save.click().run()
    assert not at.exception
    assert "a viewer cannot edit events: nothing was saved" in errors(at)[0]
    from geo import settings
    from geo.store import GeoPackageStore

    events = GeoPackageStore(settings.STORE_PATH).load()
    assert "Changed" not in set(events["location"])


# --- controls a role cannot use -----------------------------------------------------------------------
def test_a_viewer_is_not_offered_edit_this_event(team_dashboard: Path) -> None:
    at = signed_in_app("vera", "pa55")
    at.switch_page("views/events.py").run()
    at.session_state["events_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception
    assert not [b for b in at.button if b.label == "Edit this event"]
    editor = signed_in_app("amal", "s3cret")
    editor.switch_page("views/events.py").run()
    editor.session_state["events_table"] = {"selection": {"rows": [0], "columns": []}}
    editor.run()
    assert [b.label for b in editor.button if b.label == "Edit this event"] == ["Edit this event"]


# --- sign-in throttle ---------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_repeated_wrong_passwords_are_slowed_down_for_that_user(users_file: Path) -> None:
    clock = Clock()
    throttle = auth.SignInThrottle(clock=clock)
    accounts = auth.read_users(users_file)
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(AuthError, match="Wrong user name or password"):
            auth.sign_in(accounts, "amal", "guess", address="10.0.0.9", throttle=throttle)
    # The right password now waits too: the guesser cannot tell a hit from the throttle.
    with pytest.raises(AuthError, match=r"Too many failed sign-ins .*: wait 1 s and try again"):
        auth.sign_in(accounts, "amal", "s3cret", address="10.0.0.7", throttle=throttle)
    clock.now += 1.5
    with pytest.raises(AuthError, match="Wrong user name or password"):
        auth.sign_in(accounts, "amal", "guess2", address="10.0.0.7", throttle=throttle)
    with pytest.raises(AuthError, match="wait 2 s"):  # each failure doubles the wait
        auth.sign_in(accounts, "amal", "s3cret", address="10.0.0.7", throttle=throttle)
    # Another user is not held up by amal's guesser (from another address) ...
    assert auth.sign_in(accounts, "vera", "pa55", address="10.0.0.8", throttle=throttle).name
    clock.now += 2.5
    assert auth.sign_in(accounts, "amal", "s3cret", address="10.0.0.7", throttle=throttle).name
    # ... and a success clears the count.
    assert throttle.wait("amal", "10.0.0.7") == 0


def test_one_address_trying_many_names_is_slowed_down(users_file: Path) -> None:
    clock = Clock()
    throttle = auth.SignInThrottle(clock=clock)
    accounts = auth.read_users(users_file)
    for name in ("root", "admin", "test"):
        with pytest.raises(AuthError, match="Wrong user name or password"):
            auth.sign_in(accounts, name, "guess", address="203.0.113.5", throttle=throttle)
    with pytest.raises(AuthError, match="Too many failed sign-ins"):
        auth.sign_in(accounts, "vera", "pa55", address="203.0.113.5", throttle=throttle)


def test_the_sign_in_form_says_how_long_to_wait_after_many_failures(users_file: Path) -> None:
    auth.THROTTLE.succeeded("amal", None)
    at = AppTest.from_function(_gated_app, args=(str(users_file),), default_timeout=30)
    at.run()
    for attempt in range(auth.FREE_FAILURES + 1):
        at.text_input(key="sign_in_name").input("amal")
        at.text_input(key="sign_in_password").input(f"guess{attempt}")
        at.button[0].click()
        at.run()
    assert "Too many failed sign-ins" in at.error[0].value
    auth.THROTTLE.succeeded("amal", None)
