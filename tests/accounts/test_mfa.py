"""Second factors (allauth.mfa): required for staff, officers, coordinators and superusers,
optional for the others; codes computed with pyotp (tests.totp), nothing switched off."""

import pytest
from allauth.account.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.models import Role, User
from communities.models import Community, Organisation
from tests.factories import PASSWORD, make_user
from tests.totp import code_for, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.STAFF, Role.OFFICER, Role.COORDINATOR])
def test_a_required_role_without_a_second_factor_is_sent_to_set_one_up(client, role):
    scope = {"organisation": Organisation.objects.first()} if role == Role.COORDINATOR else {}
    person = make_user(role, second_factor=False, **scope)
    client.force_login(person)

    for path in ("/dashboard/", "/communities/", "/admin/", reverse("notification_list")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == reverse("mfa_activate_totp"), path


def test_a_superuser_of_any_role_needs_one_too(client):
    person = make_user(Role.MENTOR, second_factor=False, organisation=Organisation.objects.first())
    User.objects.filter(pk=person.pk).update(is_superuser=True, is_staff=True)
    client.force_login(User.objects.get(pk=person.pk))

    assert client.get("/admin/").url == reverse("mfa_activate_totp")


def test_the_setup_pages_sign_out_and_the_language_switch_stay_open(client):
    officer = make_user(Role.OFFICER, second_factor=False)
    sign_in(client, officer.email, PASSWORD)

    reauthenticate = client.get(reverse("mfa_activate_totp")).url
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reauthenticate).status_code == 200
    client.post(reauthenticate, {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_setting_up_totp_opens_the_portal_and_gives_recovery_codes(client):
    officer = make_user(Role.OFFICER, second_factor=False)
    signed_in = sign_in(client, officer.email, PASSWORD)
    assert signed_in.url == reverse("dashboard")
    assert client.get(signed_in.url).url == reverse("mfa_activate_totp")
    # Adding a second factor asks for the password again (allauth's reauthentication).
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.url.startswith(reverse("account_reauthenticate"))
    client.post(asked.url, {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert not Authenticator.objects.filter(user=officer).exists()

    done = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret=secret)})

    assert done.status_code == 302 and done.url == reverse("mfa_view_recovery_codes")
    assert set(Authenticator.objects.filter(user=officer).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    assert client.get("/dashboard/").status_code == 200


def test_mentors_and_members_may_go_without_a_second_factor(client):
    mentor = make_user(Role.MENTOR, organisation=Organisation.objects.first())
    member = make_user(Role.MEMBER, community=Community.objects.first())
    for person in (mentor, member):
        assert not Authenticator.objects.filter(user=person).exists()
        client.force_login(person)
        assert client.get("/dashboard/").status_code == 200
        assert client.get(reverse("mfa_index")).status_code == 200


def test_an_officer_cannot_remove_the_only_second_factor(client):
    officer = make_user(Role.OFFICER)
    sign_in(client, officer.email, PASSWORD)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    client.post(reverse("mfa_deactivate_totp"))

    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()


def test_a_mentor_may_remove_theirs(client):
    from accounts.mfa import enrol_totp

    mentor = make_user(Role.MENTOR, organisation=Organisation.objects.first())
    enrol_totp(mentor)
    sign_in(client, mentor.email, PASSWORD)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    client.post(reverse("mfa_deactivate_totp"))

    assert not Authenticator.objects.filter(user=mentor, type=Authenticator.Type.TOTP).exists()


def test_the_password_alone_does_not_sign_in_and_wrong_codes_are_limited(client):
    officer = make_user(Role.OFFICER)
    response = client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/dashboard/").status_code == 302

    for _ in range(5):  # "login_failed": 5 per 5 minutes per account, codes included
        wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
        assert wrong.status_code == 200
    refused = client.post(reverse("mfa_authenticate"), {"code": code_for(officer)})

    expected = str(get_adapter().error_messages["too_many_login_attempts"])
    assert expected in str(refused.context["form"].errors)
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    officer = make_user(Role.OFFICER)
    code = RecoveryCodes.activate(officer).get_unused_codes()[0]

    client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    signed_in = client.post(reverse("mfa_authenticate"), {"code": code})
    assert signed_in.status_code == 302 and signed_in.url == reverse("dashboard")

    client.logout()
    client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    again = client.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200 and "_auth_user_id" not in client.session


def test_seed_demo_enrols_the_roles_that_need_it_and_prints_their_secrets():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("seed_demo", stdout=out)

    for email in ("staff@civ.example", "officer.lampang@civ.example"):
        user = User.objects.get(email=email)
        secret = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
        assert secret in out.getvalue()
    coordinator = User.objects.filter(role=Role.COORDINATOR).first()
    assert Authenticator.objects.filter(user=coordinator).exists()
    member = User.objects.get(email="member.paentai@civ.example")
    assert not Authenticator.objects.filter(user=member).exists()
    assert "otpauth://totp/" in out.getvalue()


def test_seed_demo_enrols_nobody_in_production(settings):
    from io import StringIO

    from django.core.management import call_command

    officer = User.objects.get(email="officer.lampang@civ.example")
    Authenticator.objects.filter(user=officer).delete()
    settings.PRODUCTION = True
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert not Authenticator.objects.filter(user=officer).exists()
    assert "otpauth://" not in out.getvalue()
