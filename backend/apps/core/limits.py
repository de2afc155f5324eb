"""The bounds of everything the API accepts, in one place: integers within the database's range, text within
sane lengths.

Serializers, the path converter for ids, query parameters and services read these numbers, so a value the
database cannot hold is a 400 (or, in a path, a 404) and never an OverflowError; a free-text field cannot carry a
megabyte into the audit log and every model card. `apps/core/tests/test_input_bounds.py` walks the OpenAPI schema
and fails for any request string without `maxLength` or integer without `minimum` and `maximum`.
"""
from django.db.backends.base.operations import BaseDatabaseOperations

# The ranges Django documents for every backend (SQLite stores 64-bit integers, PostgreSQL checks the column type).
_RANGES = BaseDatabaseOperations.integer_field_ranges
INT_MAX = _RANGES["IntegerField"][1]  # 2**31 - 1: IntegerField, PositiveIntegerField
ID_MAX = _RANGES["BigIntegerField"][1]  # 2**63 - 1: BigAutoField primary keys (DEFAULT_AUTO_FIELD), audit seq
RETENTION_DAYS_MAX = 36_500  # 100 years: "now - retention" must stay a date Python can represent

# Free text (characters). Labels, names and the GDPR record match their model columns where those have one.
LABEL_MAX = 64
LABELS_MAX = 1000  # labels of one project
NAME_MAX = 200
USERNAME_MAX = 150  # django.contrib.auth's User.username
PASSWORD_MAX = 1024
LAWFUL_BASIS_MAX = 64
PURPOSE_MAX = 2000  # copied into an audit event and every model card
REASON_MAX = 2000  # promotion, rejection, rollback
NOTE_MAX = 5000  # feedback comments, review notes
SUBJECT_REF_MAX = 128
QUERY_VALUE_MAX = 200  # a filter in a query string (action, actor, project slug, ...)


def bounded_id(value) -> int | None:
    """`value` as a primary key if it is a JSON integer the database can hold as one, else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ID_MAX:
        return None
    return value


class IdConverter:
    """`<id:name>` in a URL: a primary key. A number out of the database's range does not match (404, not 500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= ID_MAX:
            raise ValueError(f"{value} is not an id")  # Django: the pattern does not match
        return number

    def to_url(self, value) -> str:
        return str(value)


def query_value(request, name: str, default: str | None = None, *, max_length: int = QUERY_VALUE_MAX) -> str | None:
    """A query-string value, refused (400 naming it) when longer than `max_length`: filters end up in audit events."""
    from .exceptions import ApplicationError

    value = request.query_params.get(name, default)
    if value is not None and len(value) > max_length:
        raise ApplicationError(f"{name}: at most {max_length} characters.")
    return value


def query_schema(*, max_length: int = QUERY_VALUE_MAX) -> dict:
    """The OpenAPI schema of a free-text query parameter read with `query_value`."""
    return {"type": "string", "maxLength": max_length}


def note_text(value, *, name: str, missing: str, required: bool = True, limit: int = NOTE_MAX) -> str:
    """A free-text note a service records (a reason, a decision's note), stripped: `missing` (400) when required and
    absent or blank, a 400 naming `name` past `limit` characters; "" for an optional one not given."""
    from apps.core.exceptions import ApplicationError

    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ApplicationError(missing)
    if len(value) > limit:
        raise ApplicationError(f"{name}: at most {limit} characters.")
    return value.strip()
