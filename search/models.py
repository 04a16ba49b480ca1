"""One search document per product and per community, plus the words they contain.

The document is plain, normalised text (``search.documents.normalise``) carrying every
name a reader may type: Thai and English names, story, category/activity labels in both
languages, certification words and the place names with and without their prefixes.
It is rebuilt by ``search.documents`` whenever a service saves the product or community,
and by ``manage.py rebuild_search`` for everything.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Length

from communities.models import Community
from products.models import Product

# pg_trgm cuts words at every character the database's locale does not call a letter, and
# under C.UTF-8 (as under most locales) Thai's vowel and tone marks above and below the
# line are such characters: "ผ้า" is the "words" ผ and า, too short for any trigram, so
# ``LIKE '%ผ้า%'`` read every document through the index. The folded copy writes each
# mark as a capital Latin letter, which pg_trgm counts as a letter; documents and queries
# are lower case (``search.documents.normalise``), so no capital stands for anything else
# and ``folded LIKE fold(word)`` finds exactly what ``text LIKE word`` finds.
THAI_MARKS = (
    "\u0e31" + "".join(map(chr, range(0x0E34, 0x0E3B))) + "".join(map(chr, range(0x0E47, 0x0E4F)))
)
MARK_LETTERS = "ABCDEFGHIJKLMNOP"
_FOLD = str.maketrans(THAI_MARKS, MARK_LETTERS)


def fold(text: str) -> str:
    """A normalised word or text as the ``folded`` column writes it."""
    return text.translate(_FOLD)


class Document(models.Model):
    # Normalised copies of the names, for ranking (exact, word start, contained).
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    # What searches match, through its trigram index: ``fold(text)``, written with it.
    folded = models.TextField(default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name_th


class ProductDocument(Document):
    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )

    class Meta:
        indexes = [
            GinIndex(OpClass("folded", name="gin_trgm_ops"), name="product_document_trgm"),
        ]


class CommunityDocument(Document):
    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )

    class Meta:
        indexes = [
            GinIndex(OpClass("folded", name="gin_trgm_ops"), name="community_document_trgm"),
        ]


class Word(models.Model):
    """A word seen in some document: what a mistyped word is corrected to (levenshtein ≤ 1).

    Words are added as documents are built and never removed one by one (a word no
    document has any more only yields a suggestion that finds nothing, which is never
    shown); ``rebuild_search`` starts the vocabulary afresh.
    """

    word = models.CharField(max_length=100, primary_key=True)

    class Meta:
        indexes = [models.Index(Length("word"), name="search_word_length")]

    def __str__(self):
        return self.word
