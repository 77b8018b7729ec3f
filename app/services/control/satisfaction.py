"""Customer satisfaction from the closing survey (score 1 to 5): distribution, mean, response rate,
by team and by category, and the comments with their tickets (closed cases of the period's cohort)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.i18n import _, _l
from app.models import Team, Ticket
from app.services.control.filters import ControlFilter
from app.services.control.metrics import category_paths
from app.services.control.tables import Chart, Column, Section, Table, percent

SCORES = (1, 2, 3, 4, 5)
FIGURES = {"closed": _l("Closed cases"), "surveys": _l("Surveys answered"), "response_rate": _l("Response rate (%)"),
           "mean_score": _l("Mean score (1 to 5)"), "satisfied_share": _l("Satisfied, 4 or 5 (%)")}
COMMENTS_SHOWN = 50  # newest first on the page and in the API; the export lists them all


def satisfaction(flt: ControlFilter, now: datetime, *, comments_limit: int | None = COMMENTS_SHOWN) -> Section:
    closed = [*flt.reported_in_period(), Ticket.closed_at.is_not(None)]
    surveyed = [*closed, Ticket.survey_score.is_not(None)]
    eligible = db.session.scalar(select(func.count()).select_from(Ticket).where(*closed)) or 0
    counts = dict(db.session.execute(select(Ticket.survey_score, func.count()).where(*surveyed)
                                     .group_by(Ticket.survey_score)).all())
    answered = sum(counts.values())
    mean = db.session.scalar(select(func.avg(Ticket.survey_score)).where(*surveyed))
    section = Section("satisfaction", _("Customer satisfaction"), figures={
        "closed": eligible, "surveys": answered, "response_rate": percent(answered, eligible),
        "mean_score": round(float(mean), 2) if mean is not None else None,
        "satisfied_share": percent(counts.get(4, 0) + counts.get(5, 0), answered)}, labels=FIGURES)
    section.tables.append(Table("csat", _("Survey scores"), [Column("score", _("Score")),
                                Column("surveys", _("Surveys")), Column("share", _("% of surveys"))],
                                [{"score": score, "surveys": counts.get(score, 0),
                                  "share": percent(counts.get(score, 0), answered)} for score in SCORES]))
    section.tables.append(_grouped("csat_by_team", _("Satisfaction by team"), _("Team"),
                                   surveyed, func.coalesce(Team.name, "")))
    paths = category_paths()
    by_category = _grouped("csat_by_category", _("Satisfaction by category"), _("Category"),
                           surveyed, func.coalesce(Ticket.category, ""))
    for row in by_category.rows:
        row["group"] = paths.get(row["group"], row["group"] or _("unclassified"))
    section.tables.append(by_category)
    section.tables.append(_comments(surveyed, paths, comments_limit))
    section.charts.append(Chart("csat", "bar", "score", ("surveys",)))
    return section


def _grouped(key: str, title: str, label: str, surveyed: list, group) -> Table:
    rows = db.session.execute(
        select(group, func.count(), func.avg(Ticket.survey_score)).select_from(Ticket)
        .outerjoin(Team, Team.id == Ticket.team_id).where(*surveyed).group_by(group)
        .order_by(func.count().desc(), group)).all()
    return Table(key, title, [Column("group", label), Column("surveys", _("Surveys")),
                              Column("mean_score", _("Mean score"))],
                 [{"group": name or "", "surveys": count, "mean_score": round(float(mean), 2)}
                  for name, count, mean in rows])


def _comments(surveyed: list, paths: dict, limit: int | None) -> Table:
    query = (select(Ticket.number, Ticket.closed_at, Ticket.survey_score, Ticket.survey_comment, Ticket.category,
                    Team.name).outerjoin(Team, Team.id == Ticket.team_id)
             .where(*surveyed, func.length(func.trim(func.coalesce(Ticket.survey_comment, ""))) > 0)
             .order_by(Ticket.closed_at.desc(), Ticket.id.desc()))
    if limit is not None:
        query = query.limit(limit)
    rows = [{"number": number, "closed_at": closed_at.isoformat(), "score": score, "comment": comment,
             "category": paths.get(category, category or ""), "team": team or ""}
            for number, closed_at, score, comment, category, team in db.session.execute(query)]
    return Table("comments", _("Survey comments"), [
        Column("number", _("Ticket")), Column("closed_at", _("Closed")), Column("score", _("Score")),
        Column("comment", _("Comment")), Column("category", _("Category")), Column("team", _("Team"))], rows)
