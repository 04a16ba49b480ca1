"""Build and keep current the search documents (see ``search.models``)."""

import re
import unicodedata
from functools import lru_cache

from django.db import transaction
from django.utils import translation

from communities.models import Activity, Community
from products.models import Product

from .models import CommunityDocument, ProductDocument, Word, fold

# Prefixes a reader may type before a place name, or leave out.
PROVINCE_PREFIXES = ("จังหวัด", "จ.")
DISTRICT_PREFIXES = ("อำเภอ", "อ.")
SUBDISTRICT_PREFIXES = ("ตำบล", "ต.")
# Bangkok's districts and subdistricts are เขต and แขวง.
BANGKOK = "10"
BANGKOK_DISTRICT_PREFIXES = ("เขต",)
BANGKOK_SUBDISTRICT_PREFIXES = ("แขวง",)

# Certification words: what the field means, as a buyer types it, in both languages.
OTOP_WORDS = "OTOP โอทอป โอท็อป"
FDA_WORDS = "อย. อย FDA"
COMMUNITY_STANDARD_WORDS = "มผช. มผช มาตรฐานผลิตภัณฑ์ชุมชน"
GAP_WORDS = "GAP จีเอพี"
ORGANIC_WORDS = "Organic Thailand ออร์แกนิก เกษตรอินทรีย์"

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower case, one space between words, ``ํา`` written as ``ำ`` (both are typed)."""
    text = unicodedata.normalize("NFC", text or "").replace("\u0e4d\u0e32", "\u0e33")
    return _SPACES.sub(" ", text.casefold()).strip()


def _both_languages(label) -> list[str]:
    """A lazy label from code (a choice's label, not ``get_FOO_display()``, which is
    already rendered in the active language), as Thai and as English."""
    words = []
    for language in ("th", "en"):
        with translation.override(language):
            words.append(str(label))
    return words


def _place_names(place, prefixes) -> list[str]:
    names = [place.name_th, place.name_en]
    names += [prefix + place.name_th for prefix in prefixes]
    return names


def place_words(subdistrict) -> list[str]:
    district = subdistrict.district
    province = district.province
    bangkok = province.code == BANGKOK
    return [
        *_place_names(
            subdistrict, BANGKOK_SUBDISTRICT_PREFIXES if bangkok else SUBDISTRICT_PREFIXES
        ),
        *_place_names(district, BANGKOK_DISTRICT_PREFIXES if bangkok else DISTRICT_PREFIXES),
        *_place_names(province, () if bangkok else PROVINCE_PREFIXES),
    ]


def certification_words(product) -> list[str]:
    words = []
    if product.otop_stars:
        words += [OTOP_WORDS, f"OTOP {product.otop_stars} ดาว", f"{product.otop_stars} stars"]
    if product.fda_number:
        words += [FDA_WORDS, product.fda_number]
    if product.community_standard:
        words += [COMMUNITY_STANDARD_WORDS, product.community_standard]
    if product.gap_certified:
        words.append(GAP_WORDS)
    if product.organic_thailand:
        words.append(ORGANIC_WORDS)
    return words


def product_text(product) -> str:
    community = product.community
    parts = [
        product.name_th,
        product.name_en,
        product.story,
        *_both_languages(Product.Category(product.category).label),
        *certification_words(product),
        community.name_th,
        community.name_en,
        *place_words(community.subdistrict),
    ]
    return normalise(" | ".join(part for part in parts if part))


def community_text(community, product_names=()) -> str:
    parts = [
        community.name_th,
        community.name_en,
        community.identity_story,
        community.main_activities,
        *_both_languages(Activity(community.activity).label),
        *place_words(community.subdistrict),
        *product_names,
    ]
    return normalise(" | ".join(part for part in parts if part))


def words_of(text: str) -> set[str]:
    """The vocabulary a document adds: its space-separated words and, inside Thai runs
    (written without spaces), the words pythainlp's dictionary segmenter finds."""
    words = set()
    for part in text.split(" | "):
        words |= _part_words(part)
    return words


@lru_cache(maxsize=50_000)
def _part_words(part: str) -> frozenset[str]:
    # Parts repeat across documents (places, labels, a community's name on each of its
    # listings): segment each once per process.
    from pythainlp.tokenize import word_tokenize  # a large import, only when indexing

    words = set()
    for token in part.split():
        token = token.strip(".,:;()[]|\"'“”-")
        if 2 <= len(token) <= 100 and not token.isdigit():
            words.add(token)
    for token in word_tokenize(part, engine="newmm", keep_whitespace=False):
        token = token.strip(".,:;()[]|\"'“”-")
        if 2 <= len(token) <= 100 and any(c.isalpha() for c in token) and " " not in token:
            words.add(token)
    return frozenset(words)


def _add_words(texts) -> None:
    words = set()
    for text in texts:
        words |= words_of(text)
    Word.objects.bulk_create([Word(word=w) for w in sorted(words)], ignore_conflicts=True)


def _product_queryset():
    return Product.objects.select_related("community__subdistrict__district__province")


def _community_queryset():
    return Community.objects.select_related("subdistrict__district__province")


def _published_names(community_ids) -> dict[int, list[str]]:
    """Names of each community's published listings (the public may search by them)."""
    from products.selectors import published_products

    names: dict[int, list[str]] = {}
    rows = published_products().filter(community_id__in=community_ids)
    for community_id, name_th, name_en, category in rows.values_list(
        "community_id", "name_th", "name_en", "category"
    ):
        label = Product.Category(category).label
        names.setdefault(community_id, []).extend([name_th, name_en, *_both_languages(label)])
    return names


def _product_document(product) -> ProductDocument:
    return ProductDocument(
        product=product,
        name_th=normalise(product.name_th),
        name_en=normalise(product.name_en),
        text=(text := product_text(product)),
        folded=fold(text),
    )


def _community_document(community, product_names) -> CommunityDocument:
    return CommunityDocument(
        community=community,
        name_th=normalise(community.name_th),
        name_en=normalise(community.name_en),
        text=(text := community_text(community, product_names)),
        folded=fold(text),
    )


_FIELDS = ["name_th", "name_en", "text", "folded", "updated_at"]


def _save_products(products) -> None:
    documents = [_product_document(p) for p in products]
    ProductDocument.objects.bulk_create(
        documents, update_conflicts=True, unique_fields=["product"], update_fields=_FIELDS
    )
    _add_words(d.text for d in documents)


def _save_communities(communities) -> None:
    names = _published_names([c.pk for c in communities])
    documents = [_community_document(c, names.get(c.pk, ())) for c in communities]
    CommunityDocument.objects.bulk_create(
        documents, update_conflicts=True, unique_fields=["community"], update_fields=_FIELDS
    )
    _add_words(d.text for d in documents)


def refresh_product(product_id: int) -> None:
    """Rebuild one listing's document and its community's (which carries its names)."""
    product = _product_queryset().get(pk=product_id)
    _save_products([product])
    _save_communities([product.community])


def refresh_community_only(community_id: int) -> None:
    """Rebuild a community's document alone (a listing of it was published or withdrawn)."""
    _save_communities([_community_queryset().get(pk=community_id)])


def refresh_community(community_id: int) -> None:
    """Rebuild a community's document and its listings' (which carry its names and place)."""
    community = _community_queryset().get(pk=community_id)
    _save_communities([community])
    products = list(_product_queryset().filter(community_id=community_id))
    if products:
        _save_products(products)


def index_communities(community_ids, batch_size: int = 1000) -> None:
    """Documents for communities made in bulk (``seed_scale``) and for their listings."""
    community_ids = list(community_ids)
    for start in range(0, len(community_ids), batch_size):
        ids = community_ids[start : start + batch_size]
        _save_communities(list(_community_queryset().filter(pk__in=ids)))
        _save_products(list(_product_queryset().filter(community_id__in=ids)))


def rebuild_all(batch_size: int = 2000, stdout=None) -> tuple[int, int]:
    """Every document and the vocabulary from scratch; returns (products, communities)."""
    with transaction.atomic():
        Word.objects.all().delete()
        ProductDocument.objects.all().delete()
        CommunityDocument.objects.all().delete()
        counts = []
        for queryset, save in (
            (_product_queryset().order_by("pk"), _save_products),
            (_community_queryset().order_by("pk"), _save_communities),
        ):
            done = 0
            batch = []
            for row in queryset.iterator(chunk_size=batch_size):
                batch.append(row)
                if len(batch) == batch_size:
                    save(batch)
                    done += len(batch)
                    batch = []
                    if stdout:
                        stdout.write(f"  {done} …")
            if batch:
                save(batch)
                done += len(batch)
            counts.append(done)
    return counts[0], counts[1]
