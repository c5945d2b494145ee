"""Benchmark figures of the public portal (issue 5): ``python -m tools.bench_portal``.

Prints ``bench <name> <value> <unit>`` lines on stdout (progress notes on stderr), like
``tools.bench``, on a throwaway SQLite database with a few sites and published news pages,
served by a real WSGI server (Django's threaded server, HTTP/1.1 keep-alive) on a free
loopback port in this process:

* ``portal_cached_rps`` — requests per second for a news page answered from the page cache,
  by ``--threads`` keep-alive clients, median of ``--rounds`` rounds of ``--seconds``.
* ``portal_ping_rps`` — the same for ``/services/ping``, a constant view behind the whole
  middleware stack and URL routing.
* ``portal_cached_ratio`` — cached page / ping, the median of the rounds' ratios (each round
  measures both, one after the other, so a busy machine slows both alike). Target ≥ 0.80: a
  cached page must cost no more than the cheapest routed request.
* ``portal_uncached_queries`` — database queries to render a news page that is not cached
  (budget 15, asserted by ``test_publishing_cache.py``).

Only loopback traffic; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tools.bench import emit, note, setup_django

HOSTS = [("jyt.bench", "province"), ("wlmq.bench", "urumqi"), ("ks.bench", "kashgar")]
NEWS_PER_SITE = 8


def build_sites() -> dict[str, Any]:
    """Three sites with published news pages; returns host → a news page path."""
    from edugov.platform.testing.fixtures import build_tree
    from edugov.portal.actions.sites import do_create_site
    from edugov.portal.models import ArticlePage

    tree = build_tree()
    paths = {}
    for host, unit in HOSTS:
        portal_site = do_create_site(
            getattr(tree, unit), hostname=host, acting_user=None, slug=host.split(".")[0]
        )
        home = portal_site.site.root_page.specific
        for n in range(NEWS_PER_SITE):
            page = ArticlePage(
                title=f"第{n + 1}期：全区教育系统工作动态",
                slug=f"news-{n + 1}",
                date=dt.date(2026, 3, 1) + dt.timedelta(days=n),
                summary="各地各校认真落实开学各项工作，确保师生安全、教学秩序平稳。" * 2,
                body=[
                    ("paragraph", "<p>" + "各地教育部门加强校园安全管理，开展安全隐患排查。" * 20 + "</p>"),
                ],
                live=False,
            )
            home.add_child(instance=page)
            page.save_revision().publish(skip_permission_checks=True)
        paths[host] = page.get_url_parts()[2]
    return paths


def start_server() -> tuple[Any, int]:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        # Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and
        # the client's delayed ACK hold every response ~40 ms, whatever the application does.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    return server, server.server_address[1]


def measure(port: int, host: str, path: str, *, threads: int, seconds: float) -> float:
    """Requests per second over ``seconds`` by ``threads`` keep-alive clients (200s only)."""
    deadline_box: list[float] = []
    counts = [0] * threads
    errors: list[str] = []
    barrier = threading.Barrier(threads + 1)

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Host": host}
        try:
            connection.request("GET", path, headers=headers)  # warm-up, opens the connection
            connection.getresponse().read()
            barrier.wait()
            deadline = deadline_box[0]
            n = 0
            while time.perf_counter() < deadline:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"{path}: {response.status}")
                    return
                n += 1
            counts[index] = n
        finally:
            connection.close()

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    deadline_box.append(time.perf_counter() + seconds + 0.05)
    started = time.perf_counter()
    barrier.wait()
    for worker in workers:
        worker.join(seconds + 30)
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"benchmark request failed: {errors[0]}")
    return sum(counts) / elapsed


def uncached_queries(host: str, path: str) -> int:
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    caches["portal_pages"].clear()
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST=host)
    if response.status_code != 200:
        raise SystemExit(f"{path} on {host} answered {response.status_code}")
    return len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=1.5)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="edugov-bench-portal-") as tmp:
        db_file = Path(tmp) / "bench.sqlite3"
        setup_django(db_file, Path(tmp) / "var")
        note(f"throwaway database {db_file}")
        from django.core.management import call_command
        from django.db import connections

        try:
            call_command("migrate", interactive=False, verbosity=0)
            note(f"migrated in {time.perf_counter() - started:.0f} s")
            paths = build_sites()
            host, path = HOSTS[0][0], paths[HOSTS[0][0]]
            queries = uncached_queries(host, path)
            connections.close_all()
            server, port = start_server()
            note(f"serving on 127.0.0.1:{port}; news page {path} on {host}")
            try:
                cached, ping = [], []
                for _round in range(args.rounds):
                    cached.append(measure(port, host, path, threads=args.threads, seconds=args.seconds))
                    ping.append(
                        measure(port, host, "/services/ping", threads=args.threads, seconds=args.seconds)
                    )
                note("cached rps " + ", ".join(f"{x:.0f}" for x in cached))
                note("ping rps " + ", ".join(f"{x:.0f}" for x in ping))
            finally:
                server.shutdown()
                server.server_close()
            emit("portal_cached_rps", statistics.median(cached), "req/s")
            emit("portal_ping_rps", statistics.median(ping), "req/s")
            emit(
                "portal_cached_ratio",
                statistics.median(c / p for c, p in zip(cached, ping, strict=True)),
                "ratio",
            )
            emit("portal_uncached_queries", queries, "queries")
        finally:
            connections.close_all()
    note(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
