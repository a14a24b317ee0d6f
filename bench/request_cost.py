"""What one request of a bench/http.py scenario costs in-process: the same seeded database
and the same requests as the HTTP benchmark, sent through Flask's test client (no gunicorn,
no wrk), timed without a profiler, or with cProfile (`--profile`) summarised by package.

    .venv/bin/python bench/request_cost.py read            # ms per request
    .venv/bin/python bench/request_cost.py save --profile  # where that time goes

For trying a change to one path: it compares before and after on the same machine within a
minute, where the HTTP benchmark needs a quiet machine and four. It empties
bench/http.py's database (`--database-url`).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: import from the project root, not from bench/, whose http.py would
    # shadow the standard library's http.
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from app import create_app
from bench import http as bench_http

SECRET_KEY = "request-cost-" + "x" * 32


def package_of(filename: str, function: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    if "/app/" in filename:
        return "app/" + filename.split("/app/", 1)[1]
    return "stdlib: " + (function if filename == "~" else Path(filename).name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "scenario", help="save, start, read, assignments, progress, practice, submit"
    )
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--profile", action="store_true", help="cProfile, by package")
    parser.add_argument("--database-url", default=bench_http.DEFAULT_DATABASE_URL)
    args = parser.parse_args()

    url = bench_http.normalise_database_url(args.database_url)
    bench_http.prepare_database(url)
    env = bench_http.server_env(url, SECRET_KEY, "")
    bench_http.flask_command(env, "db", "upgrade")
    bench_http.flask_command(env, "questions", "load")
    app = create_app(
        {"ENV_NAME": "testing", "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": url}
    )
    seeded = bench_http.seed(app, 16)
    warm_up = 50
    if args.scenario == "submit":
        lines = bench_http.prepare_submits(app, seeded, 1, args.requests + warm_up)
    else:
        plan = {scenario.key: scenario for scenario in bench_http.scenarios(seeded, 1)}
        if args.scenario not in plan:
            sys.exit(f"no scenario {args.scenario!r}: {', '.join(plan)}")
        lines = plan[args.scenario].lines
    client = app.test_client()

    def send(line: str) -> None:
        _, method, path, cookie, csrf, body = line.split("\t")
        client.set_cookie("session", cookie)
        headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
        response = client.open(path, method=method, data=body or None, headers=headers)
        if response.status_code >= 300:
            sys.exit(f"{method} {path} -> {response.status_code}: {response.get_data()[:300]!r}")

    for line in lines[:warm_up]:
        send(line)
    measured = lines[warm_up:] if args.scenario == "submit" else lines
    profile = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    if profile:
        profile.enable()
    for n in range(args.requests):
        send(measured[n % len(measured)])
    if profile:
        profile.disable()
    elapsed = time.perf_counter() - started
    mode = "under cProfile" if profile else "no profiler"
    print(f"{args.scenario}: {elapsed / args.requests * 1000:.2f} ms per request ({mode})")
    if profile:
        by_package: Counter[str] = Counter()
        stats = pstats.Stats(profile)
        for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
            by_package[package_of(filename, function)] += row[2]
        total = sum(by_package.values())
        for name, seconds in by_package.most_common(20):
            print(f"{seconds / total * 100:5.1f} %  {name}")
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats("/app/", 25)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
