"""meetings blueprint: meeting pages (routes are still landing; the lead extends this list).

Expected per role:
  GET /meetings/<unknown id>    everyone 404 (the meeting is looked up before anything else)
"""
from tests.web.routes import const, everyone, get

EXPECTATIONS = [
    get("meetings.show_meeting", const("/meetings/999999"), everyone(404), label="unknown"),
]
