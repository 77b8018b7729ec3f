"""A supervisor reads November's costs on a phone in Chromium, narrows them to claims and opens the costliest
ticket's internal report with its cost broken down."""
from __future__ import annotations

from tests.browser.conftest import read
from tests.browser.test_staff_journey import PHONE, sign_in
from tests.services.control import cost_data


def test_a_supervisor_reads_the_costs_on_a_phone(browser, live_server, shot):
    tickets = cost_data.build()
    numbers = read(lambda: {key: t.number for key, t in tickets.items()})

    page = sign_in(browser, live_server, "supervisor", viewport=PHONE)
    page.goto(f"{live_server}/staff/costs")
    page.get_by_label("Cerrados desde").fill("2026-11-01")
    page.get_by_label("Cerrados hasta").fill("2026-11-30")
    page.get_by_role("button", name="Mostrar").click()
    assert "2,210.50" in page.inner_text("#total-title + dl")
    team_rows = page.locator("section[aria-labelledby=team-title] tbody tr")
    assert team_rows.count() == 2 and "1,855.00" in team_rows.first.inner_text()
    no_overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "costs-360")
    assert no_overflow  # the tables fold into cards on a phone

    page.get_by_label("Tipo").select_option("claim")
    page.get_by_role("button", name="Mostrar").click()
    tickets_table = page.locator("section[aria-labelledby=tickets-title]")
    assert numbers["C"] in tickets_table.inner_text() and numbers["A"] not in tickets_table.inner_text()

    tickets_table.get_by_role("link", name=numbers["C"]).click()
    page.wait_for_url(f"**/staff/tickets/{numbers['C']}/report")
    cost = page.locator("table.cost").inner_text()
    assert "Arturo Aprobador" in cost and "205.50" in cost and "355.50" in cost
    shot(page, "costs-report-360")
