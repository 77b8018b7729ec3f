"""Extra indexes of the task index for the staff task list (sort by priority; newest first is in process.py)."""
from sqlalchemy import Index

from app.models.process import HumanTask

ix_human_task_open_priority = Index("ix_human_task_open_priority", HumanTask.status, HumanTask.priority,
                                    HumanTask.due_at)
