"""Extra indexes of the task index for the staff task list (sort by priority, filter by date)."""
from sqlalchemy import Index

from app.models.process import HumanTask

ix_human_task_open_priority = Index("ix_human_task_open_priority", HumanTask.status, HumanTask.priority,
                                    HumanTask.due_at)
ix_human_task_open_created = Index("ix_human_task_open_created", HumanTask.status, HumanTask.created_at)
