"""Lookups that emit ``ILIKE`` on the column itself, so pg_trgm GIN indexes serve them.

Django's ``icontains`` emits ``UPPER(col::text) LIKE UPPER(%s)``, an expression no
trigram index on ``col`` covers: every search scanned the whole table. These emit
``col ILIKE %s`` with the pattern built here (``%``, ``_`` and ``\\`` escaped).
"""

from django.db.models import CharField, Lookup, TextField


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class _ILike(Lookup):
    pattern = "%{}%"

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [self.pattern.format(escape_like(str(value)))])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]


class IContainsILike(_ILike):
    """``text__ilike="กาแฟ"``: ``text ILIKE '%กาแฟ%'``."""

    lookup_name = "ilike"


class IStartsWithILike(_ILike):
    """``name__ilike_start="cof"``: ``name ILIKE 'cof%'``."""

    lookup_name = "ilike_start"
    pattern = "{}%"


for field in (CharField, TextField):
    field.register_lookup(IContainsILike)
    field.register_lookup(IStartsWithILike)
