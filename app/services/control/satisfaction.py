"""Customer satisfaction from the closing survey (score 1 to 5): distribution, mean, response rate,
by team and by category, and the comments with their tickets (closed cases of the period's cohort)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.i18n import _, _l
from app.models import Team, Ticket
from app.services.cases import categories
from app.services.control.filters import ControlFilter
from app.services.control.tables import Chart, Column, Section, Table, percent

SCORES = (1, 2, 3, 4, 5)
FIGURES = {"closed": _l("Closed cases"), "surveys": _l("Surveys answered"), "response_rate": _l("Response rate (%)"),
           "mean_score": _l("Mean score (1 to 5)"), "satisfied_share": _l("Satisfied, 4 or 5 (%)")}
COMMENTS_SHOWN = 50  # newest first on the page and in the API; the export lists them all


def satisfaction(flt: ControlFilter, now: datetime, *, comments_limit: int | None = COMMENTS_SHOWN) -> Section:
    """One grouped scan of the closed cases (team × category × score) gives every figure but the comments."""
    closed = [*flt.reported_in_period(), Ticket.closed_at.is_not(None)]
    groups = db.session.execute(
        select(Ticket.team_id, Ticket.category, Ticket.survey_score, func.count()).where(*closed)
        .group_by(Ticket.team_id, Ticket.category, Ticket.survey_score)).all()
    team_names = dict(db.session.execute(select(Team.id, Team.name)).all())
    counts, by_team, by_category = Counter(), {}, {}
    for team_id, category, score, count in groups:
        team, category = team_names.get(team_id, ""), category or ""
        counts[score] += count
        if score is not None:
            for totals, key in ((by_team, team), (by_category, category)):
                surveys, points = totals.get(key, (0, 0))
                totals[key] = (surveys + count, points + score * count)
    answered = sum(count for score, count in counts.items() if score is not None)
    points = sum(score * count for score, count in counts.items() if score is not None)
    section = Section("satisfaction", _("Customer satisfaction"), labels=FIGURES, figures={
        "closed": sum(counts.values()), "surveys": answered, "response_rate": percent(answered, sum(counts.values())),
        "mean_score": round(points / answered, 2) if answered else None,
        "satisfied_share": percent(counts[4] + counts[5], answered)})
    section.tables.append(Table("csat", _("Survey scores"), [Column("score", _("Score")),
                                Column("surveys", _("Surveys")), Column("share", _("Share of surveys (%)"))],
                                [{"score": score, "surveys": counts[score], "share": percent(counts[score], answered)}
                                 for score in SCORES]))
    paths = categories.leaf_paths()
    section.tables.append(_grouped("csat_by_team", _("Satisfaction by team"), _("Team"), by_team, lambda k: k))
    section.tables.append(_grouped("csat_by_category", _("Satisfaction by category"), _("Category"), by_category,
                                   lambda k: paths.get(k, k or _("unclassified"))))
    section.tables.append(_comments([*closed, Ticket.survey_score.is_not(None)], paths, comments_limit))
    section.charts.append(Chart("csat", "bar", "score", ("surveys",)))
    return section


def _grouped(key: str, title: str, label: str, totals: dict, name) -> Table:
    """Most surveyed first; ties by the group's code."""
    ordered = sorted(totals.items(), key=lambda item: (-item[1][0], item[0]))
    return Table(key, title, [Column("group", label), Column("surveys", _("Surveys")),
                              Column("mean_score", _("Mean score"))],
                 [{"group": name(group), "surveys": surveys, "mean_score": round(points / surveys, 2)}
                  for group, (surveys, points) in ordered])


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
