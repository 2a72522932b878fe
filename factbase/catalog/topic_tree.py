"""The topic tree walked without the database layer, so the fast SQLite reader can use it too."""

from __future__ import annotations

from collections.abc import Iterable


def topic_subtree(root: int, parents: Iterable[tuple[int, int | None]]) -> set[int]:
    """``root`` and every topic under it, from (topic id, parent id) pairs: `--topic
    energy` includes oil."""
    children: dict[int | None, list[int]] = {}
    for topic_id, parent_id in parents:
        children.setdefault(parent_id, []).append(topic_id)
    found, pending = {root}, [root]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found
