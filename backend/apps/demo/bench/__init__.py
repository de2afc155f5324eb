"""`make bench`: the platform measured side by side with what a team would write instead (see docs/performance.md).

reference.py  the reference server (FastAPI under uvicorn, same champion model file, nothing logged)
loadgen.py    the load generator (asyncio + aiohttp, a process of its own)
servers.py    starting and stopping both servers on loopback
measure.py    the rows: predict, batch, feedback, audit, detection, memory
report.py     the table, var/bench/results.json and docs/performance.md
"""
