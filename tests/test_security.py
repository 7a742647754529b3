"""Who may write: repeated failed logins are locked out, passwords must be strong, the public
pages are read-only, and nobody reaches the admin without being staff."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from policytrack.timeline.models import Instrument

from conftest import text

LOGIN = "/admin/login/?next=/admin/"


def attempt(client, password):
    return client.post(LOGIN, {"username": "bob", "password": password})


def test_five_failed_logins_lock_the_account_for_that_address(db, editor, client):
    for _ in range(4):
        assert attempt(client, "wrong-guess").status_code == 200  # the form again, with an error
    locked = attempt(client, "wrong-guess")
    assert locked.status_code == 429
    assert "Too many failed logins" in text(locked)
    assert "locked for an hour after 5 failed logins" in text(locked)
    # even the right password is refused while locked
    assert attempt(client, "editor-password-1").status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_count(db, editor, client):
    for _ in range(3):
        attempt(client, "wrong-guess")
    assert attempt(client, "editor-password-1").status_code == 302
    client.logout()
    for _ in range(3):
        assert attempt(client, "wrong-guess").status_code == 200


@pytest.mark.parametrize("password", ["short-1", "password1234", "123456789012", "bobbobbob-bob"])
def test_weak_passwords_are_refused(django_user_model, password):
    user = django_user_model(username="bobbobbob")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "editor1editor1", "policytrack2025", "qwertyuiop12"])
def test_long_but_guessable_passwords_are_refused(django_user_model, password):
    user = django_user_model(username="bobbobbob")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert "Your password is too guessable" in " ".join(refused.value.messages)


def test_a_strong_password_is_accepted(django_user_model):
    validate_password("plover-quartz-mandolin-1987", django_user_model(username="bobbobbob"))


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


@pytest.mark.parametrize(
    "address", ["/", "/instruments/", "/instruments/ai-diffusion-rule/", "/on/2025-05-20/", "/changes/"]
)
def test_public_pages_refuse_writes(demo, client, address):
    assert client.post(address, {"title": "x"}).status_code == 405


def test_anonymous_visitors_never_reach_the_admin(demo, client):
    response = client.get("/admin/timeline/instrument/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    change = reverse("admin:timeline_instrument_change", args=[demo.pk])
    posted = client.post(change, {"title": "Hijacked"})
    assert posted.status_code == 302 and posted["Location"].startswith("/admin/login/")
    assert Instrument.objects.get(pk=demo.pk).title == "Framework for Artificial Intelligence Diffusion"


def test_a_logged_in_reader_without_staff_rights_cannot_write(demo, client, analyst):
    client.force_login(analyst)
    change = reverse("admin:timeline_instrument_change", args=[demo.pk])
    response = client.post(change, {"title": "Hijacked"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert Instrument.objects.get(pk=demo.pk).title == "Framework for Artificial Intelligence Diffusion"


def test_no_public_page_or_feed_shows_a_login_name(demo, client, django_user_model):
    editor = django_user_model.objects.create_user("quiet-login-name", password="a long enough password", is_staff=True)
    event = demo.events.get(key="enforcement-suspended")
    event._history_user, event.note = editor, "Checked against the BIS statement."
    event.save()
    for address in [
        demo.get_absolute_url(),
        f"{demo.get_absolute_url()}?recorded=2099-01-01T00:00",
        "/api/instruments/ai-diffusion-rule/",
        "/api/instruments/ai-diffusion-rule/status/",
        "/api/changes/?from=2025-01-01&to=2025-12-31",
        "/feeds/changes.atom",
        "/instruments/ai-diffusion-rule/changes.atom",
        "/instruments/ai-diffusion-rule/calendar.ics",
    ]:
        response = client.get(address)
        assert response.status_code == 200, address
        assert "quiet-login-name" not in response.content.decode(), address
    assert "an editor" in text(client.get(demo.get_absolute_url()))


def behind_the_proxy(settings, monkeypatch):
    """Django's settings as settings.py sets them with DJANGO_BEHIND_PROXY=true."""
    import runpy

    from conftest import ROOT

    monkeypatch.setenv("DJANGO_BEHIND_PROXY", "true")
    configured = runpy.run_path(str(ROOT / "policytrack" / "settings.py"))
    for name, value in configured.items():
        if name.startswith("AXES_IPWARE_") or name == "SECURE_PROXY_SSL_HEADER":
            setattr(settings, name, value)


def test_behind_the_proxy_failed_logins_are_counted_per_client_address(db, editor, client, settings, monkeypatch):
    behind_the_proxy(settings, monkeypatch)
    mallory, real = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for _ in range(5):
        client.post(LOGIN, {"username": "bob", "password": "wrong-guess"}, **mallory)
    assert client.post(LOGIN, {"username": "bob", "password": "editor-password-1"}, **mallory).status_code == 429
    # every request reaches Django from the proxy's address; bob, elsewhere, is not locked out
    assert client.post(LOGIN, {"username": "bob", "password": "editor-password-1"}, **real).status_code == 302


def test_behind_the_proxy_a_forged_forwarded_address_does_not_escape_the_lockout(
    db, editor, client, settings, monkeypatch
):
    behind_the_proxy(settings, monkeypatch)
    # The proxy appends the address it saw: a client's own X-Forwarded-For ends up to its left.
    for forged in range(5):
        client.post(
            LOGIN, {"username": "bob", "password": "wrong-guess"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{forged}, 203.0.113.9"
        )
    locked = client.post(
        LOGIN, {"username": "bob", "password": "wrong-guess"}, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.9"
    )
    assert locked.status_code == 429


FEEDS_AND_CALENDARS = [
    "/feeds/changes.atom",
    "/instruments/ai-diffusion-rule/changes.atom",
    "/calendar.ics",
    "/instruments/ai-diffusion-rule/calendar.ics",
]


@pytest.mark.parametrize("method", ["trace", "options", "post", "put", "delete"])
@pytest.mark.parametrize("address", FEEDS_AND_CALENDARS)
def test_feeds_and_calendars_answer_only_get_and_head(demo, client, address, method):
    response = getattr(client, method)(address)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert client.get(address).status_code == 200
    assert client.head(address).status_code == 200


@pytest.mark.parametrize("next_page", ["https://evil.example/", "//evil.example/admin/", ""])
def test_a_login_with_an_unsafe_or_no_next_lands_on_the_home_page(demo, editor, client, next_page):
    response = client.post(f"/admin/login/?next={next_page}", {"username": "bob", "password": "editor-password-1"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(response["Location"]).status_code == 200
