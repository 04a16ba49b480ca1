"""Search: one way to find products and communities, for every page and the API.

Matching, in two passes:

1. **exact** — every word typed occurs in the document (``LIKE '%word%'`` on the
   document's folded copy, served by its trigram GIN index: ``search.models.fold``).
   Thai is written without spaces, so a word is found inside a longer one: "กาแฟ"
   finds "กาแฟคั่วโอ่ง". A Latin word of up to three letters matches where a word
   starts ("bo" finds Bo Sang, not "rainbow"): ``SHORT_LATIN``.
2. **fuzzy**, only when pass 1 finds nothing — each word that no document has is
   replaced by the words one edit away: the look-alike consonants Thai keyboards put
   side by side (ฟ/ฝ, ข/ฃ, ค/ฅ, ด/ต, บ/ป) swapped anywhere in the word, and the words of
   the vocabulary (``search.models.Word``) at levenshtein distance 1 (fuzzystrmatch).
   pg_trgm's word similarity alone is too weak for Thai: the documents have no spaces
   inside Thai runs, so a mistyped short word shares one or two trigrams with its
   target (``word_similarity('กาแฝ', 'น้ำกาแฟคั่ว')`` = 0.2); bench/search_relevance.py
   measures it.

Ranking: the whole phrase is the name; the name starts with it; a word of the name
starts with it; the name contains it; then the same for any one word typed; then a hit
elsewhere in the document; ties by the shorter name. Fuzzy hits are
ranked the same way on the corrected words, and only ever shown when no exact hit
exists, so they never rank above one. The caller shows names in the reader's language.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django_cte import CTE, with_cte

from .documents import normalise
from .models import fold

MAX_WORDS = 8
# Beyond this many hits the exact number helps no reader ("more than 1,000" does), and
# counting a broad word ("อาหาร" is in every food listing's document) reads every hit.
COUNT_CAP = 1000
MAX_WORD_LENGTH = 60
LOOK_ALIKES = {"ฟ": "ฝ", "ฝ": "ฟ", "ข": "ฃ", "ฃ": "ข", "ค": "ฅ", "ฅ": "ค", "ด": "ต", "ต": "ด"}
LOOK_ALIKES |= {"บ": "ป", "ป": "บ"}
# A typed word shorter than this is corrected only by a look-alike swap: one edit to a
# two-letter word yields too many unrelated words.
MIN_CORRECTED_LENGTH = 3


@dataclass
class Found:
    """What a search found: the ranked queryset, its size, and what to suggest."""

    queryset: QuerySet
    # None when nothing was typed: the paginator counts, as for any list.
    count: int | None
    query: str = ""
    fuzzy: bool = False
    # "Did you mean": the query with each unknown word replaced by what was found.
    suggestion: str = ""
    # More than COUNT_CAP hits: ``count`` is COUNT_CAP and pages stop there.
    capped: bool = False
    words: list[str] = field(default_factory=list)


def query_words(q: str) -> list[str]:
    words = []
    for word in normalise(q).split(" "):
        word = word[:MAX_WORD_LENGTH]
        if word and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def look_alike_variants(word: str) -> list[str]:
    """The word with one look-alike consonant swapped, each position in turn."""
    return [
        word[:i] + LOOK_ALIKES[char] + word[i + 1 :]
        for i, char in enumerate(word)
        if char in LOOK_ALIKES
    ]


def vocabulary_neighbours(words: list[str]) -> dict[str, list[str]]:
    """For each word, the vocabulary words one insert, delete or substitution away."""
    neighbours: dict[str, list[str]] = {w: [] for w in words}
    words = [w for w in words if len(w) >= MIN_CORRECTED_LENGTH]
    if not words:
        return neighbours
    from .models import Word

    table = Word._meta.db_table
    union = " UNION ALL ".join(
        f"SELECT %s::text AS typed, word, levenshtein(word, %s) AS distance FROM {table} "
        f"WHERE char_length(word) BETWEEN %s AND %s AND levenshtein(word, %s) <= 1 "
        for _ in words
    )
    params = []
    for w in words:
        params += [w, w, len(w) - 1, len(w) + 1, w]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT typed, word FROM ({union}) AS found "
            "ORDER BY typed, distance, abs(char_length(word) - char_length(typed)), word",
            params,
        )
        for typed, word in cursor.fetchall():
            if word != typed:
                neighbours[typed].append(word)
    return neighbours


# A Latin word this short matches where a word starts: "bo" (Bo Sang), "hon" (honey),
# not inside every "about", "nakhon" and "chon buri" of the documents' place names. An
# English word of up to three letters is someone typing the start of a word; a longer one
# is still found inside ("grass" in "lemongrass"). pg_trgm makes no trigram of two letters
# alone, so '%bo%' read all 50,000 documents (70 ms) where 'bo%' and '% bo%' are served
# by the index (13 ms), and '%hon%' was in 20,376 of them (50 ms, against 1,250 honey
# listings). Thai is written without spaces between words: a short Thai word stays inside.
SHORT_LATIN = 3


def at_word_start(word: str) -> bool:
    """Is ``word`` matched only where a word starts (``SHORT_LATIN``)?"""
    return len(word) <= SHORT_LATIN and word.isascii()


def _matches(path: str, word: str) -> Q:
    """The document (``path`` from the queryset's model; "" on the document itself) holds
    ``word``: LIKE on its folded copy, which the trigram index serves."""
    folded = f"{path}{'__' if path else ''}folded"
    if at_word_start(word):
        return Q(**{f"{folded}__like_start": word}) | Q(**{f"{folded}__like": " " + word})
    return Q(**{f"{folded}__like": fold(word)})


def _matches_any(document, path: str, options: list[str]) -> Q:
    """The document contains one of ``options``, for the listings' own query (the count):
    ``pk IN (documents with any of them)``. Written as an OR on the joined document the
    planner read all 50,000 documents (half a second); as a UNION it read every hit of
    every spelling before counting 1,001 of them (19 ms for "heral": 7,567 documents).
    On the document table alone it ORs one index scan per spelling, and since the
    document's key is unique it streams the hits into the join and stops at the cap
    (7 ms; bench/search_relevance.py)."""
    if len(options) == 1:
        return _matches(path, options[0])
    # A document's primary key is its product's or community's: one ``pk`` for both.
    return Q(pk__in=document.objects.filter(_document_matches([options])).values("pk"))


def _tier(phrase: str, words: list[str]) -> Case:
    """How well the document's names match, best first: the whole phrase is a name,
    starts it, starts a word of it, is inside it; then the same for any single word."""
    names = ("name_th", "name_en")

    def any_name(make) -> Q:
        condition = Q()
        for name in names:
            condition |= make(name)
        return condition

    def word_start(name, text):
        return Q(**{f"{name}__like_start": text}) | Q(**{f"{name}__like": " " + text})

    tiers = [
        any_name(lambda name: Q(**{name: phrase})),
        any_name(lambda name: Q(**{f"{name}__like_start": phrase})),
        any_name(lambda name: Q(**{f"{name}__like": " " + phrase})),
        any_name(lambda name: Q(**{f"{name}__like": phrase})),
    ]
    if len(words) > 1:
        any_start = Q()
        any_inside = Q()
        for word in words:
            any_start |= any_name(lambda name, word=word: word_start(name, word))
            any_inside |= any_name(lambda name, word=word: Q(**{f"{name}__like": word}))
        tiers += [any_start, any_inside]
    top = len(tiers) + 1
    return Case(
        *(When(condition, then=Value(top - i)) for i, condition in enumerate(tiers)),
        default=Value(1),
        output_field=IntegerField(),
    )


# Only there so that PostgreSQL keeps the ranked documents a subquery of their own (a
# subquery with a LIMIT is not merged into the outer query): larger than any table here.
RANKED_FENCE = 10**9


def _ranked(queryset, path, matches: Q, phrase, words) -> QuerySet:
    """``queryset`` joined to its documents that satisfy ``matches``, best first.

    The documents are ranked on their own, in a CTE, and the rows of ``queryset`` are
    joined to them in that order: PostgreSQL then reads the best documents first and
    stops at the page (the rows of a broad word, 7,500 of 50,000 listings, are never all
    joined to their products, communities and provinces only to be sorted; 37 → 19 ms,
    bench/search_relevance.py). Within a tier the shorter name first: the words typed
    are more of it. (pg_trgm's strict_word_similarity ranked the same on the relevance
    set but cost twice the page query on a broad word, computed for every hit.)
    """
    relation = queryset.model._meta.get_field(path)
    key = relation.field.attname  # the document's column naming its product/community
    order = ("-search_tier", "search_length", "name_th", key)
    documents = (
        relation.related_model.objects.filter(matches)
        .annotate(search_tier=_tier(phrase, words), search_length=Length("name_th"))
        .order_by(*order)
        .values(key, "search_tier", "search_length", "name_th")[:RANKED_FENCE]
    )
    ranked = CTE(documents, name="search_ranked")
    return (
        with_cte(ranked, select=ranked.join(queryset, pk=getattr(ranked.col, key)))
        .annotate(search_tier=ranked.col.search_tier)
        .order_by(
            ranked.col.search_tier.desc(),
            ranked.col.search_length.asc(),
            ranked.col.name_th.asc(),
            getattr(ranked.col, key).asc(),
        )
    )


def _document_matches(spellings_per_word) -> Q:
    """On the document itself: every word, in one of its spellings. (Here the planner
    does pick one index scan per spelling, OR-ed: the documents are all it reads.)"""
    condition = Q()
    for spellings in spellings_per_word:
        either = Q()
        for spelling in spellings:
            either |= _matches("", spelling)
        condition &= either
    return condition


def find(queryset: QuerySet, q: str, *, path: str = "search_document") -> Found:
    """Search ``queryset`` (already scoped and filtered by the caller) for ``q``.

    ``path`` leads from the queryset's model to its document (``search_document`` for
    Product and Community). The count is taken here, once: pass it to the paginator
    (``CountedPaginator``) rather than counting again.
    """
    words = query_words(q)
    if not words:
        return Found(queryset=queryset, count=None)
    phrase = " ".join(words)
    exact = queryset
    for word in words:
        exact = exact.filter(_matches(path, word))
    count = exact.order_by()[: COUNT_CAP + 1].count()
    if count:
        return Found(
            _ranked(queryset, path, _document_matches([w] for w in words), phrase, words),
            min(count, COUNT_CAP),
            query=phrase,
            words=words,
            capped=count > COUNT_CAP,
        )
    return _fuzzy(queryset, path, words)


def _fuzzy(queryset, path, words) -> Found:
    phrase = " ".join(words)
    neighbours = vocabulary_neighbours(words)
    alternatives = {}
    for word in words:
        options = [word]
        for other in look_alike_variants(word) + neighbours[word]:
            if other not in options:
                options.append(other)
        alternatives[word] = options
    if all(len(options) == 1 for options in alternatives.values()):
        return Found(queryset=queryset.none(), count=0, query=phrase, words=words)
    document = queryset.model._meta.get_field(path).related_model
    fuzzy = queryset
    for options in alternatives.values():
        fuzzy = fuzzy.filter(_matches_any(document, path, options))
    # One query: how many hits each spelling has, so the suggestion is the one most
    # listings use (the typed word itself when it has any), counted like the exact hits
    # up to COUNT_CAP: among that many the most used spelling is plain enough.
    spellings = [option for options in alternatives.values() for option in options]
    hits = fuzzy.order_by()[: COUNT_CAP + 1].aggregate(
        total=Count("pk"),
        **{
            f"n{i}": Count("pk", filter=_matches(path, option))
            for i, option in enumerate(spellings)
        },
    )
    if not hits["total"]:
        return Found(queryset=queryset.none(), count=0, query=phrase, words=words)
    found_in = dict(zip(spellings, (hits[f"n{i}"] for i in range(len(spellings))), strict=True))
    corrected = []
    for word, options in alternatives.items():
        corrected.append(word if found_in[word] else max(options, key=lambda o: found_in[o]))
    suggestion = " ".join(corrected)
    return Found(
        _ranked(queryset, path, _document_matches(alternatives.values()), suggestion, corrected),
        min(hits["total"], COUNT_CAP),
        capped=hits["total"] > COUNT_CAP,
        query=phrase,
        fuzzy=True,
        suggestion=suggestion,
        words=words,
    )


class CountedPaginator(Paginator):
    """A paginator that takes the count ``find`` already made instead of counting again."""

    def __init__(self, object_list, per_page, *, count: int | None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count


def suggestion_query(params, found: Found) -> str:
    """The page's query string with ``q`` replaced by the suggestion (for its link)."""
    params = params.copy()
    params["q"] = found.suggestion
    params.pop("page", None)
    return params.urlencode()
