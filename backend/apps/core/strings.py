"""No string that a database cannot store gets in: NUL characters and lone UTF-16 surrogates.

Python's JSON decoder turns ``"\\udfff"`` into a lone surrogate, which UTF-8 cannot encode
(SQLite and PostgreSQL drivers raise UnicodeEncodeError), and PostgreSQL refuses NUL in text.
Every way a string enters is checked here, once, and refused with a 400 naming the field:

- request bodies: the JSON, multipart and form parsers (every API view's parsers) walk what they
  parsed, keys included (``items[3].subject_ref: contains a NUL character``);
- query strings: :class:`QueryStringMiddleware` (Django replaces undecodable bytes, but keeps NUL);
- file contents (CSV, JSONL, Label Studio, COCO, YOLO): the services that validate their rows call
  :func:`text_problem` on every value they store;
- and, as a backstop for anything missed, :func:`database_guard` refuses such a string in any
  query's parameters (a 400 without a field name, instead of a 500).
"""
from django.db.backends.signals import connection_created
from django.http import JsonResponse
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# How a sealed text starts (apps.privacy.sealing.MARK): reserved, so that no text a user sends can pass for one.
SEALED_PREFIX = "\x1bhitl-sealed:"


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be taken from a user (``"contains a NUL character"``), or None."""
    if value.startswith(SEALED_PREFIX):
        return "starts with the reserved sequence ESC 'hitl-sealed:'"
    return storable_problem(value)


def storable_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored at all (the database guard's check; sealed values pass), or None."""
    if "\x00" in value:
        return "contains a NUL character"
    if value.isascii():
        return None
    try:
        value.encode("utf-8")  # in C: a Python loop over a 20 MB text would take seconds
    except UnicodeEncodeError as exc:  # only lone surrogates fail to encode
        return f"contains a lone surrogate (U+{ord(value[exc.start]):04X}), which is not valid Unicode text"
    return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def find_bad_string(data, path: str = "", problem_of=text_problem) -> tuple[str, str] | None:
    """``(field path, problem)`` of the first bad string in parsed JSON (keys included), or None."""
    stack = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            problem = problem_of(value)
            if problem:
                return where or "body", problem
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                key_problem = problem_of(key) if isinstance(key, str) else None
                if key_problem:
                    return _join(where, repr(key)[1:-1]), f"field name {key_problem}"
                stack.append((_join(where, str(key)), item))
        elif isinstance(value, list | tuple):
            stack.extend((f"{where}[{i}]", item) for i, item in reversed(list(enumerate(value))))
    return None


def refuse_bad_strings(data) -> None:
    found = find_bad_string(data)
    if found:
        raise ParseError(f"{found[0]}: {found[1]}.")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:  # DRF turns ValueError into a ParseError, but not this
            raise ParseError("JSON parse error - nested too deeply.") from exc
        refuse_bad_strings(data)
        return data


def _form_fields(data) -> dict:
    """A form's fields, a field sent once as a plain value (so a bad one is named ``field``, not ``field[0]``)."""
    if not hasattr(data, "getlist"):
        return dict(data)
    return {key: values[0] if len(values) == 1 else values for key, values in ((k, data.getlist(k)) for k in data)}


class MultiPartParser(parsers.MultiPartParser):
    """Form fields are checked; file names are already cleaned by Django (non-printable characters dropped)."""

    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        refuse_bad_strings(_form_fields(result.data))
        return result


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_bad_strings(_form_fields(data))
        return data


class QueryStringMiddleware:
    """``?split=%00`` reaches a filter as a NUL character: refused before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = find_bad_string(_form_fields(request.GET))
        if found:
            return JsonResponse({"detail": f"?{found[0]}=: {found[1]}."}, status=400)
        return self.get_response(request)


def _bad_param(params) -> str | None:
    values = params.values() if isinstance(params, dict) else params or ()
    for param in values:
        value = getattr(param, "adapted", getattr(param, "obj", param))  # a JSON column's adapter (psycopg)
        if isinstance(value, str | list | tuple | dict):
            found = find_bad_string(value, problem_of=storable_problem)
            if found:
                return found[1]
    return None


def database_guard(execute, sql, params, many, context):
    """A connection's execute wrapper: a bad string in the parameters is a 400, never a driver error."""
    problem = _bad_param(params) if not many else next(filter(None, map(_bad_param, params or ())), None)
    if problem:
        # imported here: DRF imports this module (DEFAULT_PARSER_CLASSES) while apps.core.exceptions loads DRF
        from apps.core.exceptions import ApplicationError

        raise ApplicationError(f"A value {problem}; nothing was stored.")
    return execute(sql, params, many, context)


def _install_guard(sender, connection, **kwargs) -> None:
    if database_guard not in connection.execute_wrappers:
        connection.execute_wrappers.append(database_guard)


def database_guard_install() -> None:
    """Called once from CoreConfig.ready(): every new database connection gets :func:`database_guard`."""
    connection_created.connect(_install_guard, dispatch_uid="apps.core.strings.database_guard")
