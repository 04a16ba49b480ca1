import os
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import quote

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.mfa import enrol_totp, needs_second_factor, totp_uri
from accounts.models import Role, User
from civportal.fiscal import Frequency, period_containing, periods_between
from civportal.images import clean_photo
from communities.geography import load_geography
from communities.models import (
    Activity,
    Cohort,
    Community,
    CommunityTarget,
    Indicator,
    Organisation,
    Province,
    Stage,
    Subdistrict,
)
from communities.services import (
    log_visit,
    move_stage,
    register_community,
    set_indicator_targets,
    update_community,
)
from mentorship.models import MOU, MentorAssignment, MentoringArea, MOUSignatory, TrainingSession
from mentorship.services import (
    assign_mentor,
    change_mou_status,
    create_mou,
    mark_session_done,
    record_attendance,
    schedule_session,
)
from products.forms import processed_photos
from products.models import Product, SalesChannel
from products.services import create_product, publish_product, submit_product, update_product

from ._demo_photos import illustration

DEFAULT_PASSWORD = "civ-demo-2568"
# Marks the demo's reporting visits, so a second run does not add them again.
REPORTING_MARK = "ติดตามผลประจำเดือน"
# Two fiscal years of results (2568 and 2569 BE; CE 2025 and 2026) for the Lampang trio and
# the seven named CIV villages, and the sessions SCG delivered in them.
HISTORY_MARK = "ติดตามผลรายปีงบประมาณ"
HISTORY_YEARS = (2025, 2026)
# (visit day within the fiscal year, as (month, day)): two for the trio, one per village.
TRIO_VISIT_DAYS = ((12, 15), (6, 15))
VILLAGE_VISIT_DAYS = ((3, 10),)
# The delivered sessions: (start, hours, area code, Thai title, English title).
DELIVERED_SESSIONS = [
    (
        datetime(2025, 2, 12, 9),
        3,
        "product_design",
        "ออกแบบบรรจุภัณฑ์กาแฟคั่วโอ่งและข้าวกล้อง",
        "Packaging design for jar-roasted coffee and brown rice",
    ),
    (
        datetime(2026, 3, 18, 9),
        4,
        "online_marketing",
        "การขายออนไลน์และการถ่ายภาพสินค้า",
        "Selling online and product photography",
    ),
]


def demo_password() -> str:
    """The demo users' password: DEMO_PASSWORD if set, else the documented default."""
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


# (code, Thai, English) in the order the MOU names them (seed/FACTS.md).
MENTORING_AREAS = [
    ("management", "การบริหารจัดการ", "Management"),
    ("product_design", "การออกแบบผลิตภัณฑ์", "Product design"),
    ("technology", "เทคโนโลยี", "Technology"),
    ("innovation", "นวัตกรรม", "Innovation"),
    ("finance", "การเงิน", "Finance"),
    ("marketing", "การตลาด", "Marketing"),
    ("sales", "การขาย", "Sales"),
    ("law", "กฎหมาย", "Law"),
    ("online_marketing", "การตลาดออนไลน์", "Online marketing"),
    ("made_to_order", "การตลาดเฉพาะกลุ่มและการผลิตตามคำสั่งซื้อ", "Made-to-order and niche markets"),
]

# (code, Thai, English, unit)
INDICATORS = [
    ("monthly_revenue", "รายได้ต่อเดือน", "Monthly revenue", "บาท"),
    ("active_members", "สมาชิกที่ร่วมกิจกรรม", "Active members", "คน"),
    ("products_developed", "ผลิตภัณฑ์ที่พัฒนา", "Products developed", "รายการ"),
    ("sales_channels", "ช่องทางการขาย", "Sales channels", "ช่องทาง"),
    ("training_hours", "ชั่วโมงการอบรม", "Training hours", "ชั่วโมง"),
    ("visitors", "นักท่องเที่ยวและผู้มาเยือน", "Visitors", "คน"),
]

# The indicators' units on English pages (the Thai unit is the catalogue's own).
UNITS_EN = {"บาท": "THB", "คน": "people", "รายการ": "items", "ช่องทาง": "channels", "ชั่วโมง": "hours"}

SALES_CHANNELS = [
    ("community_shop", "ร้านค้าในชุมชน", "Shop at the community"),
    ("otop_fair", "งานแสดงสินค้า OTOP", "OTOP fairs"),
    ("facebook", "เฟซบุ๊ก", "Facebook"),
    ("line", "ไลน์", "LINE"),
    ("shopee", "ช้อปปี้", "Shopee"),
    ("lazada", "ลาซาด้า", "Lazada"),
    ("wholesale", "ขายส่ง", "Wholesale"),
]

# The article gives no date beyond "last weekend"; this stands in for it.
MOU_SIGNED_ON = date(2018, 6, 1)

MOU_TITLE_TH = (
    "บันทึกข้อตกลงความร่วมมือการส่งเสริมและพัฒนาตามมาตรการยกระดับเศรษฐกิจฐานชุมชน "
    "(Local Economy) ระหว่างสำนักงานอุตสาหกรรมจังหวัดลำปาง กับบริษัท ปูนซิเมนต์ไทย (ลำปาง) จำกัด"
)
MOU_TITLE_EN = (
    "MOU on promoting and developing communities under the Local Economy measure between "
    "the Lampang Provincial Industry Office and The Siam Cement (Lampang) Co., Ltd."
)
MOU_FRAMEWORK = (
    "มาตรการยกระดับเศรษฐกิจฐานชุมชน (Local Economy) ตามยุทธศาสตร์ไทยแลนด์ 4.0 "
    "ในรูปแบบประชารัฐ (ความร่วมมือรัฐ–เอกชน) บริษัทฯ ทำหน้าที่พี่เลี้ยง (Big Brother) "
    "ถ่ายทอดองค์ความรู้ให้ SME และวิสาหกิจชุมชนของจังหวัดลำปาง และสนับสนุนการพัฒนา"
    "หมู่บ้านอุตสาหกรรมสร้างสรรค์ (CIV) ชุมชนเป็นผู้นำและต้องหาอัตลักษณ์ของตนเองให้เจอ "
    "พี่เลี้ยงเพียงสนับสนุน ส่งเสริม และเติมเต็ม เพื่อให้ชุมชนเดินได้ด้วยตัวเองอย่างยั่งยืน "
    "โดยเชื่อมโยงกับศูนย์การเรียนรู้การฟื้นฟูเหมืองปูนลำปางซึ่งพัฒนาเป็นแหล่งท่องเที่ยว"
)
# (party, name, position): only the chair is named in the article; the others are
# recorded as their organisation's representative rather than with invented personal
# names. The head of a provincial office signs with the official title อุตสาหกรรมจังหวัด….
MOU_SIGNATORIES = [
    (MOUSignatory.Party.WITNESS, "นายสมชาย หาญหิรัญ", "รัฐมนตรีช่วยว่าการกระทรวงอุตสาหกรรม"),
    (
        MOUSignatory.Party.GOVERNMENT,
        "ผู้แทนสำนักงานอุตสาหกรรมจังหวัดลำปาง",
        "อุตสาหกรรมจังหวัดลำปาง",
    ),
    (
        MOUSignatory.Party.COMPANY,
        "ผู้แทนบริษัท ปูนซิเมนต์ไทย (ลำปาง) จำกัด",
        "กรรมการผู้จัดการ บริษัท ปูนซิเมนต์ไทย (ลำปาง) จำกัด",
    ),
]

# The three Lampang communities of the SCG round. Coordinates are approximate (the
# tambon, not the village); contacts stay blank rather than invented.
LAMPANG_COMMUNITIES = [
    {
        "key": "maejaem",
        "subdistrict": "521304",  # ต.แจ้ซ้อน อ.เมืองปาน
        "name_th": "ชุมชนผลิตกาแฟบ้านแม่แจ๋ม",
        "name_en": "Ban Mae Jaem Coffee Community",
        "latitude": Decimal("18.830000"),
        "longitude": Decimal("99.470000"),
        "activity": Activity.FOOD,
        "identity_story": (
            "กาแฟคั่วโอ่ง: ชุมชนคั่วเมล็ดกาแฟในโอ่งดินเผา ซึ่งกล่าวกันว่าเป็นวิธีคั่วที่มีแห่งเดียวในโลก "
            "กาแฟที่ได้จึงมีกลิ่นหอมของดินเป็นเอกลักษณ์"
        ),
        "main_activities": "ผลิตและแปรรูปกาแฟ คั่วกาแฟด้วยโอ่งดินเผา และจำหน่ายกาแฟคั่วโอ่ง",
    },
    {
        "key": "jaekhon",
        "subdistrict": "520606",  # ต.ทุ่งผึ้ง อ.แจ้ห่ม
        "name_th": "ชุมชนบ้านแจ้คอน",
        "name_en": "Ban Jae Khon Community",
        "latitude": Decimal("18.780000"),
        "longitude": Decimal("99.580000"),
        "activity": Activity.AGRICULTURE,
        "identity_story": (
            "ชุมชนเกษตรที่ปลูกข้าวและผักแบบปลอดสารพิษ และแปรรูปข้าวกล้องเพื่อเพิ่มมูลค่าให้ผลผลิตของชุมชน"
        ),
        "main_activities": (
            "ปลูกข้าวและผักปลอดสารพิษ ผลิตข้าวกล้องปลอดสารพิษบรรจุถุงสุญญากาศ และแปรรูปน้ำข้าวกล้อง"
        ),
    },
    {
        "key": "paentai",
        # The article writes "ต.บ้านเสา"; the official tambon in อ.แจ้ห่ม is บ้านสา.
        "subdistrict": "520602",
        "name_th": "ชุมชนบ้านแป้นใต้",
        "name_en": "Ban Paen Tai Community",
        "latitude": Decimal("18.690000"),
        "longitude": Decimal("99.560000"),
        "activity": Activity.FOOD,
        "identity_story": "ชุมชนแปรรูปมะนาว เพิ่มมูลค่ามะนาวเป็นผลิตภัณฑ์ที่เก็บได้นานและขายได้ตลอดปี",
        "main_activities": "แปรรูปมะนาวเป็นมะนาวผงและน้ำมะนาวบรรจุขวด",
    },
]

# The seven CIV villages the article names. Where the village shares its name with a
# tambon (or a public source places it), that tambon is used; ชุมชนบ้านสำราญ could not be
# placed, so it sits in the provincial seat's tambon until an officer corrects it.
CIV_VILLAGES = [
    ("501306", "ชุมชนออนใต้", "On Tai Community", Activity.OTHER, None),
    ("660507", "ชุมชนบ้านวังกรด", "Ban Wang Krot Community", Activity.OTHER, None),
    # หมู่ที่ 3 ต.มหาสวัสดิ์ อ.พุทธมณฑล (community tourism on Khlong Maha Sawat)
    ("730703", "ชุมชนบ้านศาลาดิน", "Ban Sala Din Community", Activity.TOURISM, 3),
    ("410609", "ชุมชนบ้านเชียง", "Ban Chiang Community", Activity.CRAFT, None),
    ("450101", "ชุมชนบ้านสำราญ", "Ban Samran Community", Activity.OTHER, None),
    ("840105", "ชุมชนบางใบไม้", "Bang Bai Mai Community", Activity.TOURISM, None),
    # บ้านนาตีน is a village of ต.อ่าวนาง อ.เมืองกระบี่
    ("810116", "ชุมชนบ้านนาตีน", "Ban Na Tin Community", Activity.TOURISM, None),
]

# Per community: (Thai, English, category, price, unit, sales channels, story).
# Certifications stay empty: no อย./มผช. numbers are known.
PRODUCTS = {
    "maejaem": [
        (
            "กาแฟคั่วโอ่ง",
            "Jar-roasted coffee",
            Product.Category.DRINK,
            "250.00",
            "ถุง (250 กรัม)",
            ["community_shop", "otop_fair", "facebook", "line"],
            "เมล็ดกาแฟคั่วในโอ่งดินเผา ได้กลิ่นหอมของดินที่หาไม่ได้จากการคั่วแบบอื่น",
        ),
    ],
    "jaekhon": [
        (
            "ข้าวกล้องบรรจุสุญญากาศ",
            "Vacuum-packed brown rice",
            Product.Category.AGRICULTURE,
            "80.00",
            "ถุง (1 กิโลกรัม)",
            ["community_shop", "otop_fair", "facebook"],
            "ข้าวกล้องปลอดสารพิษจากแปลงนาของชุมชน บรรจุถุงสุญญากาศเพื่อคงความสด",
        ),
        (
            "น้ำข้าวกล้อง",
            "Brown-rice drink",
            Product.Category.DRINK,
            "25.00",
            "ขวด",
            ["community_shop", "otop_fair"],
            "น้ำข้าวกล้องแปรรูปจากข้าวกล้องของชุมชน",
        ),
        (
            "ผักปลอดสารพิษ",
            "Pesticide-free vegetables",
            Product.Category.AGRICULTURE,
            "40.00",
            "กิโลกรัม",
            ["community_shop", "wholesale"],
            "ผักตามฤดูกาล ปลูกแบบไม่ใช้สารเคมีกำจัดศัตรูพืช",
        ),
    ],
    "paentai": [
        (
            "มะนาวผง",
            "Lime powder",
            Product.Category.FOOD,
            "120.00",
            "ถุง (100 กรัม)",
            ["community_shop", "otop_fair", "facebook", "shopee"],
            "มะนาวแปรรูปเป็นผง เก็บได้นาน ใช้ปรุงอาหารและเครื่องดื่ม",
        ),
        (
            "น้ำมะนาวบรรจุขวด",
            "Bottled lime juice",
            Product.Category.DRINK,
            "35.00",
            "ขวด",
            ["community_shop", "otop_fair", "line"],
            "น้ำมะนาวคั้นบรรจุขวด จากการแปรรูปมะนาวของชุมชน",
        ),
    ],
}


def _search(base: str, words: str) -> str:
    return base + quote(words)


# Contact channels the demo communities publish on their public pages. Demo values, not
# the communities' own: the phone numbers are made up and the marketplace buttons open a
# search for the community's product. One channel per community stays unpublished.
DEMO_CONTACTS = {
    "maejaem": {
        "buyer_phone": "054 000 101",
        "publish_buyer_phone": True,
        "shopee_url": _search("https://shopee.co.th/search?keyword=", "กาแฟคั่วโอ่ง"),
        "publish_shopee_url": True,
        "facebook_url": _search("https://www.facebook.com/search/top?q=", "กาแฟคั่วโอ่ง"),
        "publish_facebook_url": True,
        "line_id": "demo.maejaem",
        "publish_line_id": False,
    },
    "jaekhon": {
        "buyer_phone": "054 000 102",
        "publish_buyer_phone": True,
        "lazada_url": _search("https://www.lazada.co.th/catalog/?q=", "ข้าวกล้อง"),
        "publish_lazada_url": True,
        "facebook_url": _search("https://www.facebook.com/search/top?q=", "ชุมชนบ้านแจ้คอน"),
        "publish_facebook_url": False,
    },
    "paentai": {
        "buyer_phone": "054 000 103",
        "publish_buyer_phone": True,
        "line_id": "demo.paentai",
        "publish_line_id": True,
        "shopee_url": _search("https://shopee.co.th/search?keyword=", "มะนาวผง"),
        "publish_shopee_url": True,
        "website_url": "https://www.example.com/",
        "publish_website_url": False,
    },
}

STAGE_ORDER = list(Stage.values)


class Command(BaseCommand):
    help = (
        "Create the demo programme from seed/FACTS.md: the Lampang MOU with SCG as Big "
        "Brother, its three communities and their products, the seven named CIV villages, "
        "and one login per role. Safe to run again: existing rows are left as they are."
    )

    # Each service call commits on its own (services may be durable), so a run that
    # stops half-way is finished by the next one instead of rolled back.
    def handle(self, *args, **options):
        self.password = demo_password()
        self.logins: list[tuple[str, str]] = []
        self.second_factors: list[tuple[str, str, str]] = []
        if not Province.objects.exists():
            counts = load_geography()
            self.stdout.write(f"Loaded geography: {counts}")

        areas = self._reference_data()
        orgs = self._organisations()
        cohorts = self._cohorts()
        users = self._programme_users(orgs)
        communities = self._lampang_communities(users["officer_lampang"], cohorts["scg"])
        self._civ_villages(users["staff"], cohorts["civ"])
        users |= self._community_users(communities)
        mou = self._mou(users, orgs, areas, communities)
        self._mentor_assignment(users, mou, communities["maejaem"], areas)
        self._products(users, communities)
        self._reporting(users["officer_lampang"], communities)
        self._history(users, communities)
        self._delivered_sessions(users, mou, areas)
        self._print_logins()

    # --- Reference data -------------------------------------------------------
    def _reference_data(self) -> dict[str, MentoringArea]:
        areas = {}
        for position, (code, name_th, name_en) in enumerate(MENTORING_AREAS, start=1):
            # update_or_create: a database seeded before a name was corrected gets the new one.
            areas[code], _ = MentoringArea.objects.update_or_create(
                code=code, defaults={"name_th": name_th, "name_en": name_en, "position": position}
            )
        for position, (code, name_th, name_en, unit) in enumerate(INDICATORS, start=1):
            Indicator.objects.get_or_create(
                code=code,
                defaults={
                    "name_th": name_th,
                    "name_en": name_en,
                    "unit": unit,
                    "unit_en": UNITS_EN.get(unit, ""),
                    "position": position,
                },
            )
        for code, name_th, name_en in SALES_CHANNELS:
            SalesChannel.objects.get_or_create(
                code=code, defaults={"name_th": name_th, "name_en": name_en}
            )
        return areas

    def _organisations(self) -> dict[str, Organisation]:
        government = Organisation.Kind.GOVERNMENT
        dip, _ = Organisation.objects.update_or_create(
            kind=government,
            name_th="กรมส่งเสริมอุตสาหกรรม",
            defaults={
                "name_en": "Department of Industrial Promotion (DIPROM)",
                "website": "https://www.dip.go.th",
            },
        )
        orgs = {"dip": dip}
        for key, code in (("lampang", "52"), ("nakhon", "80"), ("saraburi", "19")):
            province = Province.objects.get(pk=code)
            orgs[key], _ = Organisation.objects.get_or_create(
                kind=government,
                name_th=f"สำนักงานอุตสาหกรรมจังหวัด{province.name_th}",
                defaults={
                    "name_en": f"{province.name_en} Provincial Industry Office",
                    "province": province,
                    "parent": dip,
                },
            )
        orgs["scg"], _ = Organisation.objects.update_or_create(
            kind=Organisation.Kind.COMPANY,
            name_th="บริษัท ปูนซิเมนต์ไทย (ลำปาง) จำกัด",
            defaults={"name_en": "The Siam Cement (Lampang) Co., Ltd.", "province_id": "52"},
        )
        return orgs

    def _cohorts(self) -> dict[str, Cohort]:
        civ, _ = Cohort.objects.get_or_create(
            start_year=2016,
            end_year=2018,
            defaults={
                "name_th": "หมู่บ้านอุตสาหกรรมสร้างสรรค์ (CIV) ปี 2559–2561",
                "name_en": "Creative Industry Village (CIV) 2016–2018",
                "target_communities": 163,
                "civ_villages": 27,
            },
        )
        # Lampang's three communities open the round; Nakhon Si Thammarat and Saraburi
        # are still to be named.
        scg, _ = Cohort.objects.get_or_create(
            start_year=2018,
            end_year=2019,
            defaults={
                "name_th": "โครงการพี่เลี้ยง SCG ลำปาง (Big Brother) ปี 2561–2562",
                "name_en": "SCG Big Brother round, Lampang 2018–2019",
                "target_communities": 3,
                "civ_villages": 0,
            },
        )
        return {"civ": civ, "scg": scg}

    # --- People ----------------------------------------------------------------
    def _user(self, email, full_name, role, provinces=(), **scope) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=self.password, full_name=full_name, role=role, **scope
            )
        elif not user.check_password(self.password):
            user.set_password(self.password)
            user.save(update_fields=["password"])
        if provinces:
            user.provinces.add(*provinces)
        # Sign-in requires a verified address (ACCOUNT_EMAIL_VERIFICATION = "mandatory").
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        self.logins.append((email, str(role)))
        # The roles that must have a second factor get an authenticator-app secret, printed
        # with the logins (local use only: never in production).
        if needs_second_factor(user) and not settings.PRODUCTION:
            secret = enrol_totp(user)
            self.second_factors.append((email, secret, totp_uri(user, secret)))
        return user

    # --- Results reporting ------------------------------------------------------
    def _reporting(self, officer, communities) -> None:
        """Monthly revenue and quarterly members for the Lampang trio over the last closed
        periods, so the dashboards' reporting rates have content: แม่แจ่ม on time, แจ้คอน
        missing the latest month and quarter, แป้นไต late once. Lampang's officer heads
        the provincial office. Once: a later run finds the visits and leaves them."""
        Indicator.objects.filter(code="monthly_revenue", frequency=Frequency.VISIT).update(
            frequency=Frequency.MONTH
        )
        Indicator.objects.filter(code="active_members", frequency=Frequency.VISIT).update(
            frequency=Frequency.QUARTER
        )
        Province.objects.filter(code="52", head_officer__isnull=True).update(head_officer=officer)
        revenue = Indicator.objects.get(code="monthly_revenue")
        members = Indicator.objects.get(code="active_members")
        today = timezone.localdate()
        months = [
            p
            for p in periods_between(today - timedelta(days=130), today, Frequency.MONTH)
            if p.end < today
        ][-4:]
        quarter = period_containing(months[-1].end, Frequency.QUARTER)
        if quarter.end >= today:
            quarter = period_containing(quarter.start - timedelta(days=1), Frequency.QUARTER)
        grace = timedelta(days=settings.RESULTS_GRACE_DAYS)
        # แป้นใต้'s late value: the latest month whose grace is over, so the dashboards'
        # reporting year (communities.completeness.reporting_year) shows it.
        late_month = [m for m in months if m.end + grace + timedelta(days=1) < today][-1]
        for index, key in enumerate(("maejaem", "jaekhon", "paentai")):
            community = communities[key]
            if community.visits.filter(summary__startswith=REPORTING_MARK).exists():
                continue
            for number, month in enumerate(months):
                if key == "jaekhon" and month == months[-1]:
                    continue  # still missing: reminders and escalation have something to say
                late = key == "paentai" and month == late_month
                recorded = month.end + grace + timedelta(days=10) if late else month.end
                if recorded > today:
                    recorded = today
                values = {revenue: Decimal(18000 + 2500 * number + 1500 * index)}
                if quarter.start <= month.start and month.end == quarter.end and key != "jaekhon":
                    values[members] = Decimal(20 + 3 * index)
                visit = log_visit(
                    officer,
                    community,
                    visited_on=min(month.end, today),
                    summary=f"{REPORTING_MARK}: รายได้และสมาชิกที่ร่วมกิจกรรม",
                    values=values,
                )
                # Demo history: the values were recorded when the visit happened.
                visit.values.update(
                    recorded_at=timezone.make_aware(datetime.combine(recorded, time(16)))
                )

    def _history(self, users, communities) -> None:
        """Fiscal years 2568 and 2569: visits with values for the Lampang trio (by their
        officer, twice a year, with per-year targets) and the seven CIV villages (by
        programme staff, once a year), growing from one year to the next. A community
        that has its history visits already is left as it is."""
        today = timezone.localdate()
        indicators = Indicator.objects.in_bulk(
            ["monthly_revenue", "active_members", "products_developed", "sales_channels"],
            field_name="code",
        )
        revenue, members = indicators["monthly_revenue"], indicators["active_members"]
        villages = Community.objects.filter(
            name_th__in=[row[1] for row in CIV_VILLAGES], cohort__start_year=2016
        ).order_by("name_th")
        registered = timezone.make_aware(
            datetime.combine(date(HISTORY_YEARS[0] - 1, 9, 1), time(9))
        )
        trio = {c.pk for c in communities.values()}  # with per-year targets
        plan = [(c, users["officer_lampang"], TRIO_VISIT_DAYS) for c in communities.values()]
        plan += [(c, users["staff"], VILLAGE_VISIT_DAYS) for c in villages]
        for index, (community, actor, days) in enumerate(plan):
            # One transaction per community: a run stopped half-way leaves a community with
            # all of its history or none, and the next run completes it.
            with transaction.atomic():
                if community.visits.filter(summary__startswith=HISTORY_MARK).exists():
                    continue
                # In the programme since before its history: registered (in the portal's
                # records) by the first history year's start, so the results of fiscal
                # years 2568 and 2569 count it.
                Community.objects.filter(pk=community.pk, created_at__gt=registered).update(
                    created_at=registered
                )
                for year_number, fy in enumerate(HISTORY_YEARS):
                    has_targets = CommunityTarget.objects.filter(
                        community=community, fiscal_year=fy
                    )
                    if community.pk in trio and not has_targets.exists():
                        set_indicator_targets(
                            actor,
                            community,
                            {
                                revenue: (Decimal(15000), Decimal(25000 + 5000 * year_number)),
                                members: (Decimal(15), Decimal(25 + 5 * year_number)),
                            },
                            fy,
                        )
                    for visit_number, (month, day) in enumerate(days):
                        visited_on = date(fy - 1 if month >= 10 else fy, month, day)
                        if visited_on > today:
                            continue
                        step = 2 * year_number + visit_number
                        visit = log_visit(
                            actor,
                            community,
                            visited_on=visited_on,
                            summary=f"{HISTORY_MARK}: รายได้ สมาชิก ผลิตภัณฑ์และช่องทางการขาย",
                            values={
                                revenue: Decimal(16000 + 1000 * index + 3000 * step),
                                members: Decimal(18 + index + 2 * step),
                                indicators["products_developed"]: Decimal(1 + step),
                                indicators["sales_channels"]: Decimal(2 + step // 2),
                            },
                        )
                        # Demo history: the values were recorded a few days after the visit.
                        visit.values.update(
                            recorded_at=timezone.make_aware(
                                datetime.combine(visited_on + timedelta(days=3), time(16))
                            )
                        )

    def _delivered_sessions(self, users, mou, areas) -> None:
        """SCG's sessions for the Lampang trio, held, with attendance taken and marked done,
        so the results page and the province report show training hours. Once per title."""
        coordinator = users["coordinator"]
        people = [
            users[key].pk
            for key in ("leader_maejaem", "member_maejaem", "member_jaekhon", "member_paentai")
        ]
        for starts, hours, area, title_th, _title_en in DELIVERED_SESSIONS:
            starts_at = timezone.make_aware(starts)
            if (
                starts_at > timezone.now()
                or TrainingSession.objects.filter(mou=mou, title=title_th).exists()
            ):
                continue
            session = schedule_session(
                coordinator,
                mou,
                communities=list(mou.communities.all()),
                mentors=[users["mentor"]],
                area=areas[area],
                title=title_th,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=hours),
                venue="ศูนย์การเรียนรู้การฟื้นฟูเหมืองปูนลำปาง",
            )
            record_attendance(coordinator, session, present_people=people)
            mark_session_done(coordinator, session)

    def _programme_users(self, orgs) -> dict[str, User]:
        province = Province.objects.in_bulk(["52", "80", "19"])
        return {
            # Superuser too, so the Django admin shows every model to programme staff.
            "staff": self._user(
                "staff@civ.example",
                "ศิริพร วงศ์สวัสดิ์",
                Role.STAFF,
                organisation=orgs["dip"],
                is_staff=True,
                is_superuser=True,
            ),
            "officer_lampang": self._user(
                "officer.lampang@civ.example",
                "ธนากร แก้วมณี",
                Role.OFFICER,
                provinces=[province["52"]],
                organisation=orgs["lampang"],
            ),
            "officer_saraburi": self._user(
                "officer.saraburi@civ.example",
                "วรรณา ทองดี",
                Role.OFFICER,
                provinces=[province["19"]],
                organisation=orgs["saraburi"],
            ),
            "officer_nakhon": self._user(
                "officer.nakhon@civ.example",
                "สุริยา ชูแก้ว",
                Role.OFFICER,
                provinces=[province["80"]],
                organisation=orgs["nakhon"],
            ),
            "coordinator": self._user(
                "coordinator@civ.example",
                "ณัฐวุฒิ พรหมมา",
                Role.COORDINATOR,
                organisation=orgs["scg"],
            ),
            "mentor": self._user(
                "mentor@civ.example", "อรอุมา สุขเจริญ", Role.MENTOR, organisation=orgs["scg"]
            ),
        }

    def _community_users(self, communities) -> dict[str, User]:
        return {
            "leader_maejaem": self._user(
                "leader.maejaem@civ.example",
                "บุญมี ใจคำ",
                Role.LEADER,
                community=communities["maejaem"],
            ),
            "member_maejaem": self._user(
                "member.maejaem@civ.example",
                "ศรีนวล อินต๊ะ",
                Role.MEMBER,
                community=communities["maejaem"],
            ),
            "member_jaekhon": self._user(
                "member.jaekhon@civ.example",
                "สมศักดิ์ วงค์ชัย",
                Role.MEMBER,
                community=communities["jaekhon"],
            ),
            "member_paentai": self._user(
                "member.paentai@civ.example",
                "จันทร์เพ็ญ ปัญญาวงค์",
                Role.MEMBER,
                community=communities["paentai"],
            ),
        }

    # --- Communities -------------------------------------------------------------
    def _community(self, actor, subdistrict_code, name_th, **fields) -> Community:
        subdistrict = Subdistrict.objects.select_related("district").get(pk=subdistrict_code)
        existing = Community.objects.filter(subdistrict=subdistrict, name_th=name_th).first()
        if existing:
            return existing
        return register_community(actor, subdistrict=subdistrict, name_th=name_th, **fields)

    def _advance(self, actor, community, moves) -> None:
        """Walk the community through ``moves`` [(stage, reason)], skipping stages passed."""
        for to_stage, reason in moves:
            if STAGE_ORDER.index(community.stage) < STAGE_ORDER.index(to_stage):
                move_stage(actor, community, to_stage, reason)
                community.refresh_from_db(fields=["stage"])

    def _lampang_communities(self, officer, cohort) -> dict[str, Community]:
        communities = {}
        for spec in LAMPANG_COMMUNITIES:
            fields = {k: v for k, v in spec.items() if k not in ("key", "subdistrict")}
            community = self._community(
                officer, spec["subdistrict"], cohort=cohort, cohort_year=2018, **fields
            )
            self._advance(
                officer,
                community,
                [
                    (
                        Stage.DEVELOPING,
                        "ได้รับคัดเลือกเป็นชุมชนเป้าหมายตามบันทึกข้อตกลงระหว่างสำนักงานอุตสาหกรรมจังหวัดลำปาง"
                        "กับ SCG เริ่มพัฒนาโดยมี SCG เป็นพี่เลี้ยง (Big Brother)",
                    )
                ],
            )
            communities[spec["key"]] = self._shop_window(officer, community, spec["key"])
        return communities

    def _shop_window(self, officer, community, key) -> Community:
        """A photo and published contact channels, once (a later run leaves edits alone)."""
        if community.photos.exists() or community.buyer_phone:
            return community
        photo = illustration(
            community.name_th,
            community.name_en,
            f"{community.subdistrict.district.name_th} · {community.province.name_th}",
            "community",
        )
        return update_community(
            officer,
            community,
            photos=[clean_photo(photo)],
            **DEMO_CONTACTS[key],
        )

    def _civ_villages(self, staff, cohort) -> None:
        for code, name_th, name_en, activity, village_number in CIV_VILLAGES:
            community = self._community(
                staff,
                code,
                name_th,
                name_en=name_en,
                activity=activity,
                village_number=village_number,
                cohort=cohort,
            )
            self._advance(
                staff,
                community,
                [
                    (
                        Stage.DEVELOPING,
                        "เข้าร่วมโครงการพัฒนาหมู่บ้านอุตสาหกรรมสร้างสรรค์ (CIV) ปี 2559–2561 "
                        "เป็นหนึ่งใน 163 ชุมชนเป้าหมาย",
                    ),
                    (Stage.CIV, "ผ่านการพัฒนาเป็นหมู่บ้าน CIV เป็นหนึ่งใน 27 ชุมชนของโครงการปี 2559–2561"),
                ],
            )

    # --- MOU and mentoring --------------------------------------------------------
    def _mou(self, users, orgs, areas, communities) -> MOU:
        mou = MOU.objects.filter(
            government_office=orgs["lampang"], company=orgs["scg"], title_th=MOU_TITLE_TH
        ).first()
        if mou is None:
            mou = create_mou(
                users["officer_lampang"],
                government_office=orgs["lampang"],
                company=orgs["scg"],
                areas=areas.values(),
                communities=communities.values(),
                title_th=MOU_TITLE_TH,
                title_en=MOU_TITLE_EN,
                framework=MOU_FRAMEWORK,
                # The article gives no term; an open end keeps the demo MOU active.
                signed_on=MOU_SIGNED_ON,
                starts_on=MOU_SIGNED_ON,
                ends_on=None,
            )
        for order, (party, name, position) in enumerate(MOU_SIGNATORIES):
            # Keyed by party, so a database seeded before the wording was corrected
            # is corrected too, not given a second signatory.
            MOUSignatory.objects.update_or_create(
                mou=mou,
                party=party,
                defaults={"name": name, "position": position, "position_order": order},
            )
        if mou.status == MOU.Status.DRAFT:
            mou = change_mou_status(users["officer_lampang"], mou, MOU.Status.SIGNED)
        if mou.status == MOU.Status.SIGNED:
            mou = change_mou_status(users["coordinator"], mou, MOU.Status.ACTIVE)
        return mou

    def _mentor_assignment(self, users, mou, community, areas) -> None:
        mentor = users["mentor"]
        if MentorAssignment.objects.filter(mou=mou, mentor=mentor, community=community).exists():
            return
        assign_mentor(
            users["coordinator"],
            mou,
            mentor=mentor,
            community=community,
            areas=[areas["online_marketing"], areas["marketing"], areas["product_design"]],
            starts_on=mou.starts_on,
        )

    # --- Products -------------------------------------------------------------------
    def _products(self, users, communities) -> None:
        makers = {
            "maejaem": users["member_maejaem"],
            "jaekhon": users["member_jaekhon"],
            "paentai": users["member_paentai"],
        }
        channels = SalesChannel.objects.in_bulk(field_name="code")
        officer = users["officer_lampang"]
        for key, products in PRODUCTS.items():
            community, maker = communities[key], makers[key]
            for name_th, name_en, category, price, unit, channel_codes, story in products:
                product = Product.objects.filter(community=community, name_th=name_th).first()
                card = (name_th, name_en, f"{community.name_th} · ลำปาง", category)
                if product is None:
                    product = create_product(
                        maker,
                        community,
                        sales_channels=[channels[c] for c in channel_codes],
                        name_th=name_th,
                        name_en=name_en,
                        category=category,
                        story=story,
                        price=Decimal(price),
                        unit=unit,
                        photos=processed_photos([illustration(*card)]),
                    )
                elif not product.images.exists():
                    # Seeded before demo products had photos: the photo goes to review too.
                    product = update_product(
                        maker,
                        product,
                        photos=processed_photos([illustration(*card)]),
                    )
                if product.status == Product.Status.DRAFT:
                    product = submit_product(maker, product)
                if product.status == Product.Status.SUBMITTED:
                    publish_product(officer, product)

    def _print_logins(self) -> None:
        width = max(len(email) for email, _ in self.logins) + 2
        self.stdout.write(self.style.SUCCESS("Demo logins"))
        self.stdout.write(f"{'email':<{width}}{'role':<13}password")
        for email, role in self.logins:
            self.stdout.write(f"{email:<{width}}{role:<13}{self.password}")
        if self.second_factors:
            self.stdout.write(
                self.style.SUCCESS("Second factor (authenticator app) of the demo logins above")
            )
            self.stdout.write(
                "Add the secret (or the otpauth:// address) to an authenticator app, or print "
                "the current code with: "
                "python -c \"import pyotp; print(pyotp.TOTP('SECRET').now())\""
            )
            for email, secret, uri in self.second_factors:
                self.stdout.write(f"{email:<{width}}{secret}")
                self.stdout.write(f"{'':<{width}}{uri}")
