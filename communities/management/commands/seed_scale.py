"""A large synthetic programme, for benchmarks: ``seed_scale --province 52``.

One province gets ``--communities`` communities (the worst case for its officer); with
``--spread N`` another N are spread over ``--spread-provinces`` more provinces. Each
community gets progress visits with a value per active indicator, products with
Thai/English names, and, with ``--sessions``, the synthetic company's MOU of its province
and training sessions with attendance. ``--notifications`` fills the inbox of the main
province's officers. ``--preset 10k`` is the scale of the load bench (bench/load.py):
10,000 communities over 10 provinces, 5,000 of them in the main one, ~200k indicator
values, 50k products, 20k sessions.

Rows are written with bulk inserts (no history rows, no notifications e-mailed) and are
marked as synthetic by the name prefix ``[SCALE]`` (communities, MOUs, the company) and the
officer ``scale.officer@synthetic.invalid``. Running it again adds only what is missing;
``--reset`` deletes the synthetic rows first.
"""

import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.postgres.fields.ranges import DateTimeTZRange
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import Role, User
from civportal.fiscal import fiscal_year, period_containing
from communities.models import (
    Activity,
    Community,
    CommunityIndicator,
    CommunityTarget,
    Indicator,
    IndicatorValue,
    Organisation,
    ProgressVisit,
    Province,
    Stage,
    Subdistrict,
)
from mentorship.models import (
    MOU,
    Attendance,
    MentoringArea,
    SessionCommunity,
    TrainingSession,
)
from notifications.models import Kind, Notification
from products.models import Product
from search.documents import index_communities

PREFIX = "[SCALE]"
OFFICER_EMAIL = "scale.officer@synthetic.invalid"
COMPANY_NAME = f"{PREFIX} บริษัทพี่เลี้ยงสังเคราะห์ จำกัด"
STAGES = [Stage.TARGET] * 5 + [Stage.DEVELOPING] * 3 + [Stage.CIV] + [Stage.SELF_SUSTAINING]
PRESETS = {
    # 5,000 + 5,000 communities; 5,000 × 4 + 5,000 × 3 visits × 6 indicators ≈ 210k values.
    "10k": {
        "communities": 5000,
        "spread": 5000,
        "spread_provinces": 9,
        "visits": 4,
        "spread_visits": 3,
        "products": 5,
        "sessions": 20000,
        "attendance": 5,
        "notifications": 500,
    },
    # The same programme at 1/100: the load bench's small scale, for "within 2× of 100".
    "100": {
        "communities": 50,
        "spread": 50,
        "spread_provinces": 9,
        "visits": 4,
        "spread_visits": 3,
        "products": 5,
        "sessions": 200,
        "attendance": 5,
        "notifications": 5,
    },
}

# What communities make and sell: (Thai, English, category, unit).
ITEMS = [
    ("กาแฟคั่วบด", "ground roasted coffee", "drink", "ถุง"),
    ("กาแฟอาราบิก้า", "Arabica coffee beans", "drink", "ถุง"),
    ("ชาใบหม่อน", "mulberry leaf tea", "drink", "กล่อง"),
    ("น้ำผึ้งป่า", "wild honey", "food", "ขวด"),
    ("ข้าวหอมมะลิอินทรีย์", "organic jasmine rice", "agriculture", "ถุง"),
    ("ข้าวไรซ์เบอร์รี่", "riceberry rice", "agriculture", "ถุง"),
    ("กล้วยตาก", "sun-dried banana", "food", "ถุง"),
    ("น้ำพริกเผา", "roasted chilli paste", "food", "กระปุก"),
    ("แหนมหมู", "fermented pork sausage", "food", "แพ็ค"),
    ("ผ้าซิ่นตีนจก", "teen jok woven skirt", "textile", "ผืน"),
    ("ผ้าไหมมัดหมี่", "mudmee silk", "textile", "ผืน"),
    ("ผ้าฝ้ายทอมือ", "hand-woven cotton", "textile", "ผืน"),
    ("ผ้าขาวม้า", "pha khao ma loincloth", "textile", "ผืน"),
    ("กระเป๋าสานกระจูด", "woven krajood bag", "craft", "ใบ"),
    ("ตะกร้าหวาย", "rattan basket", "craft", "ใบ"),
    ("เครื่องปั้นดินเผา", "earthenware pottery", "craft", "ชิ้น"),
    ("ชามตราไก่", "rooster bowl", "craft", "ใบ"),
    ("ไม้แกะสลัก", "wood carving", "craft", "ชิ้น"),
    ("สบู่สมุนไพร", "herbal soap", "herbal", "ก้อน"),
    ("ยาหม่องสมุนไพร", "herbal balm", "herbal", "ตลับ"),
    ("ลูกประคบ", "herbal compress ball", "herbal", "ลูก"),
    ("พวงกุญแจผ้าทอ", "woven fabric key ring", "souvenir", "ชิ้น"),
    ("โคมไฟกระดาษสา", "mulberry paper lamp", "souvenir", "ชิ้น"),
    ("ร่มบ่อสร้าง", "Bo Sang umbrella", "souvenir", "คัน"),
]
QUALIFIERS = [
    ("", ""),
    (" สูตรดั้งเดิม", "traditional"),
    (" พรีเมียม", "premium"),
    (" ออร์แกนิก", "organic"),
    (" แบบพกพา", "travel-size"),
    (" ลายโบราณ", "heritage pattern"),
    (" ย้อมสีธรรมชาติ", "natural-dyed"),
    (" ชุดของขวัญ", "gift set"),
]
SESSION_TITLES = [
    ("การตลาดออนไลน์สำหรับสินค้าชุมชน", "online_marketing"),
    ("การออกแบบบรรจุภัณฑ์", "product_design"),
    ("การถ่ายภาพสินค้าด้วยโทรศัพท์", "online_marketing"),
    ("บัญชีครัวเรือนและต้นทุน", "finance"),
    ("มาตรฐาน อย. และ มผช.", "management"),
    ("การเล่าเรื่องอัตลักษณ์ชุมชน", "marketing"),
]
WALK_IN_NAMES = ["สมชาย", "สมหญิง", "บุญมี", "คำแปง", "ศรีนวล", "จันทร์เพ็ญ", "ประเสริฐ", "มาลี"]
VENUES = ["ศาลาประชาคมหมู่บ้าน", "ศูนย์เรียนรู้ชุมชน", "วัดประจำหมู่บ้าน", "โรงเรียนบ้าน"]


class Command(BaseCommand):
    help = "Create a large synthetic programme (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--province", default="52", help="province code (default 52 ลำปาง)")
        parser.add_argument("--communities", type=int, default=500)
        parser.add_argument("--visits", type=int, default=4, help="visits per community")
        parser.add_argument("--products", type=int, default=3, help="products per community")
        parser.add_argument("--spread", type=int, default=0, help="communities in other provinces")
        parser.add_argument("--spread-provinces", type=int, default=9)
        parser.add_argument(
            "--spread-visits", type=int, default=None, help="visits per spread community"
        )
        parser.add_argument("--sessions", type=int, default=0, help="training sessions in all")
        parser.add_argument("--attendance", type=int, default=5, help="attendees per session")
        parser.add_argument(
            "--notifications", type=int, default=0, help="inbox rows per main-province officer"
        )
        parser.add_argument("--preset", choices=sorted(PRESETS), help="a named scale")
        parser.add_argument("--reset", action="store_true", help="delete synthetic rows first")
        parser.add_argument("--seed", type=int, default=2568, help="random seed")

    @transaction.atomic
    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["preset"]:
            options.update(PRESETS[options["preset"]])
        self.rng = random.Random(options["seed"])
        main = Province.objects.filter(pk=options["province"]).first()
        if main is None:
            raise CommandError(
                f"Unknown province {options['province']}: run load_geography (or seed_demo)."
            )
        if options["reset"]:
            self._reset()
        self.officer = self._officer(main)
        self.indicators = list(Indicator.objects.filter(active=True))
        plan = [(main, options["communities"], options["visits"])]
        if options["spread"]:
            others = self._other_provinces(main, options["spread_provinces"])
            share, extra = divmod(options["spread"], len(others))
            visits = options["spread_visits"]
            visits = options["visits"] if visits is None else visits
            plan += [
                (province, share + (1 if i < extra else 0), visits)
                for i, province in enumerate(others)
            ]
        added = 0
        for province, count, visits in plan:
            created, existing = self._communities(province, count, visits, options["products"])
            added += len(created)
            # Rows made in bulk skip the services that keep the search documents current.
            index_communities(c.pk for c in created)
            self.stdout.write(
                f"{province.name_th}: {len(created)} synthetic communities added "
                f"({existing} were there already)"
            )
        if options["sessions"]:
            self._sessions(options["sessions"], options["attendance"])
        if options["notifications"]:
            self._notifications(main, options["notifications"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{added} synthetic communities added in {time.perf_counter() - started:.1f} s"
            )
        )

    # --- Places and people -------------------------------------------------------------
    def _reset(self) -> None:
        synthetic_mous = MOU.objects.filter(title_th__startswith=PREFIX)
        TrainingSession.objects.filter(mou__in=synthetic_mous).delete()
        synthetic_mous.delete()
        Notification.objects.filter(event_key__startswith="scale:").delete()
        communities = Community.objects.filter(name_th__startswith=PREFIX)
        # Children first, as plain deletes: the cascade collector would load every row.
        IndicatorValue.objects.filter(visit__community__in=communities).delete()
        ProgressVisit.objects.filter(community__in=communities).delete()
        CommunityIndicator.objects.filter(community__in=communities).delete()
        CommunityTarget.objects.filter(community__in=communities).delete()
        Product.objects.filter(community__in=communities).delete()
        deleted, _rows = communities.delete()
        self.stdout.write(f"deleted {deleted} synthetic rows")

    def _officer(self, province: Province) -> User:
        officer = User.objects.filter(email=OFFICER_EMAIL).first()
        if officer is None:
            # No usable password: the synthetic officer only owns visits, nobody signs in.
            officer = User.objects.create_user(
                email=OFFICER_EMAIL, full_name=f"{PREFIX} เจ้าหน้าที่", role=Role.OFFICER
            )
        officer.provinces.add(province)
        return officer

    def _other_provinces(self, main: Province, count: int) -> list[Province]:
        """The provinces with the most tambons after the main one (room for villages)."""
        return list(
            Province.objects.exclude(pk=main.pk)
            .annotate(tambons=Count("districts__subdistricts"))
            .filter(tambons__gt=0)
            .order_by("-tambons", "code")[:count]
        )

    # --- Communities, visits, values, products ------------------------------------------
    def _communities(self, province, count, visits, products):
        subdistricts = list(
            Subdistrict.objects.filter(district__province=province).order_by("code")
        )
        if not subdistricts:
            raise CommandError(f"Province {province.code} has no subdistricts loaded.")
        synthetic = Community.objects.filter(province=province, name_th__startswith=PREFIX)
        existing = set(synthetic.values_list("name_th", flat=True))
        rng = self.rng
        new = []
        for index in range(1, count + 1):
            name = f"{PREFIX} ชุมชนสังเคราะห์ {index:04d}"
            if name in existing:
                continue
            new.append(
                Community(
                    name_th=name,
                    name_en=f"{PREFIX} Synthetic community {index:04d}",
                    subdistrict=subdistricts[index % len(subdistricts)],
                    province=province,
                    village_number=index % 20 + 1,
                    activity=rng.choice(Activity.values),
                    cohort_year=rng.choice([2016, 2017, 2018, 2022, 2024]),
                    members_count=rng.randint(10, 120),
                    stage=STAGES[index % len(STAGES)],
                    identity_story="ข้อมูลสังเคราะห์สำหรับการทดสอบประสิทธิภาพ",
                )
            )
        created = Community.objects.bulk_create(new, batch_size=2000)
        self._indicators_and_visits(created, visits)
        self._products(created, products)
        return created, len(existing)

    def _indicators_and_visits(self, communities, visits) -> None:
        rng, indicators = self.rng, self.indicators
        targets, fy_targets, visit_rows = [], [], []
        today = date.today()
        this_year = fiscal_year(today)
        for community in communities:
            for indicator in indicators:
                baseline = Decimal(rng.randint(1, 50) * 10)
                targets.append(
                    CommunityIndicator(
                        community=community,
                        indicator=indicator,
                        baseline=baseline,
                        target=baseline * 2,
                    )
                )
                fy_targets.extend(
                    CommunityTarget(
                        community=community,
                        indicator=indicator,
                        fiscal_year=fy,
                        target=baseline * (2 + fy - this_year),
                    )
                    for fy in (this_year - 1, this_year)
                )
            for number in range(visits):
                visit_rows.append(
                    ProgressVisit(
                        community=community,
                        officer=self.officer,
                        visited_on=today - timedelta(days=90 * (visits - number)),
                        summary=f"{PREFIX} การเยี่ยมครั้งที่ {number + 1}",
                    )
                )
        CommunityIndicator.objects.bulk_create(targets, batch_size=5000)
        CommunityTarget.objects.bulk_create(fy_targets, batch_size=5000)
        ProgressVisit.objects.bulk_create(visit_rows, batch_size=5000)
        values = []
        for visit in visit_rows:
            for indicator in indicators:
                period = period_containing(visit.visited_on, indicator.frequency)
                values.append(
                    IndicatorValue(
                        visit=visit,
                        indicator=indicator,
                        value=Decimal(rng.randint(10, 900)),
                        period_start=period.start,
                        period_end=period.end,
                    )
                )
        IndicatorValue.objects.bulk_create(values, batch_size=10000)

    def _products(self, communities, per_community) -> None:
        """Products named as communities name them: an item, a qualifier, the tambon."""
        rng, now = self.rng, timezone.now()
        places = dict(
            Subdistrict.objects.filter(
                pk__in={community.subdistrict_id for community in communities}
            ).values_list("pk", "name_th")
        )
        places_en = dict(Subdistrict.objects.filter(pk__in=places).values_list("pk", "name_en"))
        rows = []
        for community in communities:
            place_th = places[community.subdistrict_id]
            place_en = places_en[community.subdistrict_id] or place_th
            for number in range(1, per_community + 1):
                item_th, item_en, category, unit = rng.choice(ITEMS)
                qualifier_th, qualifier_en = rng.choice(QUALIFIERS)
                published = number % 2 == 1
                rows.append(
                    Product(
                        community=community,
                        name_th=f"{item_th}{qualifier_th} {place_th}",
                        name_en=f"{place_en} {qualifier_en} {item_en}".replace("  ", " "),
                        category=category,
                        price=Decimal(rng.randint(20, 2000)),
                        unit=unit,
                        status=Product.Status.PUBLISHED if published else Product.Status.DRAFT,
                        published_at=now if published else None,
                        created_by=self.officer,
                    )
                )
        Product.objects.bulk_create(rows, batch_size=5000)

    # --- MOUs, sessions, attendance ----------------------------------------------------
    def _mous(self) -> dict[str, MOU]:
        """One active MOU per province with synthetic communities, covering them all."""
        company, _created = Organisation.objects.get_or_create(
            kind=Organisation.Kind.COMPANY,
            name_th=COMPANY_NAME,
            defaults={"name_en": f"{PREFIX} Synthetic Big Brother Co., Ltd."},
        )
        areas = list(MentoringArea.objects.all())
        if not areas:
            raise CommandError("No mentoring areas: run seed_demo first.")
        synthetic = Community.objects.filter(name_th__startswith=PREFIX)
        mous = {}
        for code in synthetic.values_list("province_id", flat=True).distinct().order_by():
            province = Province.objects.get(pk=code)
            office, _created = Organisation.objects.get_or_create(
                kind=Organisation.Kind.GOVERNMENT,
                name_th=f"สำนักงานอุตสาหกรรมจังหวัด{province.name_th}",
                defaults={
                    "name_en": f"{province.name_en} Provincial Industry Office",
                    "province": province,
                },
            )
            title = f"{PREFIX} บันทึกข้อตกลงความร่วมมือ {province.name_th}"
            mou = MOU.objects.filter(title_th=title).first()
            if mou is None:
                mou = MOU.objects.create(
                    title_th=title,
                    title_en=f"{PREFIX} Memorandum of understanding, {province.name_en}",
                    government_office=office,
                    company=company,
                    signed_on=date.today() - timedelta(days=400),
                    starts_on=date.today() - timedelta(days=400),
                    status=MOU.Status.ACTIVE,
                    created_by=self.officer,
                )
                mou.areas.set(areas)
            covered = set(mou.communities.values_list("pk", flat=True))
            through = MOU.communities.through
            through.objects.bulk_create(
                [
                    through(mou_id=mou.pk, community_id=pk)
                    for pk in synthetic.filter(province=province).values_list("pk", flat=True)
                    if pk not in covered
                ],
                batch_size=5000,
            )
            mous[code] = mou
        return mous

    def _sessions(self, total, attendance) -> None:
        """``total`` sessions over two years (a year back, a year ahead), one community each.

        Session ``i`` goes to community ``i mod n`` at ``i × (730 days / total)``, so the two
        sessions of one community are a year apart and never overlap.
        """
        mous = self._mous()
        existing = TrainingSession.objects.filter(mou__in=mous.values()).count()
        if existing >= total:
            self.stdout.write(f"{existing} synthetic sessions were there already")
            return
        communities = list(
            Community.objects.filter(name_th__startswith=PREFIX)
            .order_by("pk")
            .values_list("pk", "province_id")
        )
        areas = {area.code: area for area in MentoringArea.objects.all()}
        fallback = next(iter(areas.values()))
        start = timezone.make_aware(
            datetime.combine(date.today() - timedelta(days=365), datetime.min.time())
        ).replace(hour=9)
        step = timedelta(days=730) / total
        rng, now = self.rng, timezone.now()
        sessions, places = [], []
        for index in range(existing, total):
            community, province = communities[index % len(communities)]
            starts = start + step * index
            title, area_code = SESSION_TITLES[index % len(SESSION_TITLES)]
            done = starts < now
            sessions.append(
                TrainingSession(
                    mou=mous[province],
                    area=areas.get(area_code, fallback),
                    title=title,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=3),
                    venue=rng.choice(VENUES),
                    capacity=30,
                    status=TrainingSession.Status.DONE
                    if done
                    else TrainingSession.Status.CONFIRMED,
                    created_by=self.officer,
                )
            )
            places.append(community)
        TrainingSession.objects.bulk_create(sessions, batch_size=5000)
        SessionCommunity.objects.bulk_create(
            [
                SessionCommunity(
                    session=session,
                    community_id=community,
                    period=DateTimeTZRange(session.starts_at, session.ends_at),
                    active=True,
                )
                for session, community in zip(sessions, places, strict=True)
            ],
            batch_size=5000,
            # A run that grows the scale may land a session on a slot the community already
            # has: that session is then held without it (the overlap is refused, not raised).
            ignore_conflicts=True,
        )
        Attendance.objects.bulk_create(
            [
                Attendance(
                    session=session,
                    walk_in_name=f"{rng.choice(WALK_IN_NAMES)} {number}",
                    community_id=community,
                    present=session.status == TrainingSession.Status.DONE and number % 5 != 0,
                )
                for session, community in zip(sessions, places, strict=True)
                for number in range(1, attendance + 1)
            ],
            batch_size=10000,
        )
        self.stdout.write(f"{len(sessions)} synthetic sessions added ({existing} were there)")

    def _notifications(self, province, count) -> None:
        """``count`` inbox rows (a quarter unread) for each officer of the main province."""
        officers = User.objects.filter(role=Role.OFFICER, provinces=province, is_active=True)
        rows = []
        now = timezone.now()
        for officer in officers.exclude(email=OFFICER_EMAIL):
            for number in range(count):
                rows.append(
                    Notification(
                        recipient=officer,
                        kind=Kind.PROGRESS_LOGGED,
                        event_key=f"scale:{number}",
                        title=f"บันทึกการเยี่ยมชุมชนสังเคราะห์ {number}",
                        title_en=f"Synthetic community visit logged {number}",
                        url="/communities/",
                        read_at=None if number % 4 == 0 else now,
                    )
                )
        Notification.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
