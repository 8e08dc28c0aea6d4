"""How this node's index is doing, for ``GET /healthz`` (``portal.health``): cheap reads only."""

from datetime import datetime

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import SearchNode, SearchOutbox
from portal.search import index
from portal.search.sync import node_name


def index_documents() -> int:
    """The documents of this node's index, opened as searches open it (the process's
    searcher, refreshed if the index changed); raises if the index cannot be opened."""
    return index.pool().current().count


def outbox_lag() -> tuple[int, datetime | None]:
    """(outbox rows after this node's high-water mark, when the oldest of them was written):
    changes this node's index has not applied yet."""
    high_water = (
        select(SearchNode.high_water).where(SearchNode.name == node_name()).scalar_subquery()
    )
    rows, oldest = db.session.execute(
        select(func.count(), func.min(SearchOutbox.created_at)).where(
            SearchOutbox.id > func.coalesce(high_water, 0)
        )
    ).one()
    return rows, oldest
