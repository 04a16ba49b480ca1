"""The public site: no sign-in, published listings only, cache-friendly, shareable."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Community
from products.models import Product, ProductImage
from products.services import create_product
from search.documents import rebuild_all

pytestmark = pytest.mark.django_db


def test_home_shows_the_programme_figures_without_sign_in(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    # The 163/27 of 2559–2561 are labelled as historical, not shown as live counts.
    assert ">163<" not in page and ">27<" not in page
    assert "163" in page and "27" in page
    published = Product.objects.filter(status="published").count()
    assert f">{published}<" in page


def test_the_dashboard_moved_to_its_own_address(client):
    assert reverse("dashboard") == "/dashboard/"
    assert client.get("/dashboard/").status_code == 302


@pytest.mark.parametrize("path", ["/", "/catalogue/", "/c/", "/catalogue/?q=กาแฟ"])
def test_public_pages_are_cacheable_and_set_no_cookie(client, path):
    response = client.get(path)
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=300" in cache_control
    assert "Cookie" in response["Vary"]
    assert not response.cookies


def test_a_signed_in_visitor_gets_a_private_copy(client, lampang_officer):
    client.force_login(lampang_officer)
    response = client.get("/catalogue/")
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_draft_and_submitted_products_have_no_public_page(client, lime_powder, paentai_member):
    draft = create_product(
        paentai_member,
        lime_powder.community,
        name_th="มะนาวร่าง",
        category="food",
        price=Decimal(10),
        unit="ถุง",
    )
    assert client.get(reverse("public_product", args=[draft.pk])).status_code == 404
    Product.objects.filter(pk=draft.pk).update(status="submitted")
    assert client.get(reverse("public_product", args=[draft.pk])).status_code == 404
    assert "มะนาวร่าง" not in client.get("/catalogue/?q=มะนาว").content.decode()
    community = client.get(reverse("public_community", args=[lime_powder.community_id]))
    assert "มะนาวร่าง" not in community.content.decode()


def test_product_page_has_opengraph_tags_with_an_absolute_image_url(client, lime_powder):
    cover = ProductImage.objects.create(
        product=lime_powder,
        image="products/2026/11/lime.jpg",
        thumb="products/2026/11/thumbs/lime.webp",
        is_cover=True,
    )
    response = client.get(reverse("public_product", args=[lime_powder.pk]))
    assert "public" in response["Cache-Control"] and not response.cookies
    page = response.content.decode()
    assert '<meta property="og:title" content="มะนาวผง · ชุมชนบ้านแป้นใต้">' in page
    # Photos are looked up by row, never by a path under /media/.
    assert (
        f'<meta property="og:image" content="http://testserver/photos/product/{cover.pk}/large/">'
        in page
    )
    assert f'<meta property="og:url" content="http://testserver/p/{lime_powder.pk}/">' in page
    assert '<meta property="og:description" content="มะนาวแปรรูปเป็นผง' in page


def test_sitemap_lists_published_products_and_communities_only(client, lime_powder):
    Product.objects.filter(name_th="น้ำมะนาวบรรจุขวด").update(status="draft")
    bottled = Product.objects.get(name_th="น้ำมะนาวบรรจุขวด")
    xml = client.get("/sitemap.xml").content.decode()
    assert f"http://testserver/p/{lime_powder.pk}/" in xml
    assert f"http://testserver/p/{bottled.pk}/" not in xml
    assert f"http://testserver/c/{lime_powder.community_id}/" in xml


def test_community_page_tells_its_story_products_and_upcoming_events(client, lime_powder):
    from mentorship.models import TrainingSession

    community = lime_powder.community
    mou = community.mous.first()
    now = timezone.now()
    base = {"mou": mou, "area": mou.areas.first(), "venue": "ศาลาหมู่บ้าน"}
    # Only sessions marked open to the public are listed (the internal one is not).
    sessions = {
        "อบรมการตลาดออนไลน์": ("planned", now + timedelta(days=3)),
        "อบรมที่ยกเลิกแล้ว": ("cancelled", now + timedelta(days=4)),
        "อบรมที่ผ่านไปแล้ว": ("done", now - timedelta(days=4)),
    }
    for title, (status, starts) in sessions.items():
        session = TrainingSession.objects.create(
            title=title,
            status=status,
            is_public=True,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            created_by=lime_powder.created_by,
            **base,
        )
        session.communities.add(
            community, through_defaults={"period": (starts, starts + timedelta(hours=3))}
        )
    page = client.get(reverse("public_community", args=[community.pk])).content.decode()
    assert "ชุมชนบ้านแป้นใต้" in page and "มะนาวผง" in page and "น้ำมะนาวบรรจุขวด" in page
    assert "อบรมการตลาดออนไลน์" in page
    assert "อบรมที่ยกเลิกแล้ว" not in page and "อบรมที่ผ่านไปแล้ว" not in page


def test_communities_page_has_a_map_and_a_list_that_works_without_it(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    page = client.get("/c/").content.decode()
    assert "vendor/leaflet/leaflet.js" in page and "https://tiles.example/{z}/{x}/{y}.png" in page
    assert "ชุมชนผลิตกาแฟบ้านแม่แจ๋ม" in page and 'id="community-points"' in page


def _publish_many(n):
    community = Community.objects.get(subdistrict__code="520602")
    now = timezone.now()
    products = Product.objects.bulk_create(
        Product(
            community=community,
            name_th=f"มะนาวแช่อิ่ม {i}",
            name_en=f"Pickled lime {i}",
            category="food",
            price=Decimal(50 + i),
            unit="กระปุก",
            status="published",
            published_at=now,
        )
        for i in range(n)
    )
    ProductImage.objects.bulk_create(
        ProductImage(product=p, image=f"p/{p.pk}.jpg", thumb=f"p/{p.pk}.webp", is_cover=True)
        for p in products
    )
    # Rows made in bulk skip the services that keep the search documents current.
    rebuild_all()


@pytest.mark.parametrize("n", [10, 200])
@pytest.mark.parametrize("path", ["/catalogue/", "/catalogue/?q=มะนาว&category=food&price_max=500"])
def test_catalogue_and_search_run_the_same_number_of_queries_for_10_and_200_products(
    client, django_assert_num_queries, n, path
):
    _publish_many(n)
    # provinces for the filter, the count, the page with each listing's cover photo id
    with django_assert_num_queries(3):
        response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "มะนาวแช่อิ่ม" in html
    covers = ProductImage.objects.filter(product__name_th__startswith="มะนาวแช่อิ่ม")
    assert any(reverse("product_photo", args=[c.pk, "thumb"]) in html for c in covers)


@pytest.mark.parametrize("n", [10, 200])
def test_home_and_community_pages_run_the_same_number_of_queries_for_10_and_200_products(
    client, django_assert_max_num_queries, n
):
    _publish_many(n)
    community = Community.objects.get(subdistrict__code="520602")
    # Six: the cohorts and their live counts from the registry are two of them.
    with django_assert_max_num_queries(6):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("public_community", args=[community.pk])).status_code == 200


def test_the_public_language_link_sets_the_cookie_and_returns_to_the_page(client):
    response = client.get("/lang/en/?next=/catalogue/")
    assert response.status_code == 302 and response["Location"] == "/catalogue/"
    assert response.cookies["django_language"].value == "en"
    assert "Products from the communities" in client.get("/catalogue/").content.decode()


def test_the_public_language_link_never_redirects_off_site(client):
    assert client.get("/lang/th/?next=https://evil.example/")["Location"] == "/"


def test_home_cohort_figures_are_counted_from_the_registry_beside_the_historical_ones(
    client, django_capture_on_commit_callbacks
):
    from django.utils import translation

    from communities.models import Cohort, Stage

    civ_round = Cohort.objects.get(start_year=2016)
    linked = Community.objects.filter(cohort=civ_round)
    # A registry row with only the year (no cohort link) belongs to the cohort holding it.
    Community.objects.filter(cohort__isnull=True).update(cohort_year=None)
    count, civ = linked.count(), linked.filter(stage__in=[Stage.CIV, Stage.SELF_SUSTAINING]).count()
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        page = client.get("/").content.decode()
    section = page[page.index(civ_round.name_en) :]
    section = section[: section.index("</div>\n  </div>")]
    assert f">{count}<" in section and f">{civ}<" in section
    assert "Historical figures (before the portal)" in section
    assert "Target: 163 communities; 27 became CIV villages." in section

    # One more community of the year 2017, no cohort link, at CIV: the live figures follow
    # at once (the cached home is forgotten on the save), the historical ones do not.
    newcomer = Community.objects.exclude(cohort=civ_round).first()
    with django_capture_on_commit_callbacks(execute=True):
        newcomer.cohort = None
        newcomer.cohort_year = 2017
        newcomer.stage = Stage.CIV
        newcomer.save()
    with translation.override("en"):
        page = client.get("/").content.decode()
    section = page[page.index(civ_round.name_en) :]
    section = section[: section.index("</div>\n  </div>")]
    assert f">{count + 1}<" in section and f">{civ + 1}<" in section
    assert "Target: 163 communities; 27 became CIV villages." in section
