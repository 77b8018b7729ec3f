"""The control dashboard on a 360 px phone in Chromium: the supervisor filters the hand-worked month
(tests/control_month.py), every chart is drawn by Chart.js, nothing overflows sideways, the tables follow."""
from __future__ import annotations

from tests.browser.test_staff_journey import sign_in

PHONE = {"width": 360, "height": 740}


def test_the_dashboard_reads_on_a_phone(browser, live_server, shot, november):
    page = sign_in(browser, live_server, "supervisor", viewport=PHONE)
    page.goto(f"{live_server}/staff/control")
    page.get_by_label("Desde", exact=True).fill("2026-11-01")
    page.get_by_label("Hasta", exact=True).fill("2026-11-30")
    page.get_by_label("Equipo", exact=True).select_option(label="Soporte técnico nivel 1")
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url("**/staff/control?*team=soporte_n1*")
    drawn = page.evaluate("""() => [...document.querySelectorAll('canvas[data-chart]')]
        .map(c => window.Chart.getChart(c) ? c.getBoundingClientRect().width : 0)""")
    assert len(drawn) >= 8 and all(0 < width <= 360 for width in drawn)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    kpis = page.locator("#s-volume ~ .kpis, section[aria-labelledby='s-volume'] .kpi").all_inner_texts()
    assert any("Casos recibidos" in text and "2" in text for text in kpis)
    assert "Tardaron mucho" in page.inner_text("section[aria-labelledby='s-satisfaction']")
    shot(page, "control-dashboard-360")
