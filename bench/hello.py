"""The ceiling of the stack: a bare Flask app with one "hello" route, served by the benchmark under the same gunicorn
settings as the portal (`gunicorn bench.hello:app`), so the portal's requests per second can be compared with it."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"
