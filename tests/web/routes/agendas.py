"""Route expectations for the agendas pages of the meetings and people blueprints (filled in as routes land)."""

EXPECTATIONS: list = []
