"""The load generator: N keep-alive connections on loopback, each sending its next request as soon as the last one
is answered, for a fixed duration. asyncio + aiohttp in a process of its own (wrk is not installed, and `make bench`
cannot install it); its own CPU time is reported so that docs/performance.md can say what it takes from the server.

    python -m apps.demo.bench.loadgen SPEC.json   ->  one JSON object on stdout

SPEC: {"url": ..., "urls": [...] (optional: each used once, in order, e.g. one feedback per prediction),
       "body": "..." (a JSON string; every "@N@" is replaced by a request counter, so each text is new),
       "headers": {...}, "connections": 8, "duration": 10.0, "warmup": 1.0}
"""
import asyncio
import json
import sys
import time


def _percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


async def _run(spec: dict) -> dict:
    import aiohttp

    connections, duration = int(spec["connections"]), float(spec["duration"])
    warmup = float(spec.get("warmup", 0.0))
    body, headers = spec.get("body"), {"Content-Type": "application/json", **spec.get("headers", {})}
    urls = iter(spec["urls"]) if spec.get("urls") else None
    counter = 0
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    measuring = False
    warmup_ok = 0
    connector = aiohttp.TCPConnector(limit=connections, force_close=False)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        async def worker(stop_at: float) -> None:
            nonlocal counter, warmup_ok
            while time.perf_counter() < stop_at:
                if urls is not None:
                    url = next(urls, None)
                    if url is None:
                        return
                else:
                    url = spec["url"]
                counter += 1
                data = body.replace("@N@", str(counter)) if body is not None else None
                started = time.perf_counter()
                try:
                    if data is None:
                        async with session.get(url, headers=headers) as response:
                            await response.read()
                            status = str(response.status)
                    else:
                        async with session.post(url, data=data, headers=headers) as response:
                            await response.read()
                            status = str(response.status)
                except (TimeoutError, aiohttp.ClientError) as exc:
                    status = type(exc).__name__
                if measuring:
                    latencies.append(time.perf_counter() - started)
                    statuses[status] = statuses.get(status, 0) + 1
                elif status.startswith("2"):
                    warmup_ok += 1

        if warmup and urls is None:
            await asyncio.gather(*(worker(time.perf_counter() + warmup) for _ in range(connections)))
        measuring = True
        cpu0, t0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker(t0 + duration) for _ in range(connections)))
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    latencies.sort()
    ok = sum(n for s, n in statuses.items() if s.startswith("2"))
    ms = lambda v: round(v * 1000, 2) if v is not None else None  # noqa: E731
    return {"connections": connections, "seconds": round(seconds, 3), "requests": len(latencies), "ok": ok,
            "errors": len(latencies) - ok, "warmup_ok": warmup_ok,
            "statuses": statuses, "rps": round(ok / seconds, 1) if seconds else 0.0,
            "p50_ms": ms(_percentile(latencies, 0.50)), "p95_ms": ms(_percentile(latencies, 0.95)),
            "p99_ms": ms(_percentile(latencies, 0.99)), "loadgen_cpu_s": round(cpu, 3),
            "loadgen_cores": round(cpu / seconds, 3) if seconds else 0.0}


def main(argv: list[str]) -> None:
    with open(argv[1]) as f:
        spec = json.load(f)
    print(json.dumps(asyncio.run(_run(spec))))


if __name__ == "__main__":
    main(sys.argv)
