"""Demo data: teams, staff for every lane, customers. For demos and tests only (README lists them)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Customer, Team, User
from app.services.claims.documents import load_demo_documents
from app.services.transaction import transaction

DEMO_PASSWORD = "demo1234"

TEAMS = [
    ("soporte_n1", "Soporte técnico nivel 1"),
    ("campo", "Técnicos de campo"),
    ("redes", "Redes (nivel 2)"),
    ("gestion_clientes", "Gestión de Clientes"),
]

STAFF = [
    # username, full name, roles, teams
    ("agente", "Ana Agente", ["agent"], []),
    ("tecnico1", "Tomás Técnico", ["technician"], ["soporte_n1"]),
    ("tecnico2", "Teresa Técnica", ["technician"], ["soporte_n1"]),
    ("campo1", "Carlos Campo", ["technician"], ["campo"]),
    ("redes1", "Rita Redes", ["technician"], ["redes"]),
    ("clientes1", "Gabriela Gestión", ["technician"], ["gestion_clientes"]),
    ("supervisor", "Sofía Supervisora", ["supervisor"], ["soporte_n1", "campo", "redes"]),
    ("aprobador", "Arturo Aprobador", ["approver"], []),
    ("analista", "Alma Analista", ["analyst"], []),
    ("admin", "Adela Administradora", ["admin"], []),
]

CUSTOMERS = [
    # number, name, address, phone, e-mail, line of business of the service (processes/followups/), segment
    # and zone (the control dashboard's filters and its incidents per 1,000 customers by zone)
    ("C-1001", "María López", "Av. Universidad 100, Aguascalientes", "4491000001", "maria.lopez@example.com",
     "hogar", "residencial", "Norte"),
    ("C-1002", "Juan Pérez", "Calle Madero 25, Aguascalientes", "4491000002", "juan.perez@example.com", "negocio",
     "pyme", "Centro"),
    ("C-1003", "Lucía Hernández", "Blvd. Zacatecas 300, Aguascalientes", "4491000003", "lucia.h@example.com",
     "hogar", "residencial", "Sur"),
]


def load_demo(password: str = DEMO_PASSWORD) -> None:
    """Create what is missing; running it twice changes nothing."""
    with transaction():
        teams = {}
        for code, name in TEAMS:
            teams[code] = db.session.scalar(select(Team).where(Team.code == code)) or Team(code=code, name=name)
            db.session.add(teams[code])
        for username, full_name, roles, team_codes in STAFF:
            if db.session.scalar(select(User).where(User.username == username)):
                continue
            user = User(username=username, full_name=full_name, email=f"{username}@net1.mx", roles=roles,
                        teams=[teams[c] for c in team_codes])
            user.set_password(password)
            db.session.add(user)
        for number, name, address, phone, email, line, segment, zone in CUSTOMERS:
            if not db.session.scalar(select(Customer).where(Customer.number == number)):
                db.session.add(Customer(number=number, name=name, address=address, phone=phone, email=email,
                                        service_line=line, segment=segment, zone=zone))
        db.session.flush()
        load_demo_documents()
