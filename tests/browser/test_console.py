"""What a customer does in the console, in a real browser against the local stack."""

from pathlib import Path

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.targets import Stack

from .conftest import Console, start_browser

RECIPIENT = "+573001234567"
# An en dash: not in the GSM-7 alphabet, so the message goes as UCS-2.
UCS2_DASH = "\u2013"


def _status_of_first_row(console: Console) -> str:
    return str(console.find("#messages tbody tr .badge").get_attribute("data-status"))


def test_console_sign_in_shows_the_organisation_and_its_balance(console: Console):
    # When the demo organisation signs in with its key
    console.sign_in()
    # Then the messages page opens with the organisation's name and balance in the bar
    console.heading("Messages")
    assert "Demo organisation" in console.find("#account").text
    assert "credits" in console.find("#balance").text


def test_console_refuses_a_wrong_key_and_keeps_no_trace_of_it(console: Console, browser: WebDriver):
    # When someone signs in with a key that does not exist
    console.sign_in("sk_live_not-a-real-key")
    # Then the page says so, and the key is not kept in the tab
    assert "refused" in console.find("#sign-in [role=alert]").text
    assert browser.execute_script("return sessionStorage.getItem('sendme.apiKey')") is None


def test_console_quotes_then_sends_an_sms_and_follows_it_to_delivered(console: Console):
    # Given a signed-in user composing an SMS with a character that forces UCS-2
    console.sign_in()
    console.heading("Messages")
    console.click("Send")
    console.fill("Recipients (one per line or comma-separated)", RECIPIENT)
    console.fill("Message", f"Hola José, tu cita es mañana {UCS2_DASH} confírmala")
    # When they ask for the quote
    console.click("Get quote")
    # Then it shows the segments, the encoding and the character at fault, against the balance
    quote = console.find("#quote").text
    assert "UCS-2" in quote
    assert UCS2_DASH in quote
    assert "Balance after" in quote
    # When they send it and follow the send
    console.click("Send now")
    console.find("#follow-send").click()
    # Then the list shows the message and refreshes it on its own until it is DELIVERED
    console.wait(30).until(lambda _: _status_of_first_row(console) == "DELIVERED")
    console.picture("console-list")
    # And its page shows every transition of its timeline, in order
    console.find("#messages tbody tr a").click()
    console.find("#timeline")
    badges = console.driver.find_elements(By.CSS_SELECTOR, "#timeline .badge")
    statuses = [badge.get_attribute("data-status") for badge in badges]
    assert statuses[0] == "QUEUED"
    assert statuses[-2:] == ["SENT", "DELIVERED"]
    console.picture("console-timeline")


def test_console_imports_a_thousand_row_csv_and_reports_each_rejected_line(console: Console, tmp_path: Path):
    # Given a 1,000-row CSV of which two rows have no usable phone
    rows = [f"Browser {n},+57310{n:07d},browser-{n}@example.com,import" for n in range(998)]
    rows += ["No phone,not-a-phone,,import", "Also bad,12,,import"]
    csv_file = tmp_path / "contacts.csv"
    csv_file.write_text("name,phone,email,tags\n" + "\n".join(rows) + "\n")
    console.sign_in()
    console.heading("Messages")
    console.click("Contacts")
    # When the file is imported through the form
    console.find("#csv").send_keys(str(csv_file))
    console.click("Import")
    # Then the progress bar completes and the report counts every row, naming the rejected lines
    console.wait(60).until(lambda _: console.find("#import-createdN").text != "")
    assert console.find("#import-progress").get_attribute("value") == "1"
    assert int(console.find("#import-createdN").text) + int(console.find("#import-updatedN").text) == 998
    assert console.find("#import-rejectedN").text == "2"
    cells = console.driver.find_elements(By.CSS_SELECTOR, "#import-report tbody td:first-child")
    rejected_lines = [cell.text for cell in cells]
    assert rejected_lines == ["1000", "1001"]


def test_console_creates_and_edits_a_contact(console: Console):
    console.sign_in()
    console.heading("Messages")
    console.click("Contacts")
    # When a contact is created with a tag, then searched by that tag and renamed
    console.fill("Name", "Marta Browser")
    console.fill("Phone", "+573159990001")
    console.fill("Tags (comma-separated)", "browser-edit")
    console.click("Save")
    console.heading("Marta Browser")
    console.fill("Name", "Marta Renamed")
    console.click("Save")
    console.find("#contact-form .ok")
    # Then the contact is stored renamed
    console.click("Contacts")
    console.fill("Tag", "browser-edit")
    console.click("Search")
    console.wait().until(lambda _: "Marta Renamed" in console.find("#contacts").text)


def test_console_overview_charts_the_last_30_days_from_the_counters(console: Console, stack: Stack):
    # Given a message sent today
    requests.post(
        f"{stack['api_url']}/api/messages/sms/contacts",
        json={"message": "chart", "contacts": [RECIPIENT]},
        headers={"api-key": stack["api_key"]},
        timeout=30,
    ).raise_for_status()
    # When the overview opens
    console.sign_in()
    console.heading("Messages")
    console.click("Overview")
    # Then the chart has bars for today and the delivery rate is shown
    console.find("#chart-title")
    assert console.driver.find_elements(By.CSS_SELECTOR, "svg rect")
    assert console.find("#delivery-rate").text


def test_console_speaks_spanish_to_a_spanish_browser(stack: Stack, tmp_path: Path):
    driver = start_browser(tmp_path, language="es-CO")
    try:
        spanish = Console(driver, stack)
        spanish.open()
        spanish.fill("Clave de API", stack["api_key"])
        spanish.click("Iniciar sesión")
        spanish.heading("Mensajes")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
    finally:
        driver.quit()


def test_console_fits_a_phone_screen_and_labels_every_control(stack: Stack, tmp_path: Path):
    driver = start_browser(tmp_path, width=390, height=844)
    try:
        phone = Console(driver, stack)
        phone.sign_in()
        phone.heading("Messages")
        for section in ("Messages", "Send", "Contacts", "Overview", "Campaigns", "Suppressions"):
            phone.click(section)
            phone.heading(section)
            # Nothing wider than the screen, and no control without a label a screen reader can read
            assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
            unlabelled = driver.execute_script(
                "return [...document.querySelectorAll('input, select, textarea')]"
                ".filter(c => !c.labels.length && !c.closest('label') && !c.getAttribute('aria-label')).map(c => c.id)"
            )
            assert unlabelled == [], section
    finally:
        driver.quit()


def test_console_is_served_by_the_local_stack(stack: Stack):
    page = requests.get(f"{stack['api_url']}/console/", timeout=10)
    assert page.status_code == 200
    assert "app.js" in page.text
    assert (
        requests.get(f"{stack['api_url']}/console/app.js", timeout=10)
        .headers["Content-Type"]
        .startswith(("text/javascript", "application/javascript"))
    )
    assert requests.get(f"{stack['api_url']}/console/../template.yaml", timeout=10).status_code == 404


def test_console_lists_the_organisations_campaigns(console: Console, stack: Stack):
    # Given a campaign created through the API
    requests.post(
        f"{stack['api_url']}/api/campaigns",
        json={"name": "Campaña de bienvenida", "description": "browser"},
        headers={"api-key": stack["api_key"]},
        timeout=30,
    ).raise_for_status()
    # When the console's campaigns section opens
    console.sign_in()
    console.heading("Messages")
    console.click("Campaigns")
    # Then the campaign is listed by name
    console.wait().until(lambda _: "Campaña de bienvenida" in console.find("#campaigns").text)
