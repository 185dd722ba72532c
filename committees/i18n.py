"""Marker for translatable strings defined in the domain.

The domain does not translate (it knows no request or locale); it marks strings with N_ so that
`pybabel extract` finds them, and the web layer translates them with gettext when it shows them.
"""


def N_(message: str) -> str:  # noqa: N802 - conventional gettext marker name
    return message
