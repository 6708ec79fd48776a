"""The validation dashboard: which claims fail, why, and on what data (FastAPI + Jinja2, charts rendered to SVG)."""

from claimledger.dashboard.app import create_app

__all__ = ["create_app"]
