"""Extra indexes of the task index for the staff task list (sort by priority; newest first is in process.py)."""
from sqlalchemy import Index

from app.models.process import HumanTask

ix_human_task_open_priority = Index("ix_human_task_open_priority", HumanTask.status, HumanTask.priority,
                                    HumanTask.due_at)
# "Mine" in the "due" order. Partial: most ready tasks have no holder, so over a full index SQLite's statistics
# (NULLs counted as one value) promised ~all rows per holder and the planner walked the whole deadline index
# looking for someone's few tasks; a person's holding of any size now reads only his entries, in order.
_held = HumanTask.assignee_id.is_not(None)
ix_human_task_held = Index("ix_human_task_held", HumanTask.assignee_id, HumanTask.status, HumanTask.due_at,
                           HumanTask.created_at, HumanTask.id, sqlite_where=_held, postgresql_where=_held)
