"""Test data built the way the product builds it: users as invitations leave them."""

from itertools import count

from allauth.account.models import EmailAddress

from accounts.mfa import enrol_totp, needs_second_factor
from accounts.models import Role, User
from communities.models import Organisation, Province

_seq = count(1)
PASSWORD = "a-long-test-password-2568"


def make_user(role: str, *, second_factor: bool = True, **fields) -> User:
    """A user of ``role`` with a verified address; the roles that must have a second factor
    get an authenticator-app one (tests.totp gives its codes) unless ``second_factor`` is
    False — for tests of the setup it sends them to."""
    email = fields.pop("email", f"{role}{next(_seq)}@test.civ.example")
    provinces = fields.pop("provinces", ())
    user = User.objects.create_user(
        email=email,
        password=PASSWORD,
        full_name=fields.pop("full_name", f"ผู้ทดสอบ {role}"),
        role=role,
        **fields,
    )
    if provinces:
        user.provinces.set(provinces)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if second_factor and needs_second_factor(user):
        enrol_totp(user)
    return user


def make_staff(**fields) -> User:
    return make_user(Role.STAFF, **fields)


def province(code: str, name_th: str = "") -> Province:
    found, _created = Province.objects.get_or_create(
        code=code, defaults={"name_th": name_th or code}
    )
    return found


def make_company(name_th: str) -> Organisation:
    return Organisation.objects.create(kind=Organisation.Kind.COMPANY, name_th=name_th)


def active_mou(company: Organisation, communities, *, title_th="บันทึกข้อตกลงทดสอบ"):
    """A Lampang office ↔ ``company`` MOU covering ``communities``, moved draft → signed →
    active through the services by the seeded programme staff."""
    from datetime import date

    from mentorship.models import MOU, MentoringArea
    from mentorship.services import change_mou_status, create_mou

    staff = User.objects.get(email="staff@civ.example")
    mou = create_mou(
        staff,
        government_office=Organisation.objects.get(
            kind=Organisation.Kind.GOVERNMENT, province_id="52"
        ),
        company=company,
        areas=MentoringArea.objects.filter(code="marketing"),
        communities=communities,
        title_th=title_th,
        signed_on=date(2025, 10, 1),
    )
    for status in (MOU.Status.SIGNED, MOU.Status.ACTIVE):
        mou = change_mou_status(staff, mou, status)
    return mou
