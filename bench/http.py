"""Over HTTP: the portal under gunicorn (gunicorn.conf.py: preloaded; workers and threads for this machine's cores)
on the generated database, loaded by a small asyncio client (keep-alive HTTP/1.1, no dependencies): signed-in
clients on a mix of the pages for a fixed time (requests per second, p50/p95/p99, errors), the same clients against a
bare "hello" Flask app under the same gunicorn settings (the stack's ceiling), and a paced run at a fixed rate
(latency measured from the moment each request was due, so a slow server is not hidden). Also: each worker's memory
(RSS, and PSS / private, since preloaded workers share the master's pages), the time to the first answer after
starting, and whether responses come compressed and static files with long cache lifetimes.
"""
from __future__ import annotations

import asyncio
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess  # nosec B404 - starts gunicorn from the project's own virtual environment
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.data import BENCH_PASSWORD, account_email

ROOT = Path(__file__).resolve().parent.parent
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
# The roles of the signed-in clients, in turn (accounts n=1: all in the first committee; coordinators 1-3).
CLIENT_ROLES = [("rep", 1), ("cochair", 1), ("coordinator", 1), ("rep", 1), ("coordinator", 2), ("cochair", 1),
                ("rep", 1), ("coordinator", 3)]


# -- a minimal HTTP/1.1 client ---------------------------------------------------------------------------------------

class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: dict | None = None, body: bytes = b"",
                      retry: bool = True) -> tuple[int, dict, bytes]:
        if self.writer is None:
            await self._open()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: keep-alive",
                 "User-Agent: portal-bench"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        try:
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await self.writer.drain()
            return await self._response()
        except (ConnectionError, asyncio.IncompleteReadError):
            await self.close()
            if not retry:
                raise
            return await self.request(method, path, headers, body, retry=False)

    async def _response(self) -> tuple[int, dict, bytes]:
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        headers: dict[str, list[str]] = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers.setdefault(name.strip().lower(), []).append(value.strip())
        if "chunked" in ",".join(headers.get("transfer-encoding", [])):
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                body += await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", ["0"])[0]))
        if "close" in ",".join(headers.get("connection", [])).lower():
            await self.close()
        return status, headers, body


@dataclass
class Session:
    cookies: dict[str, str] = field(default_factory=dict)

    def header(self) -> dict:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def remember(self, headers: dict) -> None:
        for value in headers.get("set-cookie", []):
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]


async def sign_in(host: str, port: int, role: str, n: int) -> Session:
    conn, session = Connection(host, port), Session()
    status, headers, body = await conn.request("GET", "/login")
    session.remember(headers)
    token = CSRF_RE.search(body.decode("utf-8")).group(1)
    form = urlencode({"email": account_email(role, n), "password": BENCH_PASSWORD, "csrf_token": token}).encode()
    status, headers, body = await conn.request("POST", "/login", {
        "Content-Type": "application/x-www-form-urlencoded", **session.header()}, form)
    await conn.close()
    if status != 302:
        raise RuntimeError(f"sign-in as {role}-{n} answered {status}")
    session.remember(headers)
    return session


# -- the load ----------------------------------------------------------------------------------------------------

@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # examples, for the report (not a count)
    bytes: int = 0
    unanswered: int = 0  # requests that got no answer (a broken connection, a timeout)

    def failed(self, message: str, count: int = 1) -> None:
        self.unanswered += count
        self.errors.append(message)


def answered(status: int) -> bool:
    """A page or a redirect: what the HTTP runs count as a good answer."""
    return 200 <= status < 400


def summary(sample: Sample, seconds: float, good=answered) -> dict:
    lat = sorted(sample.latencies)

    def pct(q: float) -> float | None:
        return round(lat[min(len(lat) - 1, int(q * len(lat)))], 2) if lat else None

    ok = sum(n for s, n in sample.statuses.items() if good(s))
    return {"requests": len(lat), "seconds": round(seconds, 1), "rps": round(len(lat) / seconds, 1) if seconds else 0,
            "p50_ms": round(statistics.median(lat), 2) if lat else None, "p95_ms": pct(0.95), "p99_ms": pct(0.99),
            "max_ms": round(lat[-1], 2) if lat else None, "ok": ok, "errors": len(lat) - ok + sample.unanswered,
            "statuses": {str(k): v for k, v in sorted(sample.statuses.items())}, "error_samples": sample.errors[:5],
            "bytes": sample.bytes}


async def closed_loop(host: str, port: int, clients: list[tuple[Session, list[str]]], seconds: float,
                      warmup: float = 3.0) -> dict:
    """Each client sends its next request when the previous one is answered, for `seconds` after a warm-up."""
    sample = Sample()
    deadline_warm = time.perf_counter() + warmup
    deadline = deadline_warm + seconds

    async def client(n: int, session: Session, urls: list[str]) -> None:
        conn = Connection(host, port)
        i = n
        while True:
            now = time.perf_counter()
            if now >= deadline:
                break
            url = urls[i % len(urls)]
            i += 1
            started = time.perf_counter()
            try:
                status, headers, body = await conn.request("GET", url, session.header())
            except Exception as exc:  # a failed request is a result, not a crash of the tool
                if started >= deadline_warm:
                    sample.failed(f"{url}: {exc!r}")
                await conn.close()
                continue
            if started >= deadline_warm:
                sample.latencies.append((time.perf_counter() - started) * 1000)
                sample.statuses[status] = sample.statuses.get(status, 0) + 1
                sample.bytes += len(body)
                if status >= 400 and len(sample.errors) < 20:
                    sample.errors.append(f"{url}: HTTP {status}")
        await conn.close()

    await asyncio.gather(*(client(n, s, u) for n, (s, u) in enumerate(clients)))
    return summary(sample, seconds)


async def paced(host: str, port: int, clients: list[tuple[Session, list[str]]], rate: float, seconds: float,
                connections: int = 50, grace: float = 10.0) -> dict:
    """Open loop: a request is due every 1/rate s whatever the server does; latency counts from when it was due."""
    sample = Sample()
    free: asyncio.Queue = asyncio.Queue()
    for _ in range(connections):
        free.put_nowait(Connection(host, port))
    start = time.perf_counter() + 0.5
    total = int(rate * seconds)
    tasks = []

    async def one(k: int, due: float) -> None:
        session, urls = clients[k % len(clients)]
        url = urls[(k // len(clients)) % len(urls)]
        conn = await free.get()
        try:
            status, _headers, body = await conn.request("GET", url, session.header())
            sample.latencies.append((time.perf_counter() - due) * 1000)
            sample.statuses[status] = sample.statuses.get(status, 0) + 1
            sample.bytes += len(body)
        except Exception as exc:  # counted as an error
            sample.failed(f"{url}: {exc!r}")
            await conn.close()
        finally:
            free.put_nowait(conn)

    for k in range(total):
        due = start + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(k, due)))
    # A server that cannot keep up leaves a queue: what is not answered within `grace` seconds counts as an error.
    _done, pending = await asyncio.wait(tasks, timeout=grace)
    for task in pending:
        task.cancel()
    if pending:
        sample.failed(f"{len(pending)} requests not answered within {grace:.0f} s of the end of the run", len(pending))
        await asyncio.gather(*pending, return_exceptions=True)
    result = summary(sample, seconds)
    result["unanswered"] = len(pending)
    result["target_rps"] = rate
    return result


# -- the server ------------------------------------------------------------------------------------------------------

async def _probe(port: int, path: str) -> int:
    conn = Connection("127.0.0.1", port)
    try:
        status, _headers, _body = await conn.request("GET", path, retry=False)
    finally:
        await conn.close()
    return status


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn for `app` ("wsgi:app" or "bench.hello:app") on a free port; stopped with SIGTERM."""

    def __init__(self, app: str, workers: int, threads: int, env: dict) -> None:
        self.app, self.workers, self.threads, self.env = app, workers, threads, env
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.started_in: float | None = None

    def __enter__(self) -> Gunicorn:
        command = [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "-w",
                   str(self.workers), "--threads", str(self.threads), "-b", f"127.0.0.1:{self.port}", "--log-level",
                   "warning", self.app]
        started = time.perf_counter()
        self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env)  # nosec B603 - fixed argument list
        path = "/healthz" if self.app == "wsgi:app" else "/"
        while time.perf_counter() - started < 30:
            try:
                status = asyncio.run(_probe(self.port, path))
                if status == 200:
                    self.started_in = time.perf_counter() - started
                    break
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited with {self.proc.returncode}")
            time.sleep(0.05)
        else:
            raise RuntimeError(f"gunicorn {self.app} did not answer within 30 s")
        return self

    def worker_memory(self) -> list[dict]:
        """Memory of each worker process, from /proc (Linux): RSS (and its peak), and with the app preloaded in the
        master, PSS (shared pages counted in proportion: what the worker really costs) and private memory (USS)."""
        workers = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("PPid", "").strip() == str(self.proc.pid):
                workers.append({"pid": int(entry.name), "rss_mb": round(int(fields["VmRSS"].split()[0]) / 1024, 1),
                                "peak_rss_mb": round(int(fields["VmHWM"].split()[0]) / 1024, 1),
                                **shared_memory(int(entry.name))})
        return workers

    def master_memory(self) -> dict:
        status = dict(line.split(":", 1) for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines()
                      if ":" in line)
        return {"pid": self.proc.pid, "rss_mb": round(int(status["VmRSS"].split()[0]) / 1024, 1),
                **shared_memory(self.proc.pid)}

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def shared_memory(pid: int) -> dict:
    """PSS and USS (private clean + dirty) of a process in MB, from /proc/<pid>/smaps_rollup (Linux 4.14+)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return {}
    kb = {line.split(":")[0]: int(line.split()[1]) for line in rollup.splitlines()[1:] if line.endswith("kB")}
    return {"pss_mb": round(kb.get("Pss", 0) / 1024, 1),
            "uss_mb": round((kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)) / 1024, 1)}


def compile_bytecode() -> None:
    """Byte-code for the project's modules, as the deployment does once at install (README): without it every start
    compiles them again (PYTHONDONTWRITEBYTECODE may be set in the environment)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", "portal", "committees", "bench", "config.py", "wsgi.py"],
                   cwd=ROOT, env=env, check=True)  # nosec B603 - fixed argument list


def server_env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "FLASK_"))}
    env.update(PORTAL_ENV="production", DATABASE_URL=database_url, SECRET_KEY=secrets.token_hex(32),
               TRUSTED_HOSTS="127.0.0.1,localhost", TWO_FACTOR_REQUIRED_ROLES="", PYTHONPATH=str(ROOT))
    return env


async def _clients(port: int, urls_by_role: dict[str, list[str]], count: int) -> list[tuple[Session, list[str]]]:
    sessions: dict[tuple[str, int], Session] = {}
    for role, n in dict.fromkeys(CLIENT_ROLES):
        sessions[(role, n)] = await sign_in("127.0.0.1", port, role, n)
    clients = []
    for k in range(count):
        role, n = CLIENT_ROLES[k % len(CLIENT_ROLES)]
        clients.append((sessions[(role, n)], urls_by_role[role]))
    return clients


async def _checks(port: int, session: Session, page: str, static: str) -> dict:
    conn = Connection("127.0.0.1", port)
    _s, page_headers, _b = await conn.request("GET", page, {"Accept-Encoding": "gzip, br", **session.header()})
    _s, static_headers, _b = await conn.request("GET", static, {"Accept-Encoding": "gzip, br"})
    await conn.close()
    return {"page_content_encoding": ",".join(page_headers.get("content-encoding", [])) or "none",
            "static_content_encoding": ",".join(static_headers.get("content-encoding", [])) or "none",
            "static_cache_control": ",".join(static_headers.get("cache-control", [])) or "none", "static_url": static}


def run(database_url: str, urls_by_role: dict[str, list[str]], *, clients: int = 50, seconds: float = 60,
        paced_rate: float = 100, paced_seconds: float = 30, workers: int = 2, threads: int = 4, static: str = "",
        log=print) -> dict:
    env = server_env(database_url)
    compile_bytecode()
    result: dict = {"settings": {"workers": workers, "threads": threads, "clients": clients, "seconds": seconds,
                                 "server": f"gunicorn -c gunicorn.conf.py -w {workers} --threads {threads} (preloaded)",
                                 "config": "production",
                                 "client": "bench/http.py (asyncio, keep-alive), on the same machine"}}
    with Gunicorn("wsgi:app", workers, threads, env) as server:
        result["first_answer_seconds"] = round(server.started_in, 2)
        result["worker_memory_idle"] = server.worker_memory()
        signed_in = asyncio.run(_clients(server.port, urls_by_role, clients))
        log(f"  portal: {clients} clients for {seconds:.0f} s ...")
        result["mixed"] = asyncio.run(closed_loop("127.0.0.1", server.port, signed_in, seconds))
        result["worker_memory"] = server.worker_memory()
        log(f"  paced at {paced_rate:.0f} requests/s for {paced_seconds:.0f} s ...")
        result["paced"] = asyncio.run(paced("127.0.0.1", server.port, signed_in, paced_rate, paced_seconds))
        result["worker_memory_after_paced"] = server.worker_memory()
        result["master_memory"] = server.master_memory()
        result["responses"] = asyncio.run(_checks(server.port, signed_in[0][0], urls_by_role["rep"][0],
                                                  static or "/static/css/portal.css"))
    with Gunicorn("bench.hello:app", workers, threads, env) as hello:
        log(f"  hello: {clients} clients for {seconds:.0f} s ...")
        bare = [(Session(), ["/"]) for _ in range(clients)]
        result["hello"] = asyncio.run(closed_loop("127.0.0.1", hello.port, bare, seconds))
        result["hello_worker_memory"] = hello.worker_memory()
    mixed, bare_rps = result["mixed"]["rps"], result["hello"]["rps"]
    result["ceiling_ratio"] = round(mixed / bare_rps, 3) if bare_rps else None
    return result
