"""A bounded load test: gunicorn on loopback, 16 concurrent clients for 60 seconds over the
main pages and the API, as in production (DEBUG off, static files by whitenoise).

    bench/load                      # SQLite demo + 10,000 synthetic instruments
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/policytrack_load bench/load --seconds 60

Prints requests, errors (any status other than 200/304, or a failed connection), throughput
and latency percentiles per page. Exit status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PORT = 8791


def _env(url):
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "load-test-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
    }


def prepare(url, instruments):
    def run(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=_env(url), check=True, stdout=subprocess.DEVNULL
        )

    if url.startswith("sqlite:////"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    run("migrate", "--noinput", "-v0")
    run("collectstatic", "--noinput", "-v0")
    run("import_timeline", str(ROOT / "fixtures" / "ai-diffusion-rule.json"))
    if instruments:
        run("generate_synthetic", "--instruments", str(instruments), "--seed", "2")


def addresses(rng, slugs):
    day = f"{rng.randint(1996, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    slug = rng.choice(slugs)
    return rng.choice(
        [
            ("home", "/"),
            ("instrument list", f"/instruments/?on={day}&kind=rule"),
            ("on a date", f"/on/{day}/"),
            ("instrument", f"/instruments/{slug}/?on={day}"),
            ("changes", f"/changes/?from={day}&to={day[:8]}28"),
            ("status API", f"/api/instruments/{slug}/status/?on={day}"),
            ("instruments API", f"/api/instruments/?on={day}"),
            ("feed", "/feeds/changes.atom"),
            ("static", "/static/css/site.css"),
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--instruments", type=int, default=10_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "sqlite:////tmp/policytrack-load.sqlite3")
    print(f"preparing {url} with the demo and {args.instruments:,} synthetic instruments…", file=sys.stderr)
    prepare(url, args.instruments)
    listed = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from policytrack.timeline.models import Instrument as I; print(*I.objects.values_list('slug', flat=True)[:400])",
        ],
        cwd=ROOT,
        env=_env(url),
        check=True,
        capture_output=True,
        text=True,
    )
    slugs = listed.stdout.strip().splitlines()[-1].split()  # the last line: shell may print notes first

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "policytrack.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "/tmp/policytrack-load-errors.log",
        ],
        cwd=ROOT,
        env=_env(url),
    )
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(100):
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        times, errors, lock = defaultdict(list), defaultdict(list), threading.Lock()
        stop = time.monotonic() + args.seconds

        def client(n):
            rng = random.Random(n)
            with httpx.Client(base_url=base, timeout=30) as http:
                while time.monotonic() < stop:
                    name, address = addresses(rng, slugs)
                    started = time.perf_counter()
                    try:
                        status = http.get(address).status_code
                    except httpx.HTTPError as error:
                        status = repr(error)
                    elapsed = time.perf_counter() - started
                    with lock:
                        times[name].append(elapsed)
                        if status not in (200, 304):
                            errors[name].append((address, status))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait()

    total = sum(len(v) for v in times.values())
    failed = sum(len(v) for v in errors.values())
    print(
        f"\n{args.clients} clients, {args.seconds} s, gunicorn with {args.workers} workers, {url.split(':')[0]}: "
        f"{total:,} requests ({total / args.seconds:,.0f}/s), {failed} errors"
    )
    print("| page | requests | median ms | p95 ms | errors |")
    print("|---|---:|---:|---:|---:|")
    for name in sorted(times):
        values = sorted(times[name])
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(
            f"| {name} | {len(values):,} | {statistics.median(values) * 1000:.0f} | {p95 * 1000:.0f} | "
            f"{len(errors[name])} |"
        )
    for name, found in errors.items():
        for address, status in found[:3]:
            print(f"error: {name} {address} → {status}", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
