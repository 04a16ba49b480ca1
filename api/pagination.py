from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Stable pages for syncing clients: newest change first, by primary key within it."""

    ordering = ("-pk",)
    page_size_query_param = "page_size"
    max_page_size = 200
