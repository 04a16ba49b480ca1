"""Notices about one's own account go through the notifications and the outbox: a sign-in,
a password change, a second factor added or renewed — once each, in the inbox, and
e-mailed where the person has an address."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from communities.models import Community
from notifications.models import Kind, Notification
from outbox.models import Delivery
from tests.factories import PASSWORD, make_user
from tests.totp import code_for, sign_in

pytestmark = pytest.mark.django_db


def notices(user):
    return list(
        Notification.objects.filter(recipient=user, kind=Kind.ACCOUNT_SECURITY).order_by("pk")
    )


def test_a_sign_in_is_noticed_once_in_the_inbox_and_by_e_mail_through_the_outbox():
    officer = make_user(Role.OFFICER)
    phone = Client(HTTP_USER_AGENT="Phone browser")

    sign_in(phone, officer.email, PASSWORD)
    phone.get("/dashboard/")
    phone.get(reverse("profile"))

    [notice] = notices(officer)
    assert notice.title == "มีการเข้าสู่ระบบบัญชีของท่าน"
    assert "Phone browser" in notice.body and notice.url == reverse("profile")
    [delivery] = Delivery.objects.filter(notification=notice)
    assert delivery.to == officer.email

    sign_in(Client(), officer.email, PASSWORD)  # another sign-in, another notice
    assert len(notices(officer)) == 2


def test_a_member_without_an_address_gets_the_notice_in_the_portal_only():
    member = User.objects.create_user(
        email=None,
        password=PASSWORD,
        full_name="สมใจ",
        role=Role.MEMBER,
        community=Community.objects.first(),
        login_name="0812345670",
    )
    client = Client()
    client.post(reverse("account_login"), {"login": "0812345670", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(member.pk)

    [notice] = notices(member)
    assert not Delivery.objects.filter(notification=notice).exists()


def test_a_password_change_is_noticed(client):
    member = make_user(Role.MEMBER, community=Community.objects.first())
    sign_in(client, member.email, PASSWORD)

    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-pass-2569",
            "password2": "a-new-long-pass-2569",
        },
    )

    assert response.status_code == 302
    assert [n.title for n in notices(member)][-1] == "รหัสผ่านของท่านถูกเปลี่ยนแล้ว"


def test_setting_up_and_renewing_a_second_factor_is_noticed(
    client, django_capture_on_commit_callbacks
):
    officer = make_user(Role.OFFICER, second_factor=False)
    sign_in(client, officer.email, PASSWORD)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    # allauth announces the change once its transaction has committed.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": code_for(secret=secret)})

    titles = [n.title for n in notices(officer)]
    # The sign-in, then one notice for the app (its recovery codes come with it).
    assert titles[1:] == ["มีการเพิ่มการยืนยันตัวตนขั้นที่สองให้บัญชีของท่าน"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_generate_recovery_codes"))

    assert notices(officer)[-1].title == "มีการสร้างรหัสกู้คืนชุดใหม่ให้บัญชีของท่าน"
