"""What a stack's processes logged, for a failing test to say why (mixed into harness.Stack, whose `dir` holds
`log/<service>.log`)."""
import contextlib
from collections.abc import Iterable
from pathlib import Path


class StackLogs:
    dir: Path

    def log(self, service: str) -> Path:
        return self.dir / "log" / f"{service}.log"

    def logs_tail(self, chars: int = 1500, services: Iterable[str] | None = None) -> str:
        """The last `chars` of each service's log (`services` in that order; every log by name when None)."""
        if services is None:
            folder = self.dir / "log"
            paths = sorted(folder.glob("*.log")) if folder.exists() else []
        else:
            paths = [self.log(service) for service in services]
        parts = []
        for path in paths:
            try:
                text = path.read_text(errors="replace")[-chars:]
            except OSError:
                continue
            parts.append(f"--- {path.name}\n{text}")
        return "\n".join(parts)

    @contextlib.contextmanager
    def explained(self, *services: str, chars: int = 2500):
        """A failed assertion inside the block carries the tails of `services`' logs (what a worker or beat was doing
        while the test waited in vain)."""
        try:
            yield
        except AssertionError as exc:
            tails = self.logs_tail(chars, services)
            raise AssertionError("\n".join(filter(None, [str(exc), tails]))) from exc

    def server_errors(self, path: str, lines: int = 8) -> str:
        """What the web process and PostgreSQL logged about a failed request to `path`: the web log's lines naming
        it (the 503 handler names the exception) and PostgreSQL's last ERROR/FATAL lines and lock waits over a second
        (log_lock_waits) with their DETAIL (a deadlock's two statements) — so that a 5xx seen once in CI says why."""
        def grep(service: str, keep) -> list[str]:
            try:
                text = self.log(service).read_text(errors="replace").splitlines()
            except OSError:
                return []
            return [line[:600] for line in text if keep(line)][-lines:]

        web = grep("web", lambda line: path.strip("/") in line and ("503 for" in line or "Error" in line))
        marks = ("ERROR:", "FATAL:", "DETAIL:", "STATEMENT:", "still waiting")
        pg = grep("postgres-server", lambda line: any(mark in line for mark in marks))
        return "\n".join(["--- web.log", *web, "--- postgres-server.log", *pg])
