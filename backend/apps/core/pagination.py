"""One way to paginate a list endpoint: limit/offset, the page wrapped as {count, next, previous, results}."""
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from .exceptions import ApplicationError
from .limits import ID_MAX


def _query_int(request, name: str, *, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19 and low <= int(raw) <= high):
        raise ApplicationError(f"{name} must be an integer from {low} to {high}.")
    return int(raw)


class Pagination(LimitOffsetPagination):
    """?limit= (1 to max_limit) and ?offset= (0 to the largest id): anything else is a 400 naming the parameter,
    as the schema says, rather than a silent default. An offset past the last row is an empty page."""

    max_limit = 1000

    def get_limit(self, request) -> int:
        return _query_int(request, self.limit_query_param, default=self.default_limit, low=1, high=self.max_limit)

    def get_offset(self, request) -> int:
        return _query_int(request, self.offset_query_param, default=0, low=0, high=ID_MAX)


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
