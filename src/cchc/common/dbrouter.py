"""The database router of a deployment with a read replica (issue 17 item 3; rules in cchc.common.replica).

- reads: the replica only inside a :func:`cchc.common.replica.replica_reads` block that chose it, and never
  for ``PRIMARY_ONLY_APPS``; otherwise Django's default (the primary);
- writes: always the primary, and the write is remembered so that the rest of the request reads the primary
  (its own writes);
- migrations: only on the primary (the standby replays them);
- relations: allowed between the two aliases (they are one database).
"""

from __future__ import annotations

from typing import Any

from cchc.common import replica


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        alias = replica.reading_alias()
        if alias == replica.REPLICA_ALIAS and model._meta.app_label not in replica.PRIMARY_ONLY_APPS:
            return alias
        return replica.PRIMARY_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        replica.note_write()
        return replica.PRIMARY_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db == replica.PRIMARY_ALIAS
