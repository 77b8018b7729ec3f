"""API tokens are read once per API_TOKEN_CACHE_SECONDS per process, and forgotten at once when revoked."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import delete

from app import clock
from app.errors import Unauthorized
from app.extensions import db
from app.models import User
from app.services import demo_service
from app.services.accounts import admin_service, auth_service
from tests.conftest import user
from tests.statements import statements_while

PASSWORD = "clave-segura-123"


@pytest.fixture
def member(app):
    """The id of a technician of this test's own (deleted after it, with his tokens)."""
    app.config["API_TOKEN_CACHE_SECONDS"] = 60
    created = admin_service.create_user(admin_service.NewUser(
        username="cache.tecnico", full_name="Técnico Caché", email="cache@net1.mx", roles=["technician"],
        teams=["soporte_n1"], password=PASSWORD, password_confirm=PASSWORD), user("admin"))
    yield created.id
    app.config["API_TOKEN_CACHE_SECONDS"] = 0
    auth_service.forget_tokens()
    db.session.rollback()
    db.session.execute(delete(User).where(User.username.not_in([name for name, *_rest in demo_service.STAFF])))
    db.session.commit()


def fresh_request(call):
    """``call`` in a new session, as the next request would run it."""
    db.session.remove()
    return call()


def test_a_known_token_reads_nothing_for_its_user(member):
    token, _row = auth_service.issue_token("cache.tecnico", PASSWORD)
    first = fresh_request(lambda: auth_service.user_for_token(token))
    assert first.username == "cache.tecnico"
    again = []
    assert statements_while(lambda: again.append(fresh_request(lambda: auth_service.user_for_token(token)))) == []
    assert again[0].username == "cache.tecnico" and again[0] in db.session  # usable by the request
    assert statements_while(lambda: again.append(again[0].team_codes)) == []  # his teams are known too
    assert again[1] == ["soporte_n1"]


def test_deactivating_or_a_new_password_refuses_a_known_token_at_once(member):
    token, _row = auth_service.issue_token("cache.tecnico", PASSWORD)
    fresh_request(lambda: auth_service.user_for_token(token))
    admin_service.reset_password(member, "otra-clave-segura", "otra-clave-segura", user("admin"))
    with pytest.raises(Unauthorized):
        fresh_request(lambda: auth_service.user_for_token(token))

    token, _row = auth_service.issue_token("cache.tecnico", "otra-clave-segura")
    fresh_request(lambda: auth_service.user_for_token(token))
    admin_service.update_user(member, admin_service.UserDetails(
        full_name="Técnico Caché", email="cache@net1.mx", roles=["technician"], active=False), user("admin"))
    with pytest.raises(Unauthorized):
        fresh_request(lambda: auth_service.user_for_token(token))


def test_a_team_change_applies_at_once(member):
    token, _row = auth_service.issue_token("cache.tecnico", PASSWORD)
    assert fresh_request(lambda: auth_service.user_for_token(token)).team_codes == ["soporte_n1"]
    admin_service.update_user(member, admin_service.UserDetails(
        full_name="Técnico Caché", email="cache@net1.mx", roles=["technician"], teams=["campo", "redes"]),
        user("admin"))
    assert sorted(fresh_request(lambda: auth_service.user_for_token(token)).team_codes) == ["campo", "redes"]


def test_a_role_change_applies_at_once_and_expiry_still_counts(member):
    token, _row = auth_service.issue_token("cache.tecnico", PASSWORD)
    assert fresh_request(lambda: auth_service.user_for_token(token)).roles == ["technician"]
    admin_service.update_user(member, admin_service.UserDetails(
        full_name="Técnico Caché", email="cache@net1.mx", roles=["technician", "supervisor"],
        teams=["soporte_n1"]), user("admin"))
    assert fresh_request(lambda: auth_service.user_for_token(token)).roles == ["technician", "supervisor"]
    clock.advance(timedelta(hours=current_app.config["API_TOKEN_HOURS"], seconds=1))
    with pytest.raises(Unauthorized):
        fresh_request(lambda: auth_service.user_for_token(token))


def test_a_request_that_changes_its_user_roles_in_place_leaves_the_next_request_his_own(member):
    token, _row = auth_service.issue_token("cache.tecnico", PASSWORD)
    fresh_request(lambda: auth_service.user_for_token(token)).roles.append("supervisor")  # never committed
    db.session.rollback()
    assert fresh_request(lambda: auth_service.user_for_token(token)).roles == ["technician"]
