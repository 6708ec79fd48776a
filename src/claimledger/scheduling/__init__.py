"""Unattended runs as plain functions: which sources changed, which claims depend on them, how to cut work into
chunks, and the reports a run publishes. The Prefect flows in flows/ wire these together; nothing here imports
Prefect, so all of it is tested without a server."""
