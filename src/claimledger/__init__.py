"""claimledger: check the numbers in news articles against reference data, keep every verdict in a ledger."""

__version__ = "0.1.0"
