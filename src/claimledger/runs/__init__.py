"""What a run does beyond one verify, as plain functions: which claims a recheck must repeat (recheck.py, the
ledger's claim-to-source index), how to cut work into chunks (chunks.py), which sources a fetch changed (updates.py)
and the reports a run publishes (report.py). The Prefect flows in flows/ wire these together; nothing here imports
Prefect, so all of it is tested without a server."""
