"""The search documents: what they carry, that services keep them current, that the
trigram indexes serve the queries actually run."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q

from accounts.models import User
from communities.models import Community
from communities.services import update_community
from products.models import Product
from products.selectors import CatalogueFilter, catalogue_search, public_communities
from products.services import archive_product, create_product, publish_product, update_product
from search.documents import normalise
from search.models import CommunityDocument, ProductDocument, Word, fold
from search.query import find

pytestmark = pytest.mark.django_db


def product_document(name_th) -> str:
    return ProductDocument.objects.get(product__name_th=name_th).text


def test_a_product_document_carries_names_labels_places_and_certifications(certified_tea):
    text = product_document("ชาสมุนไพรตะไคร้")
    for words in [
        "ชาสมุนไพรตะไคร้",
        "lemongrass herbal tea",
        "สมุนไพรและเครื่องสำอาง",  # the category, in Thai
        "herbal and cosmetics",  # and in English
        "ชุมชนบ้านแจ้คอน",
        "ban jae khon community",
        "ตำบลทุ่งผึ้ง",
        "ต.ทุ่งผึ้ง",
        "thung phueng",
        "อำเภอแจ้ห่ม",
        "อ.แจ้ห่ม",
        "chae hom",
        "จังหวัดลำปาง",
        "จ.ลำปาง",
        "lampang",
        "otop",
        "อย.",
        "มผช.",
        "gap",
        "organic thailand",
    ]:
        assert words in text, words


def test_a_community_document_carries_its_activity_in_both_languages_and_its_listings():
    text = CommunityDocument.objects.get(community__name_th="ชุมชนบ้านแจ้คอน").text
    assert "เกษตร" in text and "agriculture" in text
    assert "ข้าวกล้องบรรจุสุญญากาศ" in text and "vacuum-packed brown rice" in text


def test_normalise_lowers_case_folds_spaces_and_the_two_spellings_of_sara_am():
    assert normalise("  Jar-Roasted\n Coffee ") == "jar-roasted coffee"
    assert normalise("น\u0e4d\u0e32") == "น\u0e33"


def test_a_published_change_rewrites_its_document_once_it_is_published():
    member = User.objects.get(email="member.paentai@civ.example")
    officer = User.objects.get(email="officer.lampang@civ.example")
    product = Product.objects.get(name_th="มะนาวผง")
    update_product(member, product, name_th="มะนาวผงอบแห้ง", version=product.version)
    # While the change waits for review the public version, and so its document, stay.
    assert "มะนาวผงอบแห้ง" not in product_document("มะนาวผง")
    publish_product(officer, Product.objects.get(pk=product.pk))
    assert "มะนาวผงอบแห้ง" in product_document("มะนาวผงอบแห้ง")
    assert Word.objects.filter(word="มะนาวผงอบแห้ง").exists()


def test_an_archived_listing_leaves_its_communitys_document():
    member = User.objects.get(email="member.paentai@civ.example")
    archive_product(member, Product.objects.get(name_th="มะนาวผง"))
    text = CommunityDocument.objects.get(community__name_th="ชุมชนบ้านแป้นใต้").text
    assert "lime powder" not in text and "bottled lime juice" in text
    found = catalogue_search(CatalogueFilter(q="มะนาว"))
    assert "มะนาวผง" not in {p.name_th for p in found.queryset}


def test_renaming_a_community_rewrites_its_listings_documents():
    officer = User.objects.get(email="officer.lampang@civ.example")
    community = Community.objects.get(name_th="ชุมชนบ้านแป้นใต้")
    update_community(officer, community, name_th="ชุมชนมะนาวบ้านแป้นใต้", version=community.version)
    assert "ชุมชนมะนาวบ้านแป้นใต้" in product_document("น้ำมะนาวบรรจุขวด")


def test_rebuild_search_makes_every_document_again():
    ProductDocument.objects.all().delete()
    CommunityDocument.objects.all().delete()
    Word.objects.all().delete()
    call_command("rebuild_search", stdout=StringIO())
    assert ProductDocument.objects.count() == Product.objects.count()
    assert CommunityDocument.objects.count() == Community.objects.count()
    assert Word.objects.filter(word="กาแฟ").exists()


def _explain(queryset, options: str = "") -> list[tuple]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Test-sized tables are cheaper to read whole (or along the primary key) than
        # through a GIN index; with those paths off, the question left is whether the
        # trigram index serves the expression actually queried (on 50,000 listings the
        # planner picks it unprompted: bench/search_relevance.py).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {options} {sql}", params)
        return cursor.fetchall()


def _plan(queryset) -> str:
    return "\n".join(row[0] for row in _explain(queryset))


def test_catalogue_search_runs_like_on_the_folded_document_through_its_trigram_index():
    found = catalogue_search(CatalogueFilter(q="กาแฟ โอ่ง"))
    sql = str(found.queryset.query)
    assert '"search_productdocument"."folded" LIKE %กาแฟ%' in sql and "UPPER(" not in sql
    # The same expression on the document table alone: the planner's join order on six
    # listings says nothing, the index serving the expression is what matters (on 50,000
    # listings the whole page's query uses it: bench/search_relevance.py prints the plan).
    documents = ProductDocument.objects.filter(folded__like=fold("กาแฟ"))
    assert "Bitmap Index Scan on product_document_trgm" in _plan(documents)


def test_fuzzy_search_also_runs_through_the_trigram_index():
    found = catalogue_search(CatalogueFilter(q="กาแฝ"))
    assert found.fuzzy
    # The page ranks the documents with either spelling: one LIKE each, an index scan each.
    sql = str(found.queryset.query)
    assert '"folded" LIKE %กาแฝ% OR "search_productdocument"."folded" LIKE %กาแฟ%' in sql
    assert _plan(found.queryset).count("Bitmap Index Scan on product_document_trgm") == 2
    documents = ProductDocument.objects.filter(
        Q(folded__like=fold("กาแฝ")) | Q(folded__like=fold("กาแฟ"))
    )
    assert "Bitmap Index Scan on product_document_trgm" in _plan(documents)


def test_the_page_ranks_the_documents_first_and_joins_the_listings_in_that_order():
    """The documents are ranked in a subquery of their own (a CTE with a LIMIT, which
    PostgreSQL does not merge into the outer query) and the outer query orders by the
    same columns, so it can join listings to the best documents one by one and stop at
    the page instead of joining every hit first (bench/search_relevance.py shows it)."""
    found = catalogue_search(CatalogueFilter(q="กาแฟ"))
    sql = str(found.queryset[:24].query)
    ranked, outer = sql.split(' INNER JOIN "search_ranked"')
    assert ranked.startswith('WITH RECURSIVE "search_ranked" AS (SELECT')
    assert "ORDER BY 2 DESC, 3 ASC, 4 ASC, 1 ASC LIMIT" in ranked
    assert outer.endswith(
        '"search_ranked"."search_length" ASC, "search_ranked"."name_th" ASC, '
        '"search_ranked"."product_id" ASC LIMIT 24'
    )
    assert [p.name_th for p in found.queryset][:1] == ["กาแฟคั่วโอ่ง"]


def test_a_short_latin_word_matches_where_a_word_starts_through_the_index():
    umbrella = _listing("ร่มบ่อสร้าง", "Bo Sang umbrella", category=Product.Category.SOUVENIR)
    rainbow = _listing("ผ้าพันคอสีรุ้ง", "Rainbow scarf")
    honey = _listing("น้ำผึ้งป่า", "Wild honey", category=Product.Category.FOOD)
    weave = _listing("ผ้าทอชลบุรี", "Chon Buri weave")
    listings = Product.objects.filter(pk__in=[umbrella.pk, rainbow.pk, honey.pk, weave.pk])
    assert [p.pk for p in find(listings, "Bo").queryset] == [umbrella.pk]
    assert [p.pk for p in find(listings, "hon").queryset] == [honey.pk]
    # Four letters and more are found inside a word too.
    assert [p.pk for p in find(listings, "ainbow").queryset] == [rainbow.pk]
    documents = ProductDocument.objects.filter(Q(folded__like_start="bo") | Q(folded__like=" bo"))
    assert "Bitmap Index Scan on product_document_trgm" in _plan(documents)


def _listing(name_th, name_en="", category=Product.Category.TEXTILE):
    return create_product(
        User.objects.get(email="member.maejaem@civ.example"),
        Community.objects.get(name_th="ชุมชนผลิตกาแฟบ้านแม่แจ๋ม"),
        name_th=name_th,
        name_en=name_en,
        category=category,
        price=Decimal("450.00"),
        unit="ผืน",
    )


def test_the_folded_copy_writes_thai_marks_as_capitals_and_finds_what_the_text_has():
    # ้ (a tone mark) and ั (a vowel above the line) are marks; า, ไ, ำ are letters.
    assert fold("ผ้าไหม") == "ผKาไหม" and fold("กัมพูชา") == "กAมพGชา" and fold("น้ำ") == "นKำ"
    silk = _listing("ผ้าไหมยกดอก", "Brocade silk")
    _listing("ผาสุกกาแฟ")  # ผา without the mark: a different word
    document = ProductDocument.objects.get(product=silk)
    assert document.folded == fold(document.text)
    for word in ["ผ้า", "ผ้าไหม", "ยกดอก", "silk", "ผา"]:
        by_text = set(ProductDocument.objects.filter(text__like=word).values_list("pk", flat=True))
        by_folded = set(
            ProductDocument.objects.filter(folded__like=fold(word)).values_list("pk", flat=True)
        )
        assert by_folded == by_text, word
        assert (silk.pk in by_folded) == (word != "ผา"), word


def _rechecked_in_vain(queryset) -> int:
    """How many documents the trigram index handed over that the LIKE then turned down
    ("Rows Removed by Index Recheck", from EXPLAIN ANALYZE: rows, not time, and only
    rows alive, so other tests' rolled-back documents still in the index do not count)."""
    plan = _explain(queryset, "(ANALYZE, FORMAT JSON)")[0][0][0]["Plan"]

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    scans = [n for n in nodes(plan) if n["Node Type"] == "Bitmap Heap Scan"]
    assert any(
        child.get("Index Name") == "product_document_trgm" for n in scans for child in n["Plans"]
    ), "the trigram index was not used"
    return sum(n.get("Rows Removed by Index Recheck", 0) for n in scans)


def test_a_short_thai_word_with_a_tone_mark_narrows_the_index_to_its_documents():
    """pg_trgm cuts words at Thai marks: on the raw text "ผ้า" gave no trigram and the
    index handed over every document; on the folded copy it hands over the ones that
    have it (counted in rows, not time, so the check does not depend on the machine)."""
    _listing("ผ้าไหมยกดอก")
    _listing("ผ้าฝ้ายทอมือ")
    for n in range(40):
        # Not textiles: that category's label has ผ้า in it.
        _listing(f"สบู่สมุนไพรก้อนที่ {n}", category=Product.Category.HERBAL)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_productdocument")
    total = ProductDocument.objects.count()
    with_word = ProductDocument.objects.filter(text__like="ผ้า").count()
    assert 0 < with_word < 5 and total > 40
    # On the raw text the index handed over all of them, and the LIKE turned down the rest.
    in_vain = _rechecked_in_vain(ProductDocument.objects.filter(folded__like=fold("ผ้า")))
    assert in_vain <= with_word, f"{in_vain} of {total} documents turned down"


def test_community_search_runs_through_the_community_document_trigram_index():
    from communities.selectors import search_communities

    found = search_communities(public_communities(), "ลำปาง")
    assert "Bitmap Index Scan on community_document_trgm" in _plan(found.queryset)


def test_like_wildcards_typed_by_a_reader_are_matched_literally():
    assert catalogue_search(CatalogueFilter(q="%")).count == 0
    assert catalogue_search(CatalogueFilter(q="_")).count == 0


def test_look_alike_variants_swap_one_consonant_at_a_time():
    from search.query import look_alike_variants

    assert look_alike_variants("บด") == ["ปด", "บต"]
    assert look_alike_variants("abc") == []
