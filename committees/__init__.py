"""The domain core of Committee Portal: models, workflows, policy and services.

Nothing in this package imports Flask's request globals; it is tested without HTTP.
"""
