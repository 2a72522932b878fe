"""simplemma's lemma dictionaries, kept as tries on disk so a few words cost milliseconds.

simplemma decodes a language's whole dictionary into a Python dict on its first lemma:
1.3 s and ~300 MB for Russian, 0.8 s for Ukrainian. `factbase add` lemmatises a dozen
words (the claim's search lemmas, its topic suggestions), so that load was most of its
time. simplemma's own trie factory stores the same entries in a MARISA trie, built once
per language and simplemma version into the user's cache directory (~9 MB for Russian),
and loaded in milliseconds afterwards; the lemmas are the same, since the data is. A
lookup is slower than a dict's (~18 µs a word against ~7), which a bulk import, whose
distinct words are cached, hardly notices.

Only a process that writes to the database builds and keeps a trie
(:func:`keep_built_dictionaries`): a command that only reads creates no file, so it reads a
language whose trie is not built yet as simplemma does by default, from its dictionary.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from simplemma import Lemmatizer

_keeping = False


def keep_built_dictionaries() -> None:
    """Let this process build the tries it lacks and keep them in the cache directory: a
    command that writes says so; one that only reads never creates a file."""
    global _keeping
    _keeping = True


def _write_whole(directory: Path, lang: str, trie: Any) -> None:
    """Save ``trie`` as ``lang``'s file in ``directory``, whole or not at all: two
    processes building the same language at once (two imports, the test workers) never
    let a third read half a file."""
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{lang}.", suffix=".tmp")
    os.close(handle)
    try:
        trie.save(temporary)
        Path(temporary).replace(directory / f"{lang}.dic")
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@lru_cache(maxsize=1)
def lemmatizer() -> Lemmatizer:
    """simplemma as `simplemma.lemmatize` runs it, its dictionaries read from tries."""
    # Deferred: simplemma takes ~0.1 s to import, and most commands lemmatise nothing.
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory, DictionaryFactory
    from simplemma.strategies.dictionaries.trie_dictionary_factory import TrieDictionaryFactory

    class CachedTries(TrieDictionaryFactory):
        def _write_trie_to_disk(self, lang: str, trie: Any) -> None:
            _write_whole(Path(self._cache_dir), lang, trie)

    tries = CachedTries()
    plain = DefaultDictionaryFactory()
    cache = Path(tries._cache_dir)

    class Dictionaries(DictionaryFactory):
        """A language's trie when it is built or may be; else its plain dictionary."""

        def get_dictionary(self, lang: str) -> Mapping[str, str]:
            if (cache / f"{lang}.dic").exists() or (_keeping and _writable(cache)):
                return tries.get_dictionary(lang)
            # Building a trie takes longer than decoding the dictionary: without leave or a
            # place to keep it, the dictionary is decoded as simplemma does by default.
            return plain.get_dictionary(lang)

    return Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=Dictionaries()))


def _writable(directory: Path) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(directory, os.W_OK)
