"""The predict fast path: text predictions answered from an ASGI handler with dynamic batching and group commit.

`asgi.py` takes `POST /api/v1/projects/<slug>/predict/` with a token and plain texts off the event loop,
`group_commit.py` gathers the requests waiting at that moment, authorizes them from `access.py`'s caches, predicts
them in one model call per project and logs them in one transaction (items, predictions, audit events), and only then
are they answered. Anything the fast path does not handle exactly as the Django view would — another body, a session
cookie, an item id, any refusal — goes to the Django view unchanged, so there is one set of rules and error messages.
"""
