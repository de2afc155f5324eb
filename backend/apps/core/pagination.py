"""One way to paginate a list endpoint: limit/offset, the page wrapped as {count, next, previous, results}."""
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from .limits import ID_MAX


class Pagination(LimitOffsetPagination):
    max_limit = 1000

    def get_offset(self, request) -> int:
        # Past the last row is an empty page; a number the database cannot take as OFFSET is the same empty page.
        return min(super().get_offset(request), ID_MAX)


class KeyFirstPagination(Pagination):
    """Reads a page's keys first, then only the rows of that page.

    With an index on (filter column, key) the database answers the first query from the index alone, so a
    deep page of a large table (offset 400,000 in the audit log) does not fetch 400,000 rows to skip them.
    The queryset must be ordered by `key`, a unique column.
    """

    def __init__(self, key: str):
        self.key = key

    def paginate_queryset(self, queryset, request, view=None):
        keys = super().paginate_queryset(queryset.values_list(self.key, flat=True), request, view)
        rows = {getattr(row, self.key): row for row in queryset.filter(**{f"{self.key}__in": keys})}
        return [rows[key] for key in keys]


def paginated_response(*, request, view, queryset, serializer_class, key: str | None = None) -> Response:
    """The page of `queryset` that ?limit= and ?offset= ask for; `key` selects KeyFirstPagination."""
    paginator = KeyFirstPagination(key) if key else Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
