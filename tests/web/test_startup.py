"""Start-up and memory (issue 9): the app does not import what serving pages never needs (Flask-Migrate with Alembic
and Mako, icalendar, Markdown, nh3, segno), yet every command and page that needs them still works; gunicorn.conf.py
starts the portal (preloaded, two workers) and it answers."""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess  # nosec B404 - the project's own interpreter and gunicorn
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("alembic", "flask_migrate", "mako", "icalendar", "markdown", "nh3", "segno")


def _run_python(code: str, **env) -> str:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True,
                            timeout=120, check=False)  # nosec B603 - fixed argument list
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_creating_the_app_and_serving_a_page_loads_none_of_the_lazy_modules(app):
    out = _run_python(
        "import json, sys\n"
        "from portal import create_app\n"
        f"app = create_app('testing', SQLALCHEMY_DATABASE_URI={app.config['SQLALCHEMY_DATABASE_URI']!r})\n"
        "assert app.test_client().get('/healthz').status_code == 200\n"
        f"print(json.dumps([m for m in {LAZY!r} if m in sys.modules]))\n")
    assert json.loads(out.strip().splitlines()[-1]) == []


def test_flask_db_commands_load_flask_migrate_when_used(app):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["--help"])
    assert listed.exit_code == 0 and " db " in listed.output
    help_ = runner.invoke(args=["db", "--help"])
    assert help_.exit_code == 0, help_.output
    for command in ("upgrade", "downgrade", "migrate", "heads", "current", "history"):
        assert command in help_.output, command
    assert "flask_migrate" in sys.modules


def test_flask_db_from_the_command_line():
    """The real `flask` command, as a deployment runs it (Alembic prints to the process's own stdout)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "FLASK_"))}
    env.update(PORTAL_ENV="testing", PYTHONPATH=str(ROOT), DATABASE_URL="sqlite://")
    flask = Path(sys.executable).parent / "flask"
    result = subprocess.run([str(flask), "--app", "wsgi", "db", "heads"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=False)  # nosec B603 - fixed argument list
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("(head)")


def test_flask_migrate_functions_see_the_configuration(app):
    from flask_migrate import _MigrateConfig

    with app.app_context():
        config = app.extensions["migrate"]
        assert config.directory.endswith("migrations")
        assert config.configure_args["render_as_batch"] is True and config.configure_args["compare_type"] is True
        assert config.db.engine is not None
        assert isinstance(app.extensions["migrate"], _MigrateConfig)  # the real one, from the first use on


def test_other_commands_run_without_flask_migrate():
    out = _run_python(
        "import sys\n"
        "from portal import create_app\n"
        "app = create_app('testing', SQLALCHEMY_DATABASE_URI='sqlite://')\n"
        "result = app.test_cli_runner().invoke(args=['tokens', '--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print('flask_migrate' in sys.modules, 'alembic' in sys.modules)\n")
    assert out.strip().splitlines()[-1] == "False False"


def test_markdown_calendar_and_qr_code_still_work():
    from committees.markdown import render_markdown
    from portal.people.two_factor_views import qr_data_uri

    html = render_markdown("**bold** <script>alert(1)</script>")
    assert html.startswith("<p><strong>bold</strong>") and "script" not in html
    assert qr_data_uri("otpauth://totp/x?secret=ABC").startswith("data:image/svg+xml")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_gunicorn_conf_starts_preloaded_workers_that_answer(app):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "FLASK_"))}
    env.update(PORTAL_ENV="production", SECRET_KEY=secrets.token_hex(32), TRUSTED_HOSTS="127.0.0.1",
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], TWO_FACTOR_REQUIRED_ROLES="",
               PYTHONPATH=str(ROOT), PORTAL_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2")
    gunicorn = Path(sys.executable).parent / "gunicorn"
    started = time.perf_counter()
    proc = subprocess.Popen([str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # nosec B603
    try:
        body, headers = None, None
        while time.perf_counter() - started < 60 and proc.poll() is None:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz")
                with urllib.request.urlopen(request, timeout=5) as response:  # nosec B310 - our own server
                    body, headers = response.read(), response.headers
                    break
            except OSError:
                time.sleep(0.1)
        assert body is not None, proc.stderr.read().decode()[-3000:] if proc.poll() is not None else "no answer"
        assert json.loads(body)["status"] == "ok"
        assert headers["Content-Security-Policy"]
        deadline = time.perf_counter() + 20
        while len(_children(proc.pid)) < 2 and time.perf_counter() < deadline:
            time.sleep(0.1)
        assert len(_children(proc.pid)) == 2
        request = urllib.request.Request(f"http://127.0.0.1:{port}/static/css/portal.css",
                                         headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=5) as response:  # nosec B310 - our own server
            assert response.headers["Content-Encoding"] == "gzip"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    log = proc.stderr.read().decode()
    assert "Warmed up: {'templates': 5, 'languages': 3}" in log, log[-3000:]  # in the master, before the fork


def test_warm_up_loads_the_shared_templates_and_languages_without_the_database(app):
    """portal/warmup.py, run by gunicorn's master before the fork: the layout and macros compiled, each language's
    catalogue loaded, no statement sent."""
    from flask_babel import force_locale, get_translations

    from portal import create_app
    from portal.warmup import warm_up
    from tests.queries import count_queries

    fresh = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    env = fresh.jinja_env
    assert not any(key[1] == "layout.html" for key in (env.cache or {}).keys())
    with count_queries() as statements:
        loaded = warm_up(fresh)
    assert statements == [] and loaded == {"templates": 5, "languages": 3}
    assert {"layout.html", "_macros/forms.html"} <= {key[1] for key in env.cache.keys()}
    with fresh.test_request_context("/"), force_locale("el"):
        assert get_translations().ugettext("Agenda") == "Ημερήσια διάταξη"
