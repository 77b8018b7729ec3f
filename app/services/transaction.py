"""The one way a use case commits."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError

from app.errors import Conflict
from app.extensions import db
from app.i18n import _


@contextmanager
def transaction():
    """Commit what the block did, or roll all of it back (domain rows, workflow state, index, outbox).

    A use case called from inside another one joins the outer transaction: only the outermost block
    commits. A concurrent advance of the same instance surfaces as ``Conflict``.
    """
    if db.session.info.get("in_transaction"):
        yield db.session
        return
    db.session.info["in_transaction"] = True
    try:
        yield db.session
        db.session.commit()
        for callback in db.session.info.pop("after_commit", {}).values():
            callback()
        if db.session.info.pop("outbox_written", False):
            from app.jobs import kick_outbox

            kick_outbox()  # delivery is asynchronous; the periodic sweep catches anything this misses
    except StaleDataError:
        db.session.rollback()
        db.session.info.pop("outbox_written", None)
        db.session.info.pop("after_commit", None)
        raise Conflict(_("Someone else changed this ticket at the same time. Reload and try again.")) from None
    except BaseException:
        db.session.rollback()
        db.session.info.pop("outbox_written", None)
        db.session.info.pop("after_commit", None)
        raise
    finally:
        db.session.info.pop("in_transaction", None)
