"""Cutting a batch into chunks for a cluster: a few chunks per worker, never one task per claim.

Prefect costs 13-40 ms per submitted task, so a chunk must carry enough work to be worth it; a few chunks per worker
(rather than exactly one) lets a fast worker take over from a slow one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

CHUNKS_PER_WORKER = 3


def chunk_count(items: int, workers: int, per_worker: int = CHUNKS_PER_WORKER) -> int:
    """How many chunks to cut `items` into for `workers` parallel slots: a few per worker, at most one per item."""
    if items <= 0:
        return 0
    if workers <= 0:
        return 1  # no cluster: one task does it all (threads would only add Prefect's overhead, not speed)
    return max(1, min(items, workers * per_worker))


def chunked(items: Sequence[T], count: int) -> list[list[T]]:
    """`items` in order, in `count` contiguous chunks whose sizes differ by at most one."""
    if not items:
        return []
    count = max(1, min(count, len(items)))
    size, extra = divmod(len(items), count)
    chunks, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        chunks.append(list(items[start:end]))
        start = end
    return chunks
