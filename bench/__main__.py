"""`python -m bench` (what `make bench` runs): generate the data set, time the pages in process, load the portal over
HTTP, and write bench/results/<db>-scale<scale>.json and .md.

    python -m bench --scale 10 --db sqlite            # everything, on instance/bench.db
    python -m bench --db postgresql --parts pages     # reuse the generated database, pages only
    BENCH_DATABASE_URL=postgresql://... python -m bench --db postgresql
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from bench import generate as gen
from bench import report

PARTS = ("generate", "check", "pages", "http", "writes", "scaleout")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("SCALE") or 10))
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default=os.environ.get("DB") or "sqlite")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="default: instance/bench.db, or postgresql://postgres@127.0.0.1:5432/portal_bench")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help="comma-separated: generate, check, pages, http, writes")
    parser.add_argument("--requests", type=int, default=60, help="requests per page in process (>= 50)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="length of each closed-loop HTTP run")
    parser.add_argument("--paced-rate", type=float, default=100)
    parser.add_argument("--paced-seconds", type=float, default=30)
    parser.add_argument("--write-clients", type=int, default=100, help="people in the load test with writes")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/15",
                        help="the Redis both instances of the scaleout part share")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--note", default="", help="a remark for the results (e.g. the machine was busy)")
    args = parser.parse_args(argv)
    args.parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    return args


def urls_by_role(pages_result: dict) -> dict[str, list[str]]:
    """The HTTP mix: the pages measured in process that answered 200, by who may ask for them (not the personal
    calendar feed when its token was masked in saved results)."""
    usable = [p for p in pages_result["pages"] if p.get("status") == 200 and "<token>" not in p["url"]]
    member = [p["url"] for p in usable if p["signed_in_as"] in ("rep", "public")]
    coordinator = [p["url"] for p in usable if p["signed_in_as"] == "coordinator"]
    return {"rep": member, "cochair": member, "coordinator": member + coordinator}


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    url = gen.database_url(args.db, args.database_url)
    json_path, _md = report.paths(args.db, args.scale)
    results: dict = json.loads(json_path.read_text()) if json_path.exists() and "generate" not in args.parts else {}
    machine = report.machine()
    results.update(database=args.db, scale=args.scale, note=args.note or results.get("note", ""),
                   machine=machine | {"load_average_start": machine["load_average"]})
    if "generate" in args.parts:
        print(f"Generating scale {args.scale:g} on {args.db} ...")
        results["generate"] = gen.generate(args.scale, args.db, url)
    if set(args.parts) & {"check", "pages", "http", "writes", "scaleout"}:
        from bench import pages

        app = gen.make_app(url)
        if "check" in args.parts:
            from bench import check

            print("Checking that the generated data's pages render ...")
            results["check"] = check.run(app)
            print(f"  {results['check']['pages']} pages, {len(results['check']['failures'])} failures")
        if "pages" in args.parts:
            print(f"Pages in process ({args.requests} requests each) ...")
            results["pages"] = pages.run(app, requests=max(args.requests, 1))
        if "http" in args.parts:
            from bench import http

            if "pages" not in results:
                print("Run the pages part first: the HTTP mix is made of the pages it measured.")
                return 2
            print("Over HTTP ...")
            static = next((f["url"] for f in results["pages"].get("first_visit_assets", {}).get("files", [])
                           if f["url"].startswith("/static/")), "")
            results["http"] = http.run(url, urls_by_role(results["pages"]), clients=args.clients,
                                       seconds=args.seconds, paced_rate=args.paced_rate,
                                       paced_seconds=args.paced_seconds, workers=args.workers,
                                       threads=args.threads, static=static)
        if "writes" in args.parts:
            from bench import writes

            print("Load with writes over HTTP ...")
            results["writes"] = writes.run(app, url, clients=args.write_clients, seconds=args.seconds,
                                           workers=args.workers, threads=args.threads)
        if "scaleout" in args.parts:
            from bench import writes

            if args.db != "postgresql":
                print("Scaling out needs a database both servers share: run it with --db postgresql.")
                results.pop("scaleout", None)
            else:
                print("Load with writes against two gunicorn instances sharing PostgreSQL and Redis ...")
                results["scaleout"] = writes.run(app, url, clients=args.write_clients, seconds=args.seconds,
                                                 workers=args.workers, threads=args.threads, servers=2,
                                                 redis_url=args.redis_url)
    results["machine"]["load_average"] = report.machine()["load_average"]
    json_out, md_out = report.save(results)
    print(f"Results: {json_out.relative_to(gen.ROOT)} and {md_out.relative_to(gen.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
