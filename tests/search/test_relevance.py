"""What buyers and officers type, and what must come first, on the demo programme.

Each row: the query, the listing (or community) that must rank first, and, where the
answer is a known set, every name that must be found and nothing else. Typos must be
found through the fuzzy pass (``Found.fuzzy``) and so below any exact hit.
"""

import pytest
from django.utils import translation

from accounts.models import User
from communities.selectors import registry_search, search_communities
from products.selectors import CatalogueFilter, catalogue_search, public_communities

pytestmark = pytest.mark.django_db

COFFEE = "กาแฟคั่วโอ่ง"
RICE = "ข้าวกล้องบรรจุสุญญากาศ"
RICE_DRINK = "น้ำข้าวกล้อง"
VEGETABLES = "ผักปลอดสารพิษ"
LIME_POWDER = "มะนาวผง"
LIME_JUICE = "น้ำมะนาวบรรจุขวด"
TEA = "ชาสมุนไพรตะไคร้"
JAEKHON = {RICE, RICE_DRINK, VEGETABLES, TEA}
PAENTAI = {LIME_POWDER, LIME_JUICE}
LAMPANG = {COFFEE, *JAEKHON, *PAENTAI}

# (query, first, all found or None)
PRODUCT_QUERIES = [
    # Thai partial words (no spaces between Thai words)
    ("กาแฟ", COFFEE, {COFFEE}),
    ("คั่ว", COFFEE, {COFFEE}),
    ("มะนาว", LIME_POWDER, PAENTAI),
    ("ข้าวกล้อง", RICE, {RICE, RICE_DRINK}),
    ("สุญญากาศ", RICE, None),
    ("ปลอดสาร", VEGETABLES, None),
    ("น้ำมะนาว", LIME_JUICE, None),
    ("เครื่องดื่ม", None, {COFFEE, RICE_DRINK, LIME_JUICE, LIME_POWDER}),  # drinks, by name or story
    ("น้ำข้าว", RICE_DRINK, {RICE_DRINK}),
    ("ตะไคร้", TEA, {TEA}),
    ("มะนาวผง", LIME_POWDER, {LIME_POWDER}),
    # spaced Thai tokens: every one must match
    ("มะนาว ขวด", LIME_JUICE, {LIME_JUICE}),
    ("ข้าวกล้อง ดื่ม", RICE_DRINK, {RICE_DRINK}),
    ("กาแฟ โอ่ง", COFFEE, {COFFEE}),
    ("ข้าวกล้อง ลำปาง", RICE, {RICE, RICE_DRINK}),
    # places: province, amphoe, tambon; with and without prefixes; Thai and English
    ("ลำปาง", None, LAMPANG),
    ("จังหวัดลำปาง", None, LAMPANG),
    ("จ.ลำปาง", None, LAMPANG),
    ("lampang", None, LAMPANG),
    ("แจ้ห่ม", None, JAEKHON | PAENTAI),
    ("อำเภอแจ้ห่ม", None, JAEKHON | PAENTAI),
    ("อ.เมืองปาน", COFFEE, {COFFEE}),
    ("ตำบลแจ้ซ้อน", COFFEE, {COFFEE}),
    ("ต.ทุ่งผึ้ง", None, JAEKHON),
    ("ทุ่งผึ้ง", None, JAEKHON),
    ("ตำบล ทุ่งผึ้ง", None, JAEKHON),
    ("chae hom", None, JAEKHON | PAENTAI),
    ("Mueang Pan", COFFEE, {COFFEE}),
    # English names: whole words and prefixes
    ("coffee", COFFEE, {COFFEE}),
    ("cof", COFFEE, {COFFEE}),
    ("lim", LIME_POWDER, PAENTAI),
    ("brown", RICE_DRINK, {RICE, RICE_DRINK}),
    ("veg", VEGETABLES, {VEGETABLES}),
    ("drinks", None, {COFFEE, RICE_DRINK, LIME_JUICE}),
    ("herbal", TEA, {TEA}),
    # certification words
    ("OTOP", TEA, {TEA}),
    ("อย.", TEA, {TEA}),
    ("มผช.", TEA, {TEA}),
    ("GAP", TEA, {TEA}),
    ("organic", TEA, {TEA}),
    ("เกษตรอินทรีย์", TEA, {TEA}),
]

# (typed, first, the suggestion) — one edit away, found only by the fuzzy pass
TYPO_QUERIES = [
    ("กาแฝ", COFFEE, "กาแฟ"),  # ฟ → ฝ
    ("ฃ้าวกล้อง", RICE, "ข้าวกล้อง"),  # ข → ฃ
    ("ฅั่ว", COFFEE, "คั่ว"),  # ค → ฅ
    ("น้ำข้าวกล้อฝ", RICE_DRINK, "น้ำข้าวกล้อง"),  # ง → ฝ
    ("ปลอตสารพิษ", VEGETABLES, "ปลอดสารพิษ"),  # ด → ต
    ("มะนาวปรรจุขวด", LIME_JUICE, "มะนาวบรรจุขวด"),  # บ → ป, inside a compound
    ("มะนาาว", LIME_POWDER, "มะนาว"),  # one letter too many
    ("มะนว", LIME_POWDER, "มะนาว"),  # one letter missing
    ("ข้าวกลอง", RICE, "ข้าวกล้อง"),  # tone mark missing
    ("cofee", COFFEE, "coffee"),
    ("vegtables", VEGETABLES, "vegetables"),
    ("botled", LIME_JUICE, "bottled"),
]


def catalogue_names(q):
    found = catalogue_search(CatalogueFilter(q=q))
    return found, [p.name_th for p in found.queryset]


@pytest.mark.parametrize(("q", "first", "expected"), PRODUCT_QUERIES)
def test_catalogue_query_finds_what_was_meant(certified_tea, q, first, expected):
    found, names = catalogue_names(q)
    assert not found.fuzzy
    if first:
        assert names[0] == first, names
    if expected is not None:
        assert set(names) == expected
    assert found.count == len(names)


@pytest.mark.parametrize(("q", "first", "suggestion"), TYPO_QUERIES)
def test_a_typo_one_edit_away_is_found_and_corrected(certified_tea, q, first, suggestion):
    found, names = catalogue_names(q)
    assert found.fuzzy
    assert names[0] == first, names
    assert found.suggestion == suggestion


def test_exact_hits_are_never_mixed_with_fuzzy_ones(certified_tea):
    # "กาแฟ" matches exactly, so nothing spelled "กาแฝ" could be added below it;
    # "กาแฝ" finds by correction only what "กาแฟ" finds exactly.
    exact, exact_names = catalogue_names("กาแฟ")
    fuzzy, fuzzy_names = catalogue_names("กาแฝ")
    assert not exact.fuzzy and fuzzy.fuzzy and fuzzy_names == exact_names


def test_nonsense_finds_nothing_and_suggests_nothing(certified_tea):
    found, names = catalogue_names("ทุเรียนกวน")
    assert names == [] and found.count == 0 and found.suggestion == ""


def test_a_two_letter_word_is_not_corrected_to_any_word_one_edit_away(certified_tea):
    found, names = catalogue_names("zq")
    assert names == []


# --- Communities: the registry (scoped) and the public list ---------------------------
# (query, first, all found or None)
COMMUNITY_QUERIES = [
    ("ข้าวกล้อง", "ชุมชนบ้านแจ้คอน", {"ชุมชนบ้านแจ้คอน"}),
    ("กาแฟ", "ชุมชนผลิตกาแฟบ้านแม่แจ๋ม", {"ชุมชนผลิตกาแฟบ้านแม่แจ๋ม"}),
    ("coffee", "ชุมชนผลิตกาแฟบ้านแม่แจ๋ม", {"ชุมชนผลิตกาแฟบ้านแม่แจ๋ม"}),
    ("ลำปาง", None, {"ชุมชนผลิตกาแฟบ้านแม่แจ๋ม", "ชุมชนบ้านแจ้คอน", "ชุมชนบ้านแป้นใต้"}),
    ("จังหวัดกระบี่", "ชุมชนบ้านนาตีน", {"ชุมชนบ้านนาตีน"}),
    ("krabi", "ชุมชนบ้านนาตีน", {"ชุมชนบ้านนาตีน"}),
    ("อ่าวนาง", "ชุมชนบ้านนาตีน", {"ชุมชนบ้านนาตีน"}),
    ("อ.พุทธมณฑล", "ชุมชนบ้านศาลาดิน", {"ชุมชนบ้านศาลาดิน"}),
    ("ท่องเที่ยวชุมชน", None, {"ชุมชนบ้านศาลาดิน", "ชุมชนบางใบไม้", "ชุมชนบ้านนาตีน"}),
    ("herbal", "ชุมชนบ้านแจ้คอน", {"ชุมชนบ้านแจ้คอน"}),  # its herbal tea's category
    ("ชุมชนบ้านเชียง", "ชุมชนบ้านเชียง", {"ชุมชนบ้านเชียง"}),
]


@pytest.mark.parametrize(("q", "first", "expected"), COMMUNITY_QUERIES)
def test_registry_search_for_staff(certified_tea, q, first, expected):
    found = registry_search(User.objects.get(email="staff@civ.example"), q=q)
    names = [c.name_th for c in found.queryset]
    assert not found.fuzzy
    if first:
        assert names[0] == first, names
    assert set(names) == expected


@pytest.mark.parametrize(("q", "first", "expected"), COMMUNITY_QUERIES)
def test_public_communities_search(certified_tea, q, first, expected):
    found = search_communities(public_communities(), q)
    assert {c.name_th for c in found.queryset} == expected


def test_registry_search_stays_in_the_officers_provinces(certified_tea):
    officer = User.objects.get(email="officer.lampang@civ.example")
    assert registry_search(officer, q="กระบี่").count == 0
    assert [c.name_th for c in registry_search(officer, q="ข้าวกล้อง").queryset] == ["ชุมชนบ้านแจ้คอน"]


def test_registry_typo_with_a_look_alike_is_corrected(certified_tea):
    found = registry_search(User.objects.get(email="staff@civ.example"), q="แป้นใด้")
    assert found.fuzzy and found.suggestion == "แป้นใต้"
    assert [c.name_th for c in found.queryset] == ["ชุมชนบ้านแป้นใต้"]


def test_names_show_in_the_readers_language(certified_tea):
    found = catalogue_search(CatalogueFilter(q="กาแฟ"))
    with translation.override("en"):
        assert [p.name for p in found.queryset] == ["Jar-roasted coffee"]
    with translation.override("th"):
        assert [p.name for p in found.queryset] == [COFFEE]
