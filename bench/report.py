"""The benchmark's results: bench/results/<db>-scale<scale>.json (everything measured) and .md (tables)."""
from __future__ import annotations

import json
import os
import platform
import subprocess  # nosec B404 - asks git for the commit measured
from datetime import datetime, timezone
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
NOISE_NOTE = ("Timings are noisy when other work shares the machine's cores (load average below); compare figures "
              "from runs on a quiet machine.")


def _memory(w: dict) -> str:
    """RSS (peak), and PSS / private (USS) when recorded: preloaded workers share the master's pages."""
    text = f"{w['rss_mb']} (peak {w['peak_rss_mb']}"
    if "pss_mb" in w:
        text += f"; PSS {w['pss_mb']}, private {w['uss_mb']}"
    return text + ")"


def machine() -> dict:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,  # nosec
                                cwd=RESULTS.parent.parent, check=False).stdout.strip()
    except OSError:
        commit = ""
    return {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cores": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version(),
            "platform": platform.platform(), "commit": commit}


def paths(db: str, scale: float) -> tuple[Path, Path]:
    name = f"{db}-scale{scale:g}"
    return RESULTS / f"{name}.json", RESULTS / f"{name}.md"


def save(results: dict) -> tuple[Path, Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    json_path, md_path = paths(results["database"], results["scale"])
    text = json.dumps(results, indent=1, ensure_ascii=False, default=str)
    secret = (results.get("pages") or {}).pop("_secret", None)  # the calendar feed's token stays out of files
    if secret:
        text = json.dumps(results, indent=1, ensure_ascii=False, default=str).replace(secret, "<token>")
    json_path.write_text(text + "\n")
    md_path.write_text(markdown(json.loads(text)))
    return json_path, md_path


def _kb(n: int | None) -> str:
    return "" if n is None else f"{n / 1024:.1f}"


def _mark(bad: bool) -> str:
    return "**over**" if bad else "ok"


def markdown(r: dict) -> str:
    m = r["machine"]
    out = [f"# Benchmark: {r['database']}, scale {r['scale']:g}", "",
           f"{m['date']} · {m['cores']} cores · load average at start {m['load_average_start']} and end "
           f"{m['load_average']} · Python {m['python']} · commit {m['commit']}", "", f"> {r.get('note') or NOISE_NOTE}",
           ""]
    gen = r.get("generate")
    if gen:
        rows = ", ".join(f"{k} {v:,}" for k, v in sorted(gen["rows"].items(), key=lambda kv: -kv[1]))
        out += ["## Data set", "", f"Generated in **{gen['seconds']['total']} s** ({gen['seconds']}): {rows}.", "",
                f"Search index: {gen['search_index']}.", "",
                f"Sign-in accounts: `<role>-<n>@bench.example.org` (roles {', '.join(gen['accounts'])}; n = 1-3), "
                f"password `{gen['password']}`.", ""]
    check = r.get("check")
    if check:
        out += [f"Validity check: {check['pages']} pages of the generated data (every state) as an administrator, "
                f"{len(check['failures'])} not answering 200" + (": " + ", ".join(
                    f"{f['url']} ({f['status']})" for f in check["failures"]) if check["failures"] else "."), ""]
    pages = r.get("pages")
    if pages:
        out += ["## Pages in process (Flask test client, warm)", "",
                "| page | signed in as | p50 ms | p95 ms | target p95 | queries | max | HTML KB (gzip) | |",
                "|---|---|---:|---:|---:|---:|---:|---:|---|"]
        for p in pages["pages"]:
            if "p50_ms" not in p:
                out.append(f"| {p['page']} | {p['signed_in_as']} | | | {p['target_p95_ms']:g} | | "
                           f"{p['max_queries']} | | {p.get('error')} |")
                continue
            flags = [x for x, bad in (("slow", p["over_target"]), ("queries", p["too_many_queries"]),
                                      ("error", "error" in p)) if bad]
            out.append(f"| {p['page']} | {p['signed_in_as']} | {p['p50_ms']} | {p['p95_ms']} | {p['target_p95_ms']:g} "
                       f"| {p['queries']}{'' if p['queries'] == p['queries_max'] else '-' + str(p['queries_max'])} | "
                       f"{p['max_queries']} | {_kb(p['html_gzip_bytes'])} ({_kb(p['html_bytes'])} raw) | "
                       f"{'**' + ', '.join(flags) + '**' if flags else 'ok'} |")
        out.append("")
        for s in pages["skipped"]:
            out.append(f"- skipped: {s['page']} ({s['endpoint']}): {s['note']}")
        slow = [(p, s) for p in pages["pages"] for s in p.get("slow_statements", [])]
        steady = [(p, s) for p, s in slow if s["times"] >= p["requests"] // 2]
        if slow:
            out += ["", "### Statements over 10 ms", "",
                    f"Over 10 ms in at least half of a page's requests. {len(slow) - len(steady)} other statements "
                    "were over 10 ms now and then (on a shared machine mostly waiting for a core); all are in the "
                    "JSON.", ""]
            for p, s in sorted(steady, key=lambda x: -x[1]["max_ms"]):
                out += [f"- **{s['max_ms']} ms** at most, over 10 ms in {s['times']} of {p['requests']} requests, on "
                        f"*{p['page']}*:", "", "  ```sql", f"  {s['sql'][:1500]}", "  ```"]
        assets = pages.get("first_visit_assets")
        if assets:
            out += ["", "### First visit: CSS, JS and fonts", "",
                    f"{_kb(assets['gzip_bytes'])} KB gzip-compressed ({_kb(assets['bytes'])} KB raw); target 150 KB.",
                    "", "| file | KB raw | KB gzip | Cache-Control |", "|---|---:|---:|---|"]
            out += [f"| {f['url']} | {_kb(f['bytes'])} | {_kb(f['gzip_bytes'])} | {f['cache_control'] or '-'} |"
                    for f in assets["files"]]
        out.append("")
    h = r.get("http")
    if h:
        out += ["## Over HTTP", "", f"{h['settings']['server']}, {h['settings']['config']} configuration; client: "
                f"{h['settings']['client']}; first answer {h['first_answer_seconds']} s after starting.", "",
                "| run | requests | rps | p50 ms | p95 ms | p99 ms | errors |", "|---|---:|---:|---:|---:|---:|---:|"]
        for key, label in (("mixed", f"signed-in mix, {h['settings']['clients']} clients"),
                           ("hello", f"bare hello, {h['settings']['clients']} clients"),
                           ("paced", f"paced at {h['paced'].get('target_rps', '')} rps")):
            x = h[key]
            out.append(f"| {label} | {x['requests']} | {x['rps']} | {x['p50_ms']} | {x['p95_ms']} | {x['p99_ms']} | "
                       f"{x['errors']} |")
        ratio = h.get("ceiling_ratio")
        out += ["", f"Signed-in mix / bare hello: **{ratio:.0%}** (target ≥ 40%)." if ratio is not None else "",
                "", "Portal worker memory after the runs (RSS, MB): " + ", ".join(
                    _memory(w) for w in h["worker_memory_after_paced"]) +
                " (target ≤ 100); the bare hello app's: " + ", ".join(
                    f"{w['rss_mb']}" for w in h.get("hello_worker_memory", [])) + "." + (
                    " Idle, right after starting: " + ", ".join(_memory(w) for w in h["worker_memory_idle"]) + "."
                    if h.get("worker_memory_idle") else "") + (
                    f" The master (the preloaded app, its pages shared with the workers): RSS "
                    f"{h['master_memory']['rss_mb']}, PSS {h['master_memory'].get('pss_mb')}."
                    if h.get("master_memory") else ""), "",
                f"Responses: page Content-Encoding {h['responses']['page_content_encoding']}, static "
                f"{h['responses']['static_content_encoding']}, static Cache-Control "
                f"`{h['responses']['static_cache_control']}`.", ""]
        for key in ("mixed", "paced"):
            if h[key]["error_samples"]:
                out += [f"Errors ({key}): " + "; ".join(h[key]["error_samples"]), ""]
    if r.get("writes"):
        out += _load_with_writes("Load with writes", r["writes"])
    if r.get("scaleout"):
        out += _load_with_writes("Scaling out: two gunicorn instances, one PostgreSQL, one Redis", r["scaleout"])
    return "\n".join(out) + "\n"


def _load_with_writes(title: str, w: dict) -> list[str]:
    s, c = w["settings"], w["check"]
    servers = s.get("servers", 1)
    where = (f"gunicorn {s['workers']} workers × {s['threads']} threads" if servers == 1 else
             f"{servers} gunicorn instances on different ports, each {s['workers']} workers × {s['threads']} threads, "
             f"sharing the database{' and Redis' if s.get('redis') else ''}; each person signed in on one instance "
             "and sent every request to the other")
    out = [f"## {title}", "", f"{s['clients']} signed-in people for {s['seconds']:.0f} s, "
           f"{s['write_share']:.0%} of their requests writes (RSVPs, comments, action-item updates, proposal "
           f"edits), {where} (bench/writes.py).", "",
           "| | requests | rps | p50 ms | p95 ms | p99 ms | errors |", "|---|---:|---:|---:|---:|---:|---:|"]
    for key in ("reads", "writes"):
        x = w[key]
        out.append(f"| {key} | {x['requests']} | {x['rps']} | {x['p50_ms']} | {x['p95_ms']} | {x['p99_ms']} | "
                   f"{x['errors']} |")
    out += ["", "Acknowledged writes by kind: " + ", ".join(f"{k} {n}" for k, n in w["writes_by_kind"].items())
            + ". In the database afterwards: " + ", ".join(f"{k} {n}" for k, n in c["stored"].items())
            + f" (and every RSVP's last acknowledged answer: {len(c['rsvp_mismatches'])} mismatches). "
            + f"**Every acknowledged write stored: {'yes' if c['all_there'] else 'NO'}**; errors: {w['errors']}.",
            ""]
    return out
