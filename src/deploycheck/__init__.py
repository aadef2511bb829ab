"""deploycheck: catch, before deploy, the failures that take down web apps in production."""
__version__ = "0.1.0"
