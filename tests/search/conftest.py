from decimal import Decimal

import pytest

from accounts.models import User
from communities.models import Community
from products.models import Product
from products.services import create_product, publish_product, submit_product


@pytest.fixture
def certified_tea(db):
    """A published herbal listing of บ้านแจ้คอน with every certification the form offers."""
    member = User.objects.get(email="member.jaekhon@civ.example")
    officer = User.objects.get(email="officer.lampang@civ.example")
    product = create_product(
        member,
        Community.objects.get(name_th="ชุมชนบ้านแจ้คอน"),
        name_th="ชาสมุนไพรตะไคร้",
        name_en="Lemongrass herbal tea",
        category=Product.Category.HERBAL,
        story="ตะไคร้และใบเตยตากแห้งจากแปลงของชุมชน",
        price=Decimal("60.00"),
        unit="กล่อง",
        otop_stars=4,
        fda_number="52-1-12345-2-0001",
        community_standard="มผช. 120/2565",
        gap_certified=True,
        organic_thailand=True,
    )
    submit_product(member, product)
    return publish_product(officer, product)
