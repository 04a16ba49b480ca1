"""Search relevance and speed at 50,000 published listings, on the real code and page.

    .venv/bin/python bench/search_relevance.py [--products 50000] [--requests 400]

Runs against DATABASE_URL (the dev database; seed_demo first). Adds communities (marked
``contact_name = bench-search``, spread over 20 provinces) and N published listings with
Thai/English names built from real product words and modifiers ("กาแฟคั่วบด",
"ผ้าไหมมัดหมี่ทอมือ"), builds the search documents with ``rebuild_search``'s code, then:

1. **relevance** of ``search.query.find`` over the public catalogue queryset, per query
   kind: ``exact`` (a whole product word, Thai or English), ``partial`` (the first
   letters of a Thai word as typed so far, or an English prefix) and ``typo`` (one edit:
   the look-alike consonants ฟ/ฝ ข/ฃ ค/ฅ ด/ต บ/ป where the word has one, else a letter
   dropped, doubled or replaced). A listing is relevant when its own name or story
   contains the word (for a typo: the word meant; for an English word of up to three
   letters, a word of it starts with it: ``holds``); recall and precision are averaged
   over the queries.
2. **pg_trgm word similarity** alone on the same typos (``q <% document`` at several
   thresholds), to show why the vocabulary correction is there.
3. **latency** of the real catalogue page ``/catalogue/?q=…`` under gunicorn (4 workers,
   tests/servers.py) at 8 concurrent users: p50/p95/p99 and errors, for the page without a
   search, for every query once with no page kept in the cache ("new": the search
   itself, each time), and for searches drawn from them (repeated ones come from the
   cache, as on the site).

Everything added is deleted at the end (``--keep`` leaves it).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civportal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from communities.models import Community, Subdistrict  # noqa: E402
from products.models import Product  # noqa: E402
from products.selectors import published_products  # noqa: E402
from search.documents import normalise, rebuild_all  # noqa: E402
from search.query import LOOK_ALIKES, at_word_start, find  # noqa: E402

MARK = "bench-search"
C = Product.Category
# (Thai, English, category): words a community's listing is named after.
BASES = [
    ("กาแฟ", "coffee", C.DRINK),
    ("ข้าวกล้อง", "brown rice", C.AGRICULTURE),
    ("ข้าวหอมมะลิ", "jasmine rice", C.AGRICULTURE),
    ("มะนาว", "lime", C.FOOD),
    ("น้ำพริก", "chili paste", C.FOOD),
    ("กล้วยตาก", "dried banana", C.FOOD),
    ("ทุเรียนกวน", "durian paste", C.FOOD),
    ("มะม่วงกวน", "mango paste", C.FOOD),
    ("หมูยอ", "pork sausage", C.FOOD),
    ("ปลาร้า", "fermented fish", C.FOOD),
    ("ชาใบหม่อน", "mulberry tea", C.DRINK),
    ("น้ำผึ้ง", "honey", C.FOOD),
    ("สบู่สมุนไพร", "herbal soap", C.HERBAL),
    ("ยาหม่อง", "balm", C.HERBAL),
    ("ลูกประคบ", "herbal compress", C.HERBAL),
    ("ผ้าไหม", "silk", C.TEXTILE),
    ("ผ้าฝ้าย", "cotton", C.TEXTILE),
    ("ผ้าขาวม้า", "loincloth", C.TEXTILE),
    ("ผ้าย้อมคราม", "indigo cloth", C.TEXTILE),
    ("ตะกร้าสาน", "woven basket", C.CRAFT),
    ("กระเป๋าสาน", "woven bag", C.CRAFT),
    ("เครื่องปั้นดินเผา", "pottery", C.CRAFT),
    ("โคมไฟ", "lamp", C.CRAFT),
    ("ไม้แกะสลัก", "wood carving", C.CRAFT),
    ("เครื่องเงิน", "silverware", C.CRAFT),
    ("ร่มบ่อสร้าง", "bo sang umbrella", C.SOUVENIR),
    ("พวงกุญแจ", "keychain", C.SOUVENIR),
    ("เทียนหอม", "scented candle", C.SOUVENIR),
    ("ขนมทองพับ", "rolled wafer", C.FOOD),
    ("ข้าวเกรียบ", "rice cracker", C.FOOD),
    ("แคบหมู", "pork crackling", C.FOOD),
    ("ไข่เค็ม", "salted egg", C.FOOD),
    ("ปลาดุกร้า", "salted catfish", C.FOOD),
    ("บัวบก", "gotu kola", C.HERBAL),
    ("ขมิ้นชัน", "turmeric", C.HERBAL),
    ("ดอกอัญชัน", "butterfly pea", C.DRINK),
    ("ตะไคร้", "lemongrass", C.HERBAL),
    ("เห็ดหอม", "shiitake", C.AGRICULTURE),
    ("ฟักทอง", "pumpkin", C.AGRICULTURE),
    ("ฝรั่ง", "guava", C.AGRICULTURE),
]
# (Thai, English) added after the word: how listings are really named.
MODIFIERS = [
    ("อบแห้ง", "dried"),
    ("คั่วบด", "ground roasted"),
    ("ออร์แกนิก", "organic"),
    ("ทอมือ", "hand-woven"),
    ("บรรจุขวด", "bottled"),
    ("บรรจุถุง", "bagged"),
    ("สูตรโบราณ", "traditional recipe"),
    ("แปรรูป", "processed"),
    ("ลายโบราณ", "old pattern"),
    ("รสเผ็ด", "spicy"),
    ("ผง", "powder"),
    ("พรีเมียม", "premium"),
    ("ของฝาก", "gift"),
    ("ชุดเล็ก", "small set"),
    ("", ""),
]
VILLAGES = ["บ้านนา", "บ้านดอน", "บ้านทุ่ง", "บ้านโคก", "บ้านหนอง", "บ้านห้วย", "บ้านสวน"]
THAI_CONSONANTS = "กขคงจฉชซญดตถทนบปผพฟมยรลวสหอฮ"


def seed(n_products: int, rng: random.Random) -> list[int]:
    """Bench communities and listings (bulk, bypassing services), then every document."""
    provinces = rng.sample(
        sorted({s.district.province_id for s in Subdistrict.objects.select_related("district")}),
        20,
    )
    tambons = list(
        Subdistrict.objects.select_related("district").filter(district__province_id__in=provinces)
    )
    communities = Community.objects.bulk_create(
        Community(
            name_th=f"ชุมชน{rng.choice(VILLAGES)}{i}",
            name_en=f"Community {i}",
            subdistrict=tambon,
            province_id=tambon.district.province_id,
            contact_name=MARK,
        )
        for i, tambon in enumerate(rng.choices(tambons, k=max(50, n_products // 100)))
    )
    now = timezone.now()
    products = []
    for i in range(n_products):
        base_th, base_en, category = rng.choice(BASES)
        mod_th, mod_en = rng.choice(MODIFIERS)
        community = rng.choice(communities)
        products.append(
            Product(
                community=community,
                name_th=f"{base_th}{mod_th}",
                name_en=f"{mod_en} {base_en}".strip().capitalize() if rng.random() < 0.8 else "",
                category=category,
                story=f"{base_th}{mod_th} ผลิตโดยกลุ่มแม่บ้าน{community.name_th} รุ่นที่ {i % 7 + 1}",
                price=Decimal(rng.randrange(20, 900)),
                unit="ชิ้น",
                status=Product.Status.PUBLISHED,
                published_at=now,
            )
        )
    Product.objects.bulk_create(products, batch_size=5000)
    started = time.perf_counter()
    made = rebuild_all()
    print(
        f"documents for {made[0]} products and {made[1]} communities built in "
        f"{time.perf_counter() - started:.0f} s"
    )
    return [c.pk for c in communities]


def typo(word: str, rng: random.Random) -> str:
    swaps = [i for i, ch in enumerate(word) if ch in LOOK_ALIKES]
    if swaps:
        i = rng.choice(swaps)
        return word[:i] + LOOK_ALIKES[word[i]] + word[i + 1 :]
    i = rng.randrange(1, len(word))
    kind = rng.choice(["drop", "double", "replace"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    letters = THAI_CONSONANTS if "\u0e00" <= word[i] <= "\u0e7f" else "abcdefghijklmnopqrstuvwxyz"
    return word[:i] + rng.choice(letters.replace(word[i], "")) + word[i + 1 :]


def queries(rng: random.Random, contents: dict[int, str]) -> dict[str, list[tuple[str, str]]]:
    """(typed, meant) per kind; typos that are themselves words of the data are skipped."""
    everything = "\n".join(contents.values())
    kinds = {"exact": [], "partial": [], "typo": []}
    for th, en, _ in BASES:
        first_en = en.split()[0]
        kinds["exact"] += [(th, th), (first_en, first_en)]
        kinds["partial"] += [(th[: max(3, len(th) - 2)],) * 2, (first_en[:3],) * 2]
        for word in (th, first_en):
            if len(word) < 4:
                continue
            for _attempt in range(5):
                wrong = typo(word, rng)
                if wrong not in everything:
                    kinds["typo"].append((wrong, word))
                    break
    return kinds


def holds(text: str, word: str) -> bool:
    """Is a listing with this text relevant to the word? Thai: the word is in it (Thai has
    no spaces between words). A short English word is the start of the word meant: "bal"
    is balm, not herbal soap (``search.query.SHORT_LATIN``)."""
    if at_word_start(word):
        return text.startswith(word) or " " + word in text
    return word in text


def relevance(kinds, contents, pks_of_bench):
    catalogue = published_products()
    rows = []
    for kind, pairs in kinds.items():
        recalls, precisions = [], []
        for typed, meant in pairs:
            meant = normalise(meant)
            relevant = {pk for pk, text in contents.items() if holds(text, meant)}
            found = find(catalogue, typed)
            got = set(found.queryset.values_list("pk", flat=True)) & pks_of_bench
            hit = len(got & relevant)
            recalls.append(hit / len(relevant) if relevant else 1.0)
            precisions.append(hit / len(got) if got else (1.0 if not relevant else 0.0))
        rows.append((kind, len(pairs), statistics.mean(recalls), statistics.mean(precisions)))
    print("\nrelevance (search.query.find, public catalogue)")
    print(f"{'kind':<10}{'queries':>8}{'recall':>9}{'precision':>11}")
    for kind, n, recall, precision in rows:
        print(f"{kind:<10}{n:>8}{recall:>9.3f}{precision:>11.3f}")
    return rows


def word_similarity_alone(pairs, contents, pks_of_bench):
    print("\npg_trgm word similarity alone on the same typos (q <% document)")
    print(f"{'threshold':<10}{'recall':>9}{'precision':>11}   (Thai / English)")
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7):
        line = []
        for thai in (True, False):
            recalls, precisions = [], []
            for typed, meant in pairs:
                if thai != ("\u0e00" <= meant[0] <= "\u0e7f"):
                    continue
                relevant = {pk for pk, text in contents.items() if normalise(meant) in text}
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [threshold])
                    cursor.execute(
                        "SELECT product_id FROM search_productdocument WHERE %s <%% text",
                        [normalise(typed)],
                    )
                    got = {pk for (pk,) in cursor.fetchall()} & pks_of_bench
                hit = len(got & relevant)
                recalls.append(hit / len(relevant) if relevant else 1.0)
                precisions.append(hit / len(got) if got else 0.0)
            line.append(f"{statistics.mean(recalls):.3f} {statistics.mean(precisions):.3f}")
        print(f"{threshold:<10}{line[0]:>20}   {line[1]}")


def plan_at_scale():
    """The real catalogue page's page query, as the planner runs it at this size."""
    from products.selectors import CatalogueFilter, catalogue_search

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE products_product, search_productdocument")
    print("\nplans of the catalogue page's queries at this size (first page of 24)")
    print(f"  {'query':<16}{'hits':>7}  trigram index  listings read  execution")

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    for q in ("กาแฟ", "ผ้าไหม ทอมือ", "cof", "herbal", "bo", "กาแฝ", "heral"):
        found = catalogue_search(CatalogueFilter(q=q))
        sql, params = found.queryset[:24].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0][0]
        every = list(nodes(plan["Plan"]))
        uses = any(n.get("Index Name") == "product_document_trgm" for n in every)
        # Listings joined to ranked documents: a page's worth when the ranking comes first.
        read = sum(
            n["Actual Rows"] * n["Actual Loops"]
            for n in every
            if n.get("Relation Name") == "products_product"
        )
        print(
            f"  {q!r:<16}{found.count:>7}  {str(uses):<13}  {read:>13}  "
            f"{plan['Execution Time']:.1f} ms"
        )


def latency(kinds, n_requests: int, users: int = 8):
    from products.public_cache import forget_public_pages
    from tests.servers import Gunicorn, portal_env

    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = portal_env(url, os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/6"))
    typed = [q for pairs in kinds.values() for q, _ in pairs]
    with tempfile.TemporaryDirectory() as log_dir:
        server = Gunicorn(env, Path(log_dir), workers=4).start()
        try:
            paths = [f"/catalogue/?q={quote(q)}" for q in typed]
            # Warm every worker on every kind of search (a cold worker's first fuzzy
            # search pays for imports and compiled templates): a few of each, 8 at a time.
            warm = [f"/catalogue/?q={quote(q)}" for pairs in kinds.values() for q, _ in pairs[:16]]
            with ThreadPoolExecutor(users) as pool:
                list(pool.map(server.get, warm))

            def one(path):
                started = time.perf_counter()
                status = server.get(path).status
                return time.perf_counter() - started, status

            print(
                f"\nunder gunicorn (4 workers), {users} concurrent users, {n_requests} "
                f"requests each; searches drawn from the {len(typed)} queries above"
            )
            print(f"{'page':<26}{'req/s':>7}{'p50':>9}{'p95':>9}{'p99':>9}{'errors':>8}")
            # The catalogue without a search is the baseline: what the page costs anyway.
            # Then every query once with no page kept in the cache (a search nobody made in
            # the last five minutes), then searches drawn from them, as people repeat them.
            distinct = sorted(set(paths))
            random.Random(0).shuffle(distinct)

            def drawn(pool):
                return [random.Random(i).choice(pool) for i in range(n_requests)]

            for label, picks, fresh in (
                ("/catalogue/ (no search)", drawn(["/catalogue/"]), False),
                ("/catalogue/?q=… new", distinct, True),
                ("/catalogue/?q=…", drawn(paths), False),
            ):
                if fresh:
                    forget_public_pages()
                started = time.perf_counter()
                with ThreadPoolExecutor(users) as pool:
                    results = list(pool.map(one, picks))
                elapsed = time.perf_counter() - started
                times = sorted(t * 1000 for t, _ in results)
                errors = sum(1 for _, status in results if status != 200)
                p50, p95, p99 = (
                    times[min(len(times) - 1, int(p / 100 * len(times)))] for p in (50, 95, 99)
                )
                print(
                    f"{label:<26}{len(picks) / elapsed:>7.1f}{p50:>7.0f}ms{p95:>7.0f}ms"
                    f"{p99:>7.0f}ms{errors:>8}"
                )
        finally:
            server.stop()


def delete_bench_rows() -> None:
    """In SQL: Django's cascade would write a history row per deleted listing."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM communities_community WHERE contact_name = %s", [MARK])
        ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return
        products = "SELECT id FROM products_product WHERE community_id = ANY(%s)"
        for table, column in (
            ("search_productdocument", "product_id"),
            ("products_product_sales_channels", "product_id"),
            ("products_productimage", "product_id"),
            ("products_enquiry", "product_id"),
        ):
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({products})", [ids])
        cursor.execute("DELETE FROM products_product WHERE community_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM search_communitydocument WHERE community_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM communities_community WHERE id = ANY(%s)", [ids])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--keep", action="store_true", help="leave the bench data in place")
    parser.add_argument("--skip-similarity", action="store_true", help="skip part 2")
    args = parser.parse_args()
    rng = random.Random(13)
    delete_bench_rows()
    seed(args.products, rng)
    # As autovacuum would after such a load: without statistics of the new rows the planner
    # joins every published listing before the few the search matched (50 ms, not 12), and
    # without the visibility map every match is read from the table to check it is alive.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    try:
        bench = Product.objects.filter(community__contact_name=MARK)
        contents = {
            pk: normalise(f"{th} {en} {story}")
            for pk, th, en, story in bench.values_list("pk", "name_th", "name_en", "story")
        }
        kinds = queries(rng, contents)
        relevance(kinds, contents, set(contents))
        if not args.skip_similarity:
            word_similarity_alone(kinds["typo"], contents, set(contents))
        plan_at_scale()
        latency(kinds, args.requests)
    finally:
        if not args.keep:
            delete_bench_rows()


if __name__ == "__main__":
    main()
