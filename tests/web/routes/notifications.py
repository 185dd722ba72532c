"""Route expectations for the notifications pages of the meetings and people blueprints (filled in as routes land)."""

EXPECTATIONS: list = []
