"""Thai-aware product search: pg_trgm / ILIKE against a Thai word segmenter (pythainlp).

    .venv/bin/python bench/products_search.py [--products 20000] [--repeat 3]

Needs pythainlp (a dependency of the search module; its dictionary ships in the
wheel). Runs against the dev (embedded) database, or DATABASE_URL when set, in a TEMP
table that disappears with the connection: the seeded six products plus N synthetic ones
whose names are built from known Thai/English words, so the right answer to each query is
known. Prints recall, precision and latency (median per query, then p50/p95 over queries)
for each method:

- ``trgm``: pg_trgm word similarity on the Thai and English names (the ``<%`` operator);
- ``ilike``: substring match, ILIKE '%q%', on the same names (served by GIN trigram indexes);
- ``ilike+trgm``: both, which products.selectors.search_products did before the search
  module (search.query; bench/search_relevance.py measures that one);
- ``pythainlp``: names segmented into words with pythainlp (newmm) when saved, the query
  segmented too; a product matches when it has every query word (GIN index on text[]).

Query sets: ``word`` (a whole word, e.g. มะนาว), ``prefix`` (the first 3 letters of a word
as typed so far, e.g. กาแ), ``english`` (e.g. coffee), ``typo`` (English with a letter
missing, e.g. cofee) and ``seeded`` (the issue's examples on the real names).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civportal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from communities.management.commands.seed_demo import PRODUCTS  # noqa: E402

# (Thai, English) words; a synthetic product is a thing plus one or two qualities.
THINGS = [
    ("กาแฟ", "coffee"),
    ("ชาเขียว", "green tea"),
    ("ข้าวกล้อง", "brown rice"),
    ("มะนาว", "lime"),
    ("มะม่วง", "mango"),
    ("กล้วย", "banana"),
    ("น้ำผึ้ง", "honey"),
    ("สบู่", "soap"),
    ("ผ้าไหม", "silk"),
    ("ตะกร้า", "basket"),
    ("หมอน", "pillow"),
    ("น้ำพริก", "chilli paste"),
    ("ขนมไทย", "thai dessert"),
    ("เห็ด", "mushroom"),
    ("กระเป๋า", "bag"),
    ("หมวก", "hat"),
    ("เทียนหอม", "scented candle"),
    ("เครื่องปั้นดินเผา", "pottery"),
]
QUALITIES = [
    ("คั่ว", "roasted"),
    ("อบแห้ง", "dried"),
    ("ผง", "powder"),
    ("บรรจุขวด", "bottled"),
    ("ออร์แกนิก", "organic"),
    ("ทอมือ", "handwoven"),
    ("จักสาน", "wicker"),
    ("ย้อมคราม", "indigo"),
    ("แปรรูป", "processed"),
    ("กรอบ", "crispy"),
    ("ปลอดสารพิษ", "pesticide-free"),
    ("ลายดอก", "floral"),
]
# The seeded names, segmented by hand, so the seeded queries have a known answer too.
SEEDED_WORDS = {
    "กาแฟคั่วโอ่ง": ["กาแฟ", "คั่ว", "โอ่ง"],
    "ข้าวกล้องบรรจุสุญญากาศ": ["ข้าวกล้อง", "บรรจุ", "สุญญากาศ"],
    "น้ำข้าวกล้อง": ["น้ำ", "ข้าวกล้อง"],
    "ผักปลอดสารพิษ": ["ผัก", "ปลอดสารพิษ"],
    "มะนาวผง": ["มะนาว", "ผง"],
    "น้ำมะนาวบรรจุขวด": ["น้ำ", "มะนาว", "บรรจุขวด"],
}
SEEDED_QUERIES = {
    "กาแฟ": {"กาแฟคั่วโอ่ง"},
    "มะนาว": {"มะนาวผง", "น้ำมะนาวบรรจุขวด"},
    "ข้าวกล้อง": {"ข้าวกล้องบรรจุสุญญากาศ", "น้ำข้าวกล้อง"},
    "coffee": {"กาแฟคั่วโอ่ง"},
    "lime": {"มะนาวผง", "น้ำมะนาวบรรจุขวด"},
    "cofee": {"กาแฟคั่วโอ่ง"},
}

WHERE = {
    "trgm": "(%(q)s <%% name_th OR %(q)s <%% name_en)",
    "ilike": "(name_th ILIKE %(like)s OR name_en ILIKE %(like)s)",
    "ilike+trgm": ("(name_th ILIKE %(like)s OR name_en ILIKE %(like)s OR %(q)s <%% name_en)"),
    "pythainlp": "tokens @> %(tokens)s::text[]",
}


def segment(text: str) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return sorted(
        {word.lower() for word in word_tokenize(text, engine="newmm") if word.strip(" -,()")}
    )


def synthetic(count: int, rng: random.Random):
    """(id, Thai name, English name, the words it was built from)."""
    for index in range(count):
        thing = rng.choice(THINGS)
        qualities = rng.sample(QUALITIES, rng.choice([1, 2]))
        words = [thing, *qualities]
        yield (
            1000 + index,
            "".join(th for th, _en in words) + f" {index}",
            " ".join([*(en for _th, en in qualities), thing[1]]) + f" {index}",
            {th for th, _en in words} | {en for _th, en in words},
        )


def queries():
    """(set name, query, predicate on a product's words → relevant)."""
    for th, _en in THINGS + QUALITIES:
        yield "word", th, lambda words, th=th: th in words
        if len(th) >= 5:
            yield "prefix", th[:3], lambda words, p=th[:3]: any(w.startswith(p) for w in words)
    for _th, en in THINGS:
        yield "english", en, lambda words, en=en: en in words
        if len(en) >= 5 and " " not in en:
            typo = en[:-2] + en[-1]
            yield "typo", typo, lambda words, en=en: en in words


def load(cursor, rows, segmenter_seconds):
    cursor.execute(
        "CREATE TEMP TABLE bench_products "
        "(id int PRIMARY KEY, name_th text, name_en text, tokens text[])"
    )
    with cursor.copy("COPY bench_products (id, name_th, name_en, tokens) FROM STDIN") as copy:
        for row in rows:
            started = time.perf_counter()
            tokens = segment(f"{row[1]} {row[2]}")
            segmenter_seconds.append(time.perf_counter() - started)
            copy.write_row((row[0], row[1], row[2], tokens))
    for column in ("name_th", "name_en"):
        cursor.execute(
            f"CREATE INDEX ON bench_products USING gin ({column} gin_trgm_ops)"  # noqa: S608
        )
    cursor.execute("CREATE INDEX ON bench_products USING gin (tokens)")
    cursor.execute("ANALYZE bench_products")


def run(cursor, method, q, repeat):
    params = {"q": q, "like": f"%{q}%", "tokens": None}
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        if method == "pythainlp":
            params["tokens"] = segment(q)
        cursor.execute(f"SELECT id FROM bench_products WHERE {WHERE[method]}", params)  # noqa: S608
        found = {row[0] for row in cursor.fetchall()}
        timings.append(time.perf_counter() - started)
    return found, statistics.median(timings)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(2568)

    seeded = [
        (index, name_th, name_en, set(SEEDED_WORDS[name_th]) | {name_en.lower()})
        for index, (name_th, name_en, *_rest) in enumerate(
            (p for products in PRODUCTS.values() for p in products), start=1
        )
    ]
    rows = seeded + list(synthetic(args.products, rng))
    words_of = {row[0]: {w.lower() for w in row[3]} for row in rows}
    seeded_ids = {row[1]: row[0] for row in seeded}

    connection.ensure_connection()
    raw = connection.connection
    segmenter_seconds: list[float] = []
    with raw.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        load(cursor, rows, segmenter_seconds)
        print(
            f"{len(rows)} products; pythainlp segments a name in "
            f"{statistics.median(segmenter_seconds) * 1000:.2f} ms (median) when it is saved"
        )
        cases = [
            (kind, q, {pk for pk, words in words_of.items() if relevant(words)})
            for kind, q, relevant in queries()
        ]
        cases += [
            ("seeded", q, {seeded_ids[name] for name in expected})
            for q, expected in SEEDED_QUERIES.items()
        ]
        kinds = sorted({kind for kind, _q, _r in cases})
        header = f"{'method':<11} " + " ".join(f"{k:>15}" for k in kinds)
        print("\nrecall / precision per query set (macro average; precision of non-empty answers)")
        print(header)
        latencies = {}
        misses = {}
        for method in WHERE:
            cells, latencies[method], misses[method] = [], [], []
            for kind in kinds:
                recalls, precisions = [], []
                for case_kind, q, relevant in cases:
                    if case_kind != kind:
                        continue
                    found, seconds = run(cursor, method, q, args.repeat)
                    latencies[method].append(seconds)
                    if kind == "seeded":
                        found &= set(seeded_ids.values())
                    hit = len(found & relevant)
                    recalls.append(hit / len(relevant) if relevant else 1.0)
                    if found:  # precision of an empty answer is undefined: recall shows it
                        precisions.append(hit / len(found))
                    if kind == "seeded" and hit < len(relevant):
                        misses[method].append(q)
                precision = f"{statistics.mean(precisions):.2f}" if precisions else "n/a"
                cells.append(f"{statistics.mean(recalls):>7.2f}/{precision:<7}")
            print(f"{method:<11} " + " ".join(f"{c:>15}" for c in cells))
        print("\nlatency per query (ms), over all queries")
        for method, values in latencies.items():
            values = sorted(values)
            p95 = values[int(len(values) * 0.95) - 1]
            print(
                f"{method:<11} p50 {statistics.median(values) * 1000:7.2f}   p95 {p95 * 1000:7.2f}"
            )
        print("\nseeded queries missed:")
        for method, missed in misses.items():
            print(f"{method:<11} {', '.join(missed) or '-'}")
        cursor.execute("DROP TABLE bench_products")


if __name__ == "__main__":
    main()
