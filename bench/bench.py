"""policytrack at scale: server time of the main pages against the bare SQL behind them.

    bench/run                       # SQLite and PostgreSQL, 10,000 and 100,000 instruments
    bench/run --sizes 10000 --databases sqlite

For each database and size it builds a fresh database with ``generate_synthetic``, times a full
status-period rebuild and the Federal Register import, then requests each page many times
in-process (Django's test client: server time, no network), counting queries, and times the
hand-written SQL that returns the same rows. Pages run with production settings (debugging off).
It prints one table per run. Not part of the test suite: it takes minutes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = "postgres://postgres@127.0.0.1:5432/{name}"
REQUESTS = 40

# Every other endpoint, with the worst request a reasonable client makes of it: whole exports,
# the longest window, the largest page, the whole portfolio's calendar. Each is timed on its own
# (no bare SQL to compare with): what matters is that it stays within seconds, with a number of
# queries that does not grow with the portfolio.
ENDPOINTS = {
    "/instruments/?format=csv&on=": ("/instruments/", {"format": "csv", "on": "2020-06-01"}),
    "/on/<date>/?format=csv": ("/on/2020-06-01/", {"format": "csv"}),
    "/changes/ (a year)": ("/changes/", {"from": "2019-01-01", "to": "2019-12-31"}),
    "/changes/?format=csv (a year)": ("/changes/", {"from": "2019-01-01", "to": "2019-12-31", "format": "csv"}),
    "/api/changes/ (a year, largest page)": (
        "/api/changes/",
        {"from": "2019-01-01", "to": "2019-12-31", "page_size": "500"},
    ),
    "/api/instruments/ (largest page)": ("/api/instruments/", {"on": "2020-06-01", "page_size": "500"}),
    "/api/documents/ (largest page)": ("/api/documents/", {"page_size": "500"}),
    "/api/agencies/ (largest page)": ("/api/agencies/", {"page_size": "500"}),
    "/calendar.ics": ("/calendar.ics", {}),
    "/feeds/changes.atom": ("/feeds/changes.atom", {}),
    "/": ("/", {}),
    # The same as known on a date (issue 18): a year before the window's end, so that a year of
    # later sources is left out.
    "/instruments/?format=csv&on=&known=": (
        "/instruments/",
        {"format": "csv", "on": "2020-06-01", "known": "2019-06-01"},
    ),
    "/on/<date>/?format=csv&known=": ("/on/2020-06-01/", {"format": "csv", "known": "2019-06-01"}),
    "/changes/ (a year, as known on)": ("/changes/", {"from": "2019-01-01", "to": "2019-12-31", "known": "2019-06-01"}),
    "/changes/?format=csv (a year, as known on)": (
        "/changes/",
        {"from": "2019-01-01", "to": "2019-12-31", "format": "csv", "known": "2019-06-01"},
    ),
    "/api/changes/ (a year, largest page, as known on)": (
        "/api/changes/",
        {"from": "2019-01-01", "to": "2019-12-31", "page_size": "500", "known": "2019-06-01"},
    ),
    "/calendar.ics?known=": ("/calendar.ics", {"known": "2019-06-01"}),
    "/feeds/changes.atom?known=": ("/feeds/changes.atom", {"known": "2019-06-01"}),
    "/?known=": ("/", {"known": "2019-06-01"}),
    "/instruments/<slug>/calendar.ics?known=": ("/instruments/ai-diffusion-rule/calendar.ics", {"known": "2025-05-01"}),
    "/instruments/<slug>/changes.atom?known=": ("/instruments/ai-diffusion-rule/changes.atom", {"known": "2025-05-01"}),
    # The rest: every other address, each with the largest answer a reader asks of it. The
    # instrument addresses name the AI Diffusion Rule, which every benchmark database holds.
    "/documents/ (a publisher, last page)": ("/documents/", {"publisher": "Federal Register", "page": "last"}),
    "/instruments/<slug>/ (as known on)": (
        "/instruments/ai-diffusion-rule/",
        {"on": "2025-05-20", "known": "2025-05-14"},
    ),
    "/instruments/<slug>/compare/": (
        "/instruments/ai-diffusion-rule/compare/",
        {"on": "2025-05-20", "known_a": "2025-05-01", "known_b": "2025-05-14"},
    ),
    "/api/instruments/<slug>/ (timeline)": ("/api/instruments/ai-diffusion-rule/", {}),
    "/api/compare/ (a year)": ("/api/compare/", {"a": "2019-01-01", "b": "2019-12-31", "page_size": "500"}),
    "/api/compare/?known_a=&known_b= (a year learned)": (
        "/api/compare/",
        {"on": "2019-06-01", "known_a": "2019-01-01", "known_b": "2019-12-31", "page_size": "500"},
    ),
    "/instruments/<slug>/calendar.ics": ("/instruments/ai-diffusion-rule/calendar.ics", {}),
    "/instruments/<slug>/changes.atom": ("/instruments/ai-diffusion-rule/changes.atom", {}),
    "/history/ (first page)": ("/history/", {}),
    "/methodology/": ("/methodology/", {}),
    "/api/schema/": ("/api/schema/", {}),
    "/healthz": ("/healthz", {}),
    # As recorded at a moment (issue 18): NOW is the moment of the request, after the store's
    # first moment, so each is read through its record-time path.
    "/instruments/?recorded= (as recorded)": ("/instruments/", {"on": "2020-06-01", "recorded": "NOW"}),
    "/on/<date>/?recorded=&known=": ("/on/2020-06-01/", {"known": "2019-06-01", "recorded": "NOW"}),
    "/api/instruments/ (largest page, as recorded)": (
        "/api/instruments/",
        {"on": "2020-06-01", "page_size": "500", "recorded": "NOW"},
    ),
    # The views of dated events as recorded: at NOW (no instrument edited since: today's tables,
    # less none) and at FIRST, the store's first moment (the AI Diffusion Rule, imported after it,
    # is edited since: rebuilt from its history, and absent then), beside the same as known on.
    "/changes/ (a year, as recorded)": ("/changes/", {"from": "2019-01-01", "to": "2019-12-31", "recorded": "NOW"}),
    "/changes/ (a year, as known on, as recorded at the first moment)": (
        "/changes/",
        {"from": "2019-01-01", "to": "2019-12-31", "known": "2019-06-01", "recorded": "FIRST"},
    ),
    "/changes/?format=csv (a year, as known on, as recorded)": (
        "/changes/",
        {"from": "2019-01-01", "to": "2019-12-31", "format": "csv", "known": "2019-06-01", "recorded": "NOW"},
    ),
    "/api/changes/ (a year, largest page, as recorded)": (
        "/api/changes/",
        {"from": "2019-01-01", "to": "2019-12-31", "page_size": "500", "recorded": "FIRST"},
    ),
    "/?recorded=": ("/", {"recorded": "NOW"}),
    "/?known=&recorded=": ("/", {"known": "2019-06-01", "recorded": "NOW"}),
    "/feeds/changes.atom?known=&recorded=": ("/feeds/changes.atom", {"known": "2019-06-01", "recorded": "FIRST"}),
    "/calendar.ics?known=&recorded=": ("/calendar.ics", {"known": "2019-06-01", "recorded": "FIRST"}),
    "/instruments/<slug>/calendar.ics?known=&recorded=": (
        "/instruments/ai-diffusion-rule/calendar.ics",
        {"known": "2025-05-01", "recorded": "NOW"},
    ),
    "/documents/?known= (last page)": ("/documents/", {"known": "2019-06-01", "page": "last"}),
    "/api/documents/?known= (largest page)": ("/api/documents/", {"known": "2019-06-01", "page_size": "500"}),
    # The whole exports as recorded, beside the same as known on (above): each row's record and its
    # disputes are read from the edit history.
    "/instruments/?format=csv&on=&recorded=": (
        "/instruments/",
        {"format": "csv", "on": "2020-06-01", "recorded": "NOW"},
    ),
    "/instruments/?format=csv&on=&known=&recorded=": (
        "/instruments/",
        {"format": "csv", "on": "2020-06-01", "known": "2019-06-01", "recorded": "NOW"},
    ),
    "/on/<date>/?format=csv&recorded=": ("/on/2020-06-01/", {"format": "csv", "recorded": "NOW"}),
    "/on/<date>/?format=csv&known=&recorded=": (
        "/on/2020-06-01/",
        {"format": "csv", "known": "2019-06-01", "recorded": "NOW"},
    ),
    "/documents/?recorded= (a publisher, last page)": (
        "/documents/",
        {"publisher": "Federal Register", "page": "last", "recorded": "NOW"},
    ),
    "/documents/?known=&recorded= (last page)": (
        "/documents/",
        {"known": "2019-06-01", "page": "last", "recorded": "NOW"},
    ),
    "/api/documents/?recorded= (largest page)": ("/api/documents/", {"page_size": "500", "recorded": "NOW"}),
}
ENDPOINT_REQUESTS = 3


NAME = "policytrack-bench"  # --name: databases of one's own, beside another engineer's run


def _sqlite_file(size):
    return Path(f"/tmp/{NAME}-{size}.sqlite3")


def _postgres_name(size):
    return f"{NAME.replace('-', '_')}_{size}"


def _psql(*args):
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", *args], capture_output=True, text=True, check=True
    ).stdout


def database_url(kind, size):
    if kind == "sqlite":
        return f"sqlite:///{_sqlite_file(size)}"
    return POSTGRES.format(name=_postgres_name(size))


def fresh_database(kind, size):
    if kind == "sqlite":
        _sqlite_file(size).unlink(missing_ok=True)
        return
    for statement in (f"DROP DATABASE IF EXISTS {_postgres_name(size)}", f"CREATE DATABASE {_postgres_name(size)}"):
        _psql("-qc", statement)


def exists(kind, size):
    if kind == "sqlite":
        return _sqlite_file(size).exists()
    return _psql("-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{_postgres_name(size)}'").strip() == "1"


def production(url):
    """Settings as in production (debugging off, static files collected), so that pages are timed
    as users get them; only the host name is the test client's."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 44,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        # One client asking hundreds of times a minute: a rate limit would answer 429.
        "POLICYTRACK_API_RATE": "off",
        "POLICYTRACK_EXPORT_RATE": "off",
        "POLICYTRACK_SEARCH_RATE": "off",
    }


def manage(url, *args):
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "true"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def prepare(kind, size):
    fresh_database(kind, size)
    url = database_url(kind, size)
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "import_timeline", str(ROOT / "fixtures" / "ai-diffusion-rule.json"))
    generated = manage(url, "generate_synthetic", "--instruments", str(size), "--seed", "1")
    return url, generated


# The measurements, run inside a child process with DATABASE_URL set.


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(size, generated, only=None, skip_writes=False):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policytrack.settings")
    # Loaded as a gunicorn worker loads it (which sets Django up, then freezes the startup heap
    # out of the garbage collector's sight: see policytrack/wsgi.py).
    import policytrack.wsgi  # noqa: F401
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import bare_sql
    from policytrack.timeline.models import Agency, Instrument
    from policytrack.timeline.periods import CORES, rebuild_status_periods

    _tidy()
    rng = random.Random(5)
    slugs = list(Instrument.objects.order_by("?").values_list("slug", flat=True)[:REQUESTS])
    agencies = list(Agency.objects.filter(parent__isnull=False).values_list("slug", flat=True))

    def some_day():
        return datetime.date(1996, 1, 1) + datetime.timedelta(days=rng.randint(0, 30 * 365))

    pages = {
        "/on/<date>/": lambda i: (f"/on/{some_day()}/", {}),
        "/on/<date>/?known=": lambda i: (
            f"/on/{(day := some_day())}/",
            {"known": str(day - datetime.timedelta(days=rng.randint(0, 365)))},
        ),
        "/instruments/?on=&agency=&kind=": lambda i: (
            "/instruments/",
            {"on": str(some_day()), "agency": rng.choice(agencies), "kind": "rule"},
        ),
        "/instruments/?on=&known=&agency=&kind=": lambda i: (
            "/instruments/",
            {
                "on": str(day := some_day()),
                "known": str(day - datetime.timedelta(days=rng.randint(0, 365))),
                "agency": rng.choice(agencies),
                "kind": "rule",
            },
        ),
        "/instruments/<slug>/": lambda i: (f"/instruments/{slugs[i]}/", {"on": str(some_day())}),
        "/changes/ (one month)": lambda i: (
            "/changes/",
            {"from": str(day := some_day()), "to": str(day + datetime.timedelta(days=30))},
        ),
        "/changes/?known= (one month)": lambda i: (
            "/changes/",
            {
                "from": str(day := some_day()),
                "to": str(day + datetime.timedelta(days=30)),
                "known": str(day - datetime.timedelta(days=rng.randint(-30, 365))),
            },
        ),
        # The worst reasonable comparison: two dates a year apart, so that a year of status
        # changes across the portfolio are candidates.
        "/compare/ (one year)": lambda i: (
            "/compare/",
            {"a": str(day := some_day()), "b": str(day + datetime.timedelta(days=365))},
        ),
        "/compare/?known= (one year)": lambda i: (
            "/compare/",
            {
                "a": str(day := some_day()),
                "b": str(day + datetime.timedelta(days=365)),
                "known": str(day + datetime.timedelta(days=rng.randint(0, 730))),
            },
        ),
        # What was learned about a date over a year of knowledge: every row starting in that year
        # (and covering the date) is a candidate.
        "/compare/?known_a=&known_b= (a year learned)": lambda i: (
            "/compare/",
            {
                "on": str(day := some_day()),
                "known_a": str(known := day + datetime.timedelta(days=rng.randint(-365, 365))),
                "known_b": str(known + datetime.timedelta(days=365)),
            },
        ),
        "/api/instruments/<slug>/status/": lambda i: (f"/api/instruments/{slugs[i]}/status/", {"on": str(some_day())}),
        "/feeds/changes.atom": lambda i: ("/feeds/changes.atom", {"agency": rng.choice(agencies)}),
        "/feeds/changes.atom?known=": lambda i: (
            "/feeds/changes.atom",
            {"agency": rng.choice(agencies), "known": str(some_day())},
        ),
        "/instruments/?q= (search)": lambda i: ("/instruments/", {"q": searches[i % len(searches)]}),
        "/history/ (older page)": lambda i: ("/history/", {"older": history_cursors[i % len(history_cursors)]}),
    }
    searches = _searches(rng)
    history_cursors = _history_cursors(rng)
    client = Client()
    rows = []
    for name, make in pages.items():
        if only and not any(word in name for word in only):
            continue
        times, queries, sql_times = [], [], []
        for i in range(REQUESTS + 3):
            address, params = make(i % REQUESTS)

            def time_page():
                started = time.perf_counter()
                response = client.get(address, params)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
                assert response.status_code == 200, (address, params, response.status_code)
                return time.perf_counter() - started

            def time_sql():
                started = time.perf_counter()
                bare_sql.run(name, address, params)
                return time.perf_counter() - started

            # Each goes first every other time: whichever runs second finds the rows the first
            # read in the database's cache, which would favour the SQL if it always came second.
            if i % 2:
                sql_elapsed, elapsed = time_sql(), time_page()
            else:
                elapsed, sql_elapsed = time_page(), time_sql()
            with CaptureQueriesContext(connection) as captured:  # counted apart: logging queries costs time
                client.get(address, params)
            if i >= 3:  # the first requests warm caches
                times.append(elapsed)
                queries.append(len(captured))
                sql_times.append(sql_elapsed)
        median, p95 = statistics.median(times), _percentile(times, 0.95)
        sql = statistics.median(sql_times)
        rows.append(
            {
                "page": name,
                "median_ms": median * 1000,
                "p95_ms": p95 * 1000,
                "queries": f"{min(queries)}–{max(queries)}" if min(queries) != max(queries) else str(queries[0]),
                "sql_ms": sql * 1000,
                "ratio": median / sql if sql else float("nan"),
            }
        )

    endpoints = _endpoints(client, only)
    floor = _floor(client)
    if skip_writes:
        return {
            "rows": rows,
            "endpoints": endpoints,
            "rebuild_s": None,
            "rewrite_s": None,
            "rebuilt": 0,
            "generated_s": generated,
            "fr_per_s": None,
            "floor_ms": floor,
        }
    started = time.perf_counter()
    count = rebuild_status_periods(batch_size=1000, jobs=CORES)
    rebuild = time.perf_counter() - started
    imported = _federal_register_throughput()
    rewrite = _rewrite_every_period()
    _tidy()  # the rewrite left dead rows that would slow what is measured next
    return {
        "rows": rows,
        "endpoints": endpoints,
        "rebuild_s": rebuild,
        "rewrite_s": rewrite,
        "rebuilt": count,
        "generated_s": generated,
        "fr_per_s": imported,
        "floor_ms": floor,
    }


def _endpoints(client, only):
    """Each of ``ENDPOINTS``: the median seconds of a few requests (the whole body read, after
    one to warm the database's caches), the queries and the size of its answer. The cache is
    cleared before each: the time is that of building the answer, not of a cached copy."""
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from django.utils import timezone

    from policytrack.timeline.derived import records_from

    rows = []
    for name, (address, params) in ENDPOINTS.items():
        if only and not any(word in name for word in only):
            continue
        moments = {"NOW": timezone.now().isoformat(), "FIRST": records_from().isoformat()}
        params = {key: moments.get(value, value) for key, value in params.items()}
        times, queries, size = [], [], 0
        for i in range(ENDPOINT_REQUESTS + 1):
            cache.clear()
            reset_queries()  # else the log of the last request is counted from, and then emptied
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(address, params)
                body = b"".join(response.streaming_content) if response.streaming else response.content
                elapsed = time.perf_counter() - started
            assert response.status_code == 200, (address, params, response.status_code, body[:300])
            if i:
                times.append(elapsed)
                queries.append(len(captured))
                size = len(body)
        rows.append({"endpoint": name, "median_s": statistics.median(times), "queries": max(queries), "bytes": size})
    return rows


def _searches(rng):
    """What analysts type: identifiers of the data in several forms, words of its titles and
    text (common and rare), and hostile input."""
    from policytrack.timeline.models import Document, Instrument

    citations = list(
        Document.objects.exclude(citation="").order_by("?").values_list("citation", "fr_document_number")[:6]
    )
    rins = list(Instrument.objects.exclude(rin="").order_by("?").values_list("rin", flat=True)[:4])
    words = [
        word
        for title in Instrument.objects.order_by("?").values_list("title", flat=True)[:8]
        for word in title.split()[:2]
    ]
    searches = [
        form for citation, number in citations for form in (citation, citation.replace(" ", ""), f"FR Doc. {number}")
    ]
    searches += (
        rins
        + words
        + [
            "rule",
            "export controls",
            "interim final rule",
            "15 CFR part 748",
            "part 748",
            'NEAR "unbalanced',
            "AND OR NOT *",
        ]
    )
    rng.shuffle(searches)
    return searches


def _history_cursors(rng):
    """Cursors of older pages of /history/, spread over the whole history."""
    from policytrack.timeline.models import Claim
    from policytrack.web.history import Entry

    records = Claim.history.order_by("-history_date").values_list("history_date", "history_id")
    total = records.count()
    if not total:  # generate_synthetic saves no history (bulk_create): the first page, empty
        return [""]
    return [
        Entry(when, 2, history_id, None, 0, "").cursor
        for when, history_id in (records[rng.randrange(total)] for _ in range(REQUESTS))
    ]


def _tidy():
    """On PostgreSQL, VACUUM ANALYZE: pages are measured on a database as autovacuum leaves it
    in service, not one full of the dead rows of a rolled-back benchmark write."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _floor(client):
    """Median ms of a request through every middleware to a view that reads nothing (the
    date picker's redirect): what any page costs before its own work."""
    times = []
    for _ in range(43):
        started = time.perf_counter()
        client.get("/on/", {"date": "2025-05-14"})
        times.append(time.perf_counter() - started)
    return statistics.median(times[3:]) * 1000


def _rewrite_every_period():
    """Seconds to rebuild every status period from nothing, as after a restore that lost them:
    every period and tally deleted, every one written again, a batch of 1,000 instruments per
    transaction as ``check_status_periods --repair`` commits them. The rows written are the ones
    deleted (the events have not changed), so the database is left as it was.

    (It ran inside one transaction, to be rolled back: then each batch's tally upserts updated
    rows that earlier batches of the same transaction had updated, whose old versions PostgreSQL
    cannot prune before the end — 22 of its 57 seconds, which no real rebuild spends.)"""
    from django.db import connection, transaction

    from policytrack.timeline.models import PhaseTally, PhaseTallyYear, StatusPeriod
    from policytrack.timeline.periods import CORES, rebuild_status_periods, tally_differences

    before = StatusPeriod.objects.count()
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (StatusPeriod, PhaseTally, PhaseTallyYear):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    started = time.perf_counter()
    rebuild_status_periods(batch_size=1000, jobs=CORES)
    elapsed = time.perf_counter() - started
    assert StatusPeriod.objects.count() == before, "the rewrite did not write the periods it deleted"
    assert not tally_differences(), "the rewrite left the phase tally disagreeing with the periods"
    if connection.vendor == "postgresql":
        # A full rewrite leaves the indexes about twice their size (106 against 37 MB for the
        # largest at 100,000), which slowed the changes page by a third in later runs.
        with connection.cursor() as cursor:
            for model in (StatusPeriod, PhaseTally, PhaseTallyYear):
                cursor.execute(f"REINDEX TABLE {connection.ops.quote_name(model._meta.db_table)}")
    return elapsed


def _federal_register_throughput(count=500):
    """Documents imported per second: a search page of ``count`` documents built from the recorded
    rule (each with its own number and docket, so each starts an instrument), imported in one go."""
    from django.db import transaction

    from policytrack.ingest.federal_register import import_documents

    template = json.loads((ROOT / "tests" / "data" / "federal_register" / "regulatory-document.json").read_text())
    documents = [
        template | {"document_number": f"2099-{n:05d}", "docket_ids": [f"BENCH-{n}"], "title": f"Benchmark rule {n}"}
        for n in range(count)
    ]
    with transaction.atomic():
        started = time.perf_counter()
        import_documents(documents, "bench")
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)  # leave the benchmark database as it was
    return count / elapsed


def print_table(kind, size, result):
    generated = f"generated in {result['generated_s']:.0f} s" if result["generated_s"] else "reused"
    rebuild = (
        f"status periods of {result['rebuilt']:,} instruments checked and rebuilt in "
        f"{result['rebuild_s']:.1f} s, every one rewritten from nothing in {result['rewrite_s']:.1f} s"
        if result["rebuild_s"] is not None
        else "rebuild not measured"
    )
    imported = f"{result['fr_per_s']:,.0f} documents/s" if result["fr_per_s"] else "not measured"
    print(
        f"\n{kind}, {size:,} instruments (+ the demo): {generated}; {rebuild}; Federal Register import: {imported}; "
        f"a request that reads nothing: {result['floor_ms']:.2f} ms"
    )
    print("| page | median ms | p95 ms | queries | bare SQL ms | page ÷ SQL |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in result["rows"]:
        print(
            f"| {row['page']} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} | {row['queries']} | "
            f"{row['sql_ms']:.1f} | {row['ratio']:.1f} |"
        )
    if result.get("endpoints"):
        print("\n| endpoint (worst reasonable request) | median s | queries | size |")
        print("|---|---:|---:|---:|")
        for row in result["endpoints"]:
            print(f"| {row['endpoint']} | {row['median_s']:.2f} | {row['queries']} | {row['bytes'] / 1e6:.1f} MB |")


def main():
    global NAME
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"])
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the databases a previous run built instead of building them again (those missing are built)",
    )
    parser.add_argument(
        "--pages", nargs="+", metavar="WORD", help="measure only the pages whose name contains one of these words"
    )
    parser.add_argument(
        "--pages-only", action="store_true", help="skip the rebuild and the import (which write to the database)"
    )
    parser.add_argument(
        "--name", default=NAME, help="the databases' name: /tmp/NAME-SIZE.sqlite3 and NAME_SIZE on PostgreSQL"
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    NAME = args.name
    if args.child:
        size, generated = int(args.child[0]), float(args.child[1])
        print(json.dumps(measure(size, generated, args.pages, args.pages_only)))
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=production(database_url("sqlite", 0)),
        check=True,
    )
    for kind in args.databases:
        for size in args.sizes:
            if args.reuse and exists(kind, size):
                url, generated = database_url(kind, size), 0.0
            else:
                reason = " (none to reuse)" if args.reuse else ""
                print(f"preparing {kind} with {size:,} instruments{reason}…", file=sys.stderr, flush=True)
                url, generated = prepare(kind, size)
            options = [
                *(["--pages", *args.pages] if args.pages else []),
                *(["--pages-only"] if args.pages_only else []),
            ]
            child = subprocess.run(
                [sys.executable, "-m", "bench.bench", "--child", str(size), str(generated), *options],
                cwd=ROOT,
                env=production(url),
                capture_output=True,
                text=True,
            )
            if child.returncode:
                sys.exit(f"measuring {kind} at {size:,} failed:\n{child.stderr}")
            print_table(kind, size, json.loads(child.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
