"""Acceptance: the staff console in headless Chromium (Playwright driving /usr/bin/chromium, phone-sized screen)
against the real IVR (`ivr serve`), the real ledger_core and Rasa. A meeting is recorded by a scripted call through
the real dialogs and a reminder campaign is run through the real AMI client against the AMI peer, as the meetings
and reminders tests do; the console must then show what they stored. Screenshots go to var/test-artifacts/console.
"""

from __future__ import annotations

import asyncio
import io
import uuid
import wave
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Page, async_playwright, expect
from sqlalchemy import func, select

from dialogs.values import Count
from ivr.ami import AmiClient
from ivr.reminders.service import reminders_service
from ledger_core.demo_people import demo_members
from models.audit import AuditEvent
from models.base import make_sessionmaker
from models.calls import Call as CallRow
from models.crypto import install_keyring, keyring_from_settings
from models.meetings import MeetingDraft
from models.migrate import engine_for, upgrade_to_head
from models.recording_store import RecordingStore, add_recording
from tests.console.live import REGISTER_TOKEN, Ivr, ivr_settings, shot, sign_in, sign_out, start_ivr, stop_ivr
from tests.dialogs.live import give_demo_pins, ports_for
from tests.fakes.dialog_fakes import FakeClock
from tests.fixtures.ledger_server import LedgerCoreProcess, free_port, seed_demo_database
from tests.meetings.live import Call, Ledger, officer, say
from tests.meetings.seed import festival_wav
from tests.peers.asterisk_audiosocket import FakeAsteriskCall
from tests.reminders.test_ami_run import Member, channel, next_umoja_meeting, peer
from tests.softphone.browser import CHROMIUM, PHONE_VIEWPORT, chromium, chromium_args

pytestmark = [pytest.mark.integration, pytest.mark.slow]
UMOJA, TUMAINI = "g-kes-umoja", "g-tzs-tumaini"
WHY = "member says her savings entry is missing"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerCoreProcess]:
    tmp = tmp_path_factory.mktemp("console-ledger")
    url = f"sqlite:///{tmp / 'ledger_core.db'}"
    seed_demo_database(url)
    server = LedgerCoreProcess(url, log_path=tmp / "ledger_core.log")
    server.start().wait_ready()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ivr(tmp_path_factory: pytest.TempPathFactory, ledger: LedgerCoreProcess, rasa_server: str) -> Iterator[Ivr]:
    tmp = tmp_path_factory.mktemp("console-ivr")
    settings, env = ivr_settings(tmp, ledger_url=ledger.base_url, rasa_url=rasa_server, ami_port=free_port())
    install_keyring(keyring_from_settings(settings))
    upgrade_to_head(settings)
    engine = engine_for(settings)
    live = Ivr(settings, env, f"http://127.0.0.1:{settings.http.port}", make_sessionmaker(engine))
    try:
        start_ivr(live, tmp / "ivr.log")
        yield live
    finally:
        stop_ivr(live)
        engine.dispose()


@pytest.fixture(autouse=True)
def _keys(ivr: Ivr) -> None:
    install_keyring(keyring_from_settings(ivr.settings))  # other modules' tests install their own key rings


async def nav(page: Page, section: str) -> None:
    """Follow a section link of the page's navigation (keyboard-reachable links, not buttons)."""
    await page.get_by_role("navigation", name="Sections").get_by_role("link", name=section, exact=True).click()
    await page.wait_for_load_state()


def audit_count(ivr: Ivr, action: str | None = None) -> int:
    with ivr.sessions() as s:
        q = select(func.count()).select_from(AuditEvent)
        return int(s.scalar(q.where(AuditEvent.action == action) if action else q) or 0)


async def test_sign_in_and_wrong_password_lockout(ivr: Ivr, tmp_path: Path) -> None:
    ivr.staff("lucy", groups=(UMOJA,))
    async with chromium(tmp_path, None) as browser:
        page = await browser.new_page()
        await page.goto(ivr.base_url + "/console/calls")
        assert "/console/sign-in?next=%2Fconsole%2Fcalls" in page.url  # pages need a session
        await shot(page, "01-sign-in")
        for _ in range(4):
            await sign_in(page, ivr.base_url, "lucy", "not my password")
            assert await page.get_by_role("alert").inner_text() == "Wrong name or password."
        await sign_in(page, ivr.base_url, "lucy", "not my password")  # the 5th in a row locks
        assert "locked after too many wrong passwords" in await page.get_by_role("alert").inner_text()
        await sign_in(page, ivr.base_url, "lucy")  # the right password, but locked
        assert "locked" in await page.get_by_role("alert").inner_text()
        await shot(page, "02-locked")

        ivr.staff("rita", role="admin")
        await sign_in(page, ivr.base_url, "rita")
        await page.wait_for_url("**/console/calls")  # back to the page first asked for
        assert await page.get_by_role("heading", name="Calls", exact=True).is_visible()
        cookie = next(c for c in await browser.cookies() if c["name"] == "__Host-mkb_console")
        assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
        await sign_out(page)
        await page.goto(ivr.base_url + "/console/today")
        assert "/console/sign-in" in page.url  # signed out means signed out
    with ivr.sessions() as s:
        locked = s.scalars(select(AuditEvent).where(AuditEvent.action == "staff.locked")).all()
        assert [e.subject_id for e in locked] == ["lucy"]


async def test_a_field_officer_cannot_open_another_officers_group(ivr: Ivr, tmp_path: Path) -> None:
    ivr.staff("olga", groups=(UMOJA,))
    ivr.staff("tom", groups=(TUMAINI,))
    with ivr.sessions.begin() as s:  # one identified call in each group
        theirs = uuid.uuid4()
        s.add(CallRow(id=theirs, direction="in", purpose="self_service", caller_phone="+255700000001",
                      group_id=TUMAINI, member_id="m-0016", language="sw"))
        mine = uuid.uuid4()
        s.add(CallRow(id=mine, direction="in", purpose="self_service", caller_phone="+254700000002",
                      group_id=UMOJA, member_id="m-0001", language="en"))
    async with chromium(tmp_path, None) as browser:
        page = await browser.new_page()
        await sign_in(page, ivr.base_url, "olga")
        await nav(page, "Groups")
        groups = await page.locator("#groups-table tbody th").all_inner_texts()
        assert groups == [UMOJA]
        await nav(page, "Calls")
        listed = await page.locator("#calls-table").inner_text()
        assert "m-0001" in listed and "m-0016" not in listed
        for url in (f"/console/groups/{TUMAINI}", f"/console/calls/{theirs}", f"/console/meetings?group={TUMAINI}",
                    f"/console/reminders?group={TUMAINI}", f"/console/calls?group={TUMAINI}"):
            answer = await page.goto(ivr.base_url + url)  # typed by hand
            assert answer is not None and answer.status == 403, url
            assert await page.get_by_role("heading", name="Not one of your groups").is_visible()
        await shot(page, "03-not-your-group")
        answer = await page.goto(ivr.base_url + "/console/audit")
        assert answer is not None and answer.status == 403  # admins only
        answer = await page.goto(ivr.base_url + f"/console/calls/{mine}")
        assert answer is not None and answer.status == 200


async def test_a_form_without_its_csrf_token_is_refused(ivr: Ivr, tmp_path: Path) -> None:
    ivr.staff("carl", groups=(UMOJA,))
    async with chromium(tmp_path, None) as browser:
        page = await browser.new_page()
        await sign_in(page, ivr.base_url, "carl")
        await page.evaluate("document.querySelector('form.who input[name=csrf_token]').remove()")
        await page.get_by_role("button", name="Sign out").click()
        await page.wait_for_load_state()
        assert await page.get_by_role("heading", name="Form refused").is_visible()
        assert "CSRF" in await page.get_by_role("alert").inner_text()
        await shot(page, "04-csrf-refused")
        answer = await page.goto(ivr.base_url + "/console/today")
        assert answer is not None and answer.status == 200 and "/sign-in" not in page.url  # nothing happened


async def record_meeting(ivr: Ivr, tmp: Path) -> tuple[int, uuid.UUID]:
    """The Umoja secretary records a meeting by phone (real dialog, Rasa, ledger): Grace's savings are posted,
    John's "repayment" is refused (he has no loan). The session's audio is kept as the recorder would."""
    sec = officer(UMOJA)
    give_demo_pins(ivr.settings, sec)
    async with ports_for(ivr.settings) as ports:
        call = Call(ports.dialog(lang="en"))
        await call.start(sec.phone)
        await call.script([f"#{sec.pin}", "yes", "yes", "Grace paid one hundred savings", "yes",
                           "John repaid five hundred on his loan", "yes", "finish", "yes"])
        assert say("meeting_posted_some", "en", count=Count(1)) in call.heard
        draft_id = call.dialog.c.meeting.draft_id
        call_id = call.dialog.call_id
        await call.hang_up()
    audio = festival_wav("Grace paid one hundred savings. John repaid five hundred on his loan.", tmp / "s.wav")
    with wave.open(io.BytesIO(audio)) as w:
        duration_ms = w.getnframes() * 1000 // w.getframerate()
    with ivr.sessions.begin() as s:
        add_recording(s, RecordingStore.from_settings(ivr.settings), call_id=call_id, audio=audio,
                      duration_ms=duration_ms)
    assert draft_id is not None
    return draft_id, call_id


async def test_the_meetings_page_shows_a_scripted_calls_entries(ivr: Ivr, ledger: LedgerCoreProcess,
                                                                tmp_path: Path) -> None:
    book = Ledger(ledger.db_url)
    before = book.txn_ids(UMOJA)
    draft_id, _call_id = await record_meeting(ivr, tmp_path)
    ivr.staff("ada", role="admin")
    async with chromium(tmp_path, None) as browser:
        page = await browser.new_page()
        await sign_in(page, ivr.base_url, "ada")
        await nav(page, "Meetings")
        row = page.locator("#meetings-table tbody tr", has_text=f"#{draft_id}")
        assert "needs fix" in await row.inner_text()
        await row.get_by_role("link", name=f"#{draft_id}").click()
        entries = page.locator("#entries")
        first, second = entries.locator("#entry-1"), entries.locator("#entry-2")
        assert "m-0001" in await first.inner_text() and "KES 100.00" in await first.inner_text()
        assert "posted" in await first.inner_text()
        assert "m-0001 paid one hundred shillings savings." in await first.inner_text()  # the read-back, no name
        text = await second.inner_text()
        assert "loan repayment" in text and "KES 500.00" in text and "rejected" in text and "no open loan" in text
        assert "Grace Wanjiru" not in await page.content()  # no names without a reason
        await shot(page, "05-meeting")

        # names need the group's consent: refused until an admin records it
        await page.get_by_label("Why do you need to see").fill(WHY)
        await page.get_by_role("button", name="Show").click()
        assert "has not consented" in await page.get_by_role("alert").inner_text()
        await page.goto(ivr.base_url + f"/console/groups/{UMOJA}")
        await page.get_by_label("The group consents").check()
        await page.get_by_label("Where it is written down").fill("minutes of the group's meeting")
        await page.get_by_role("button", name="Record decision").click()
        assert "Granted" in await page.locator("#consent-state").inner_text()

        # no reason: refused by the server (the browser's own check is taken off to prove it), nothing audited
        await page.goto(ivr.base_url + f"/console/meetings/{draft_id}")
        reads = audit_count(ivr, "read.meeting")
        await page.evaluate("document.querySelector('#reason').removeAttribute('required')")
        await page.get_by_role("button", name="Show").click()
        assert "Say why" in await page.get_by_role("alert").inner_text()
        assert audit_count(ivr, "read.meeting") == reads

        # with a reason: names, what was said, the audio — and the audit rows
        await page.go_back()
        await page.get_by_label("Why do you need to see").fill(WHY)
        await page.get_by_role("button", name="Show").click()
        await page.wait_for_load_state()
        first = page.locator("#entry-1")
        assert "Grace Wanjiru" in await first.inner_text()
        assert "Grace Wanjiru paid one hundred shillings savings." in await first.inner_text()
        assert "grace paid one hundred savings" in (await first.inner_text()).lower()
        assert "John Kamau" in await page.locator("#entry-2").inner_text()
        with ivr.sessions() as s:
            last = s.scalars(select(AuditEvent).where(AuditEvent.action == "read.meeting")).all()[-1]
            assert (last.actor, last.subject_id, last.reason) == ("console:ada", str(draft_id), WHY)
        recordings = audit_count(ivr, "read.recording")
        seconds = await first.locator("audio").evaluate(
            "a => new Promise((ok, bad) => { a.onloadedmetadata = () => ok(a.duration); a.onerror = bad;"
            " a.preload = 'auto'; a.load(); })")
        assert 0.2 < seconds < 30, seconds  # the entry's span of the session recording plays in the browser
        assert audit_count(ivr, "read.recording") > recordings
        await shot(page, "06-meeting-names")

        # correct the refused entry: it goes through the outbox to the ledger like the phone's entries
        await page.get_by_text("Correct entry 2").click()
        await page.get_by_label("Type").select_option("savings")
        await page.get_by_label("Amount (KES)").fill("500")
        await page.get_by_label("What was wrong").fill("it was savings, not a repayment")
        await page.get_by_role("button", name="Record and send").click()
        await page.wait_for_load_state()
        assert "posted to the ledger" in await page.locator("#result-note").inner_text()
        assert "posted" in await page.locator("#entry-3").inner_text()
        assert "posted" in (await page.locator("h1 .badge").inner_text())
        assert "corrected" in await page.locator("#entry-2").inner_text()
        assert not await page.get_by_text("Correct entry 2").count()  # once: a second would enter it twice
        await shot(page, "07-meeting-corrected")
        export = await page.request.get(ivr.base_url + f"/console/meetings/{draft_id}/export.csv")
        csv_text = await export.text()
        assert export.status == 200 and "m-0015,savings,50000,KES,sent" in csv_text and "Kamau" not in csv_text
    ids = book.ids_of(UMOJA)
    new = book.new_entries(UMOJA, before)
    book.close()
    assert new == {(ids["Grace Wanjiru"], "savings", 10000): 1, (ids["John Kamau"], "savings", 50000): 1}
    with ivr.sessions() as s:
        draft = s.get(MeetingDraft, draft_id)
        assert draft is not None and draft.status == "posted"


async def test_the_reminders_chart_shows_a_scripted_campaigns_outcomes(ivr: Ivr, ledger: LedgerCoreProcess,
                                                                       tmp_path: Path) -> None:
    members = [m for m in demo_members() if m.group_id == UMOJA]
    grace, mary, faith, esther, joyce = members[0], members[1], members[3], members[4], members[5]
    async with peer() as amipeer:  # the campaign of tests/reminders/test_ami_run.py, on the console's database
        settings = ivr.settings.model_copy(update={"ami": ivr.settings.ami.model_copy(update={"port": amipeer.port})})
        meeting = await next_umoja_meeting(ledger, settings)
        clock = FakeClock((meeting - timedelta(days=1)).replace(hour=18, minute=30).astimezone(ZoneInfo("UTC")))
        amipeer.outcomes = {channel(grace.phone): "busy", channel(mary.phone): "noanswer",
                            channel(esther.phone): "congestion", channel(joyce.phone): "fail"}
        ami = AmiClient(settings.ami)
        await ami.start()
        member = Member(settings, ami, amipeer, clock, {channel(faith.phone): ["yes", "#9"]}).start()
        try:
            # the scripted campaign happens at the frozen moment: attempts are stamped on the same clock
            async with reminders_service(settings, clock=clock, stamp=clock, dial=True, ami=ami) as svc:
                await svc.store.set_contacts([(m.member_id, m.phone) for m in demo_members()])
                assert svc.runner is not None
                report = await asyncio.wait_for(svc.runner.run(), 90)
        finally:
            await member.stop()
            await ami.close()
    assert report.outcomes == {"answered": 11, "busy": 1, "no_answer": 1, "congestion": 1, "failed": 1}

    ivr.staff("rose", role="admin")
    async with chromium(tmp_path, None) as browser:
        page = await browser.new_page()
        await sign_in(page, ivr.base_url, "rose")
        await nav(page, "Reminders")
        canvas = page.locator("#outcomes-chart canvas")
        await canvas.wait_for()
        data = await canvas.evaluate("c => { const d = Chart.getChart(c).data; return Object.fromEntries("
                                     "d.datasets.map(s => [s.label, s.data.reduce((a, b) => a + (b || 0), 0)])); }")
        assert data == {"answered": 11, "confirmed": 10, "no answer": 1, "busy": 1, "opted out": 1, "failed": 2,
                        "expired": 0}
        day = (clock.now.date()).isoformat()
        assert day in await canvas.evaluate("c => Chart.getChart(c).data.labels")
        assert "meeting_eve g-kes-umoja" in await page.locator("#campaigns").inner_text()
        assert "Calls only between 08:00 and 20:00" in await page.locator("#quiet-hours").inner_text()
        await shot(page, "08-reminders")

        optouts = page.locator("#optouts")
        assert faith.member_id in await optouts.inner_text()
        await optouts.locator("tr", has_text=faith.member_id).get_by_role("button", name="Opt back in").click()
        await page.wait_for_load_state()
        assert "back on" in await page.get_by_role("status").first.inner_text()
        assert not await page.locator("#optouts").count()  # nobody is opted out any more

        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))  # "Place every due call now?"
        await page.get_by_role("button", name="Run now").click()
        await page.wait_for_url("**/console/reminders?done=run")
        for _ in range(60):  # the run logs in to AMI (nothing listens on the console's IVR_AMI__PORT here)
            text = await page.locator("#last-run").inner_text()
            if "stopped" in text:
                break
            await asyncio.sleep(0.5)
            await page.reload()
        assert "Asterisk manager (AMI) not reachable" in text, text
    with ivr.sessions() as s:
        pref_on = s.scalar(select(AuditEvent).where(AuditEvent.action == "reminders.opt_in"))
        assert pref_on is not None and pref_on.subject_id == faith.member_id


async def test_today_shows_a_live_call_and_updates_itself(ivr: Ivr, tmp_path: Path) -> None:
    ivr.staff("tess", role="admin")
    async with httpx.AsyncClient() as http:
        answer = await http.post(ivr.base_url + "/asterisk/calls", headers={"X-IVR-Token": REGISTER_TOKEN},
                                 content=b"caller=%2B254700000777&dialled=100&channel=PJSIP%2Fa-1&uniqueid=1.1")
    call = await FakeAsteriskCall("127.0.0.1", ivr.settings.audiosocket.port,
                                  call_id=uuid.UUID(answer.text)).connect()
    try:
        async with chromium(tmp_path, None) as browser:
            page = await browser.new_page()
            await sign_in(page, ivr.base_url, "tess")
            await page.wait_for_url("**/console/today")
            await page.keyboard.press("Tab")  # keyboard users: the first stop skips the navigation
            await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
            await page.keyboard.press("Enter")
            await expect(page.locator("#main")).to_be_focused()
            assert await page.locator("#live-count").inner_text() == "1"
            row = page.locator("#live-calls tbody tr")
            assert await row.count() == 1 and "self service (in)" in await row.inner_text()
            assert "reachable" in await page.locator(".tiles li.ok").inner_text()  # the core ledger answers
            assert await page.locator("#calls-per-hour canvas").count() == 1  # the chart is drawn
            await shot(page, "09-today-live-call")
            await call.hang_up()
            # htmx re-fetches the live part every 5 s: the count drops without a reload
            await expect(page.locator("#live-count")).to_have_text("0", timeout=30_000)
            assert "No calls on the line right now" in await page.locator("#live").inner_text()
            await shot(page, "10-today-after")
    finally:
        await call.close()


async def test_the_audit_page_filters_and_shows_the_key_ring(ivr: Ivr, tmp_path: Path) -> None:
    ivr.staff("abe", role="admin")
    async with chromium(tmp_path, None) as browser:
        page = await browser.new_page()
        await sign_in(page, ivr.base_url, "abe")
        await nav(page, "Audit")
        await page.get_by_label("What").fill("staff.sign_in")
        await page.get_by_role("button", name="Filter").click()
        await page.wait_for_url("**action=staff.sign_in**")
        actions = await page.locator("#audit-table tbody tr td:nth-child(3)").all_inner_texts()
        assert actions and set(actions) == {"staff.sign_in"}
        await page.locator("#key-status").wait_for()  # the scan `ivr keys status` does, loaded by htmx
        assert "nothing needs an older key" in await page.locator("#key-status").inner_text()
        await shot(page, "11-audit")


async def test_pages_read_without_javascript(ivr: Ivr, tmp_path: Path) -> None:
    """The same Chromium with JavaScript switched off: sign-in, data tables, filters and forms still work."""
    ivr.staff("nojs", role="admin")
    with ivr.sessions.begin() as s:
        s.add(CallRow(id=uuid.uuid4(), direction="in", purpose="self_service", caller_phone="+254700000003",
                      group_id=UMOJA, member_id="m-0004", language="en"))
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=chromium_args(None), headless=True)
        try:
            context = await browser.new_context(java_script_enabled=False, viewport=PHONE_VIEWPORT)  # type: ignore[arg-type]
            page = await context.new_page()
            await sign_in(page, ivr.base_url, "nojs")
            await page.wait_for_url("**/console/today")
            assert await page.locator("#live-count").is_visible()
            assert await page.locator("#calls-per-hour table").is_visible()  # the numbers, as a table
            assert await page.locator("#calls-per-hour canvas").count() == 0  # no chart without scripts
            await page.goto(ivr.base_url + "/console/calls")
            await page.get_by_label("Language").select_option("en")
            await page.get_by_role("button", name="Search").click()  # a plain GET form
            assert "language=en" in page.url and "m-0004" in await page.locator("#calls-table").inner_text()
            await shot(page, "12-no-javascript")
        finally:
            await browser.close()
