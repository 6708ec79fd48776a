"""The check kinds, one module each: importing this package imports every module in it, and each registers its kinds
in claimledger.checks.kind.KINDS. A new kind is a new module here and its entries in metrics.toml."""

from __future__ import annotations

import importlib
import pkgutil

from claimledger.checks.kind import KINDS

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["KINDS"]
