"""The general English word lists in lexicon/*.toml (qualifier phrases, change verbs, identifier words, units):
data beside the code, read once per process."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any


class WordListError(ValueError):
    """A word list that cannot be read: names the file and what is wrong."""


@lru_cache(maxsize=None)
def word_list(name: str) -> dict[str, Any]:
    """The parsed lexicon/<name>.toml; a broken file is an error naming it, not a silent empty list."""
    path = resources.files("claimledger.claims").joinpath("lexicon", f"{name}.toml")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WordListError(f"{path}: word list {name!r} is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise WordListError(f"{path}: {exc}") from None
