"""A large synthetic programme in one province, for benchmarks: ``seed_scale --province 52``.

Rows are written with bulk inserts (no history rows, no notifications) and are marked as
synthetic by the name prefix ``[SCALE]`` and the officer ``scale.officer@synthetic.invalid``.
Running it again adds only what is missing; ``--reset`` deletes the synthetic rows first.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from communities.models import (
    Activity,
    Community,
    CommunityIndicator,
    Indicator,
    IndicatorValue,
    ProgressVisit,
    Province,
    Stage,
    Subdistrict,
)
from products.models import Product
from search.documents import index_communities

PREFIX = "[SCALE]"
OFFICER_EMAIL = "scale.officer@synthetic.invalid"
STAGES = [Stage.TARGET] * 5 + [Stage.DEVELOPING] * 3 + [Stage.CIV] + [Stage.SELF_SUSTAINING]


class Command(BaseCommand):
    help = "Create a large synthetic programme in one province (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--province", default="52", help="province code (default 52 ลำปาง)")
        parser.add_argument("--communities", type=int, default=500)
        parser.add_argument("--visits", type=int, default=4, help="visits per community")
        parser.add_argument("--products", type=int, default=3, help="products per community")
        parser.add_argument("--reset", action="store_true", help="delete synthetic rows first")
        parser.add_argument("--seed", type=int, default=2568, help="random seed")

    @transaction.atomic
    def handle(self, *args, province, communities, visits, products, reset, seed, **options):
        rng = random.Random(seed)
        province_row = Province.objects.filter(pk=province).first()
        if province_row is None:
            raise CommandError(f"Unknown province {province}: run load_geography (or seed_demo).")
        subdistricts = list(
            Subdistrict.objects.filter(district__province=province_row).order_by("code")
        )
        if not subdistricts:
            raise CommandError(f"Province {province} has no subdistricts loaded.")
        synthetic = Community.objects.filter(province=province_row, name_th__startswith=PREFIX)
        if reset:
            deleted, _rows = synthetic.delete()
            self.stdout.write(f"deleted {deleted} synthetic rows")
        officer = self._officer(province_row)
        names = [f"{PREFIX} ชุมชนสังเคราะห์ {index:04d}" for index in range(1, communities + 1)]
        existing = set(synthetic.values_list("name_th", flat=True))
        new = [
            Community(
                name_th=name,
                name_en=f"{PREFIX} Synthetic community {index:04d}",
                subdistrict=subdistricts[index % len(subdistricts)],
                province=province_row,
                village_number=index % 20 + 1,
                activity=rng.choice(Activity.values),
                cohort_year=rng.choice([2016, 2017, 2018, 2022, 2024]),
                members_count=rng.randint(10, 120),
                stage=STAGES[index % len(STAGES)],
                identity_story="ข้อมูลสังเคราะห์สำหรับการทดสอบประสิทธิภาพ",
            )
            for index, name in enumerate(names, start=1)
            if name not in existing
        ]
        created = Community.objects.bulk_create(new, batch_size=1000)
        self._indicators_and_visits(created, officer, visits, rng)
        self._products(created, officer, products, rng)
        # Rows made in bulk skip the services that keep the search documents current.
        index_communities(c.pk for c in created)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(created)} synthetic communities added in {province_row.name_th} "
                f"({len(existing)} were there already)"
            )
        )

    def _officer(self, province: Province) -> User:
        officer = User.objects.filter(email=OFFICER_EMAIL).first()
        if officer is None:
            # No usable password: the synthetic officer only owns visits, nobody signs in.
            officer = User.objects.create_user(
                email=OFFICER_EMAIL, full_name=f"{PREFIX} เจ้าหน้าที่", role=Role.OFFICER
            )
        officer.provinces.add(province)
        return officer

    def _indicators_and_visits(self, communities, officer, visits, rng) -> None:
        indicators = list(Indicator.objects.filter(active=True))
        targets, visit_rows = [], []
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
            for number in range(visits):
                visit_rows.append(
                    ProgressVisit(
                        community=community,
                        officer=officer,
                        visited_on=date.today() - timedelta(days=90 * (visits - number)),
                        summary=f"{PREFIX} การเยี่ยมครั้งที่ {number + 1}",
                    )
                )
        CommunityIndicator.objects.bulk_create(targets, batch_size=2000)
        ProgressVisit.objects.bulk_create(visit_rows, batch_size=2000)
        values = [
            IndicatorValue(visit=visit, indicator=indicator, value=Decimal(rng.randint(10, 900)))
            for visit in visit_rows
            for indicator in indicators
        ]
        IndicatorValue.objects.bulk_create(values, batch_size=5000)

    def _products(self, communities, officer, per_community, rng) -> None:
        now = timezone.now()
        rows = []
        for community in communities:
            for number in range(1, per_community + 1):
                published = number % 2 == 1
                rows.append(
                    Product(
                        community=community,
                        name_th=f"{PREFIX} สินค้า {community.pk}-{number}",
                        name_en=f"{PREFIX} Product {community.pk}-{number}",
                        category=rng.choice(Product.Category.values),
                        price=Decimal(rng.randint(20, 2000)),
                        unit="ชิ้น",
                        status=Product.Status.PUBLISHED if published else Product.Status.DRAFT,
                        published_at=now if published else None,
                        created_by=officer,
                    )
                )
        Product.objects.bulk_create(rows, batch_size=2000)
