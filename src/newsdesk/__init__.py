"""newsdesk: news feeds in, a publishable blog out."""

__version__ = "0.1.0"
