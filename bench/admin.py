"""The admin at scale: server time of the pages an editor opens, on a database of synthetic
instruments (``generate_synthetic``).

    .venv/bin/python -m bench.admin                         # SQLite and PostgreSQL, 10,000 instruments
    .venv/bin/python -m bench.admin --sizes 100000 --databases postgres --reuse

Builds its own databases (``/tmp/policytrack-bench-admin-N.sqlite3``, ``policytrack_bench_admin_N``),
then, as a logged-in superuser with production settings, requests each page several times
in-process (Django's test client: server time, no network), counting queries and bytes. Prints
one table per database and size. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.bench import POSTGRES, ROOT, _psql, manage, production

REQUESTS = 5


def database_url(kind, size):
    if kind == "sqlite":
        return f"sqlite:///{Path(f'/tmp/policytrack-bench-admin-{size}.sqlite3')}"
    return POSTGRES.format(name=f"policytrack_bench_admin_{size}")


def exists(kind, size):
    if kind == "sqlite":
        return Path(f"/tmp/policytrack-bench-admin-{size}.sqlite3").exists()
    name = f"policytrack_bench_admin_{size}"
    return _psql("-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip() == "1"


def prepare(kind, size):
    if kind == "sqlite":
        Path(f"/tmp/policytrack-bench-admin-{size}.sqlite3").unlink(missing_ok=True)
    else:
        name = f"policytrack_bench_admin_{size}"
        for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            _psql("-qc", statement)
    url = database_url(kind, size)
    manage(url, "migrate", "--noinput", "-v0")
    manage(url, "import_timeline", str(ROOT / "fixtures" / "ai-diffusion-rule.json"))
    return url, manage(url, "generate_synthetic", "--instruments", str(size), "--seed", "1")


def measure():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policytrack.settings")
    import policytrack.wsgi  # noqa: F401  (sets Django up as a server worker does)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from policytrack.timeline.models import Event, Instrument

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    # The instrument with the most events (the heaviest change page), and a delay's page.
    busiest = max(Instrument.objects.order_by("?")[:200], key=lambda i: i.events.count())
    delay = Event.objects.filter(kind="delayed").order_by("pk").first() or busiest.events.first()
    pages = {
        "instrument change page (most events of 200)": f"/admin/timeline/instrument/{busiest.pk}/change/",
        "event change page (a delay)": f"/admin/timeline/event/{delay.pk}/change/",
        "instrument list": "/admin/timeline/instrument/",
        "instrument list, search “15 CFR”": "/admin/timeline/instrument/?q=15+CFR",
        "instrument list, search an FR citation": "/admin/timeline/instrument/?q=90+FR+4544",
        "event list": "/admin/timeline/event/",
        "claim list": "/admin/timeline/claim/",
        "document list": "/admin/timeline/document/",
        "status period list": "/admin/timeline/statusperiod/",
        "relation list": "/admin/timeline/instrumentrelation/",
        "agency list": "/admin/timeline/agency/",
    }
    rows = []
    for name, address in pages.items():
        times = []
        for i in range(REQUESTS + 2):
            started = time.perf_counter()
            response = client.get(address)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, (address, response.status_code)
            if i >= 2:  # the first requests warm caches
                times.append(elapsed)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address)
        rows.append(
            {
                "page": name,
                "median_ms": statistics.median(times) * 1000,
                "max_ms": max(times) * 1000,
                "queries": len(captured),
                "kb": len(response.content) / 1024,
                "events": busiest.events.count() if "instrument change" in name else None,
            }
        )
        print(f"{name}: {rows[-1]['median_ms']:.0f} ms", file=sys.stderr, flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"])
    parser.add_argument("--reuse", action="store_true", help="measure the databases a previous run built")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure()))
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
                url, generated = database_url(kind, size), None
            else:
                print(f"preparing {kind} with {size:,} instruments…", file=sys.stderr, flush=True)
                url, generated = prepare(kind, size)
            child = subprocess.run(
                [sys.executable, "-m", "bench.admin", "--child"],
                cwd=ROOT,
                env=production(url),
                capture_output=True,
                text=True,
            )
            if child.returncode:
                sys.exit(f"measuring {kind} at {size:,} failed:\n{child.stderr}")
            built = f"generated in {generated:.0f} s" if generated else "reused"
            print(f"\n{kind}, {size:,} instruments (+ the demo), {built}: the admin as a superuser")
            print("| page | median ms | max ms | queries | KB |")
            print("|---|---:|---:|---:|---:|")
            for row in json.loads(child.stdout.strip().splitlines()[-1]):
                print(
                    f"| {row['page']} | {row['median_ms']:.0f} | {row['max_ms']:.0f} | {row['queries']} | "
                    f"{row['kb']:.0f} |"
                )


if __name__ == "__main__":
    main()
