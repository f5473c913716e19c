"""The shipped Asterisk configs agree with the IVR's settings and AMI client, and render safely from the environment."""

from __future__ import annotations

import configparser
import inspect
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from ivr.ami.client import AmiClient
from ivr.settings import AmiSettings

AST = Path(__file__).resolve().parents[2] / "asterisk"
ENV = {"AMI_SECRET": "a&b|c\\d/e", "CONTROLLER_URL": "http://ivr:8000", "AUDIOSOCKET_ADDR": "ivr:9092",
       "REGISTER_TOKEN": "tok-123", "TRUNK_HOST": "sip.example.net", "TRUNK_USER": "alice",
       "TRUNK_PASSWORD": "pw", "PHONE_PASSWORD": "pp"}


def contexts(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        line = line.split(";", 1)[0].rstrip()
        if m := re.match(r"^\[([^\]]+)\]", line):
            current = m.group(1)
            out[current] = []
        elif line.strip() and current:
            out[current].append(line.strip())
    return out


def render(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {"PATH": os.environ["PATH"], "ASTERISK_CONFIG_SRC": str(AST), "ASTERISK_CONFIG_DST": str(tmp_path),
            "ASTERISK_RENDER_ONLY": "1", **env}
    return subprocess.run(["sh", str(AST / "docker-entrypoint.sh")], env=full, capture_output=True, text=True,
                          timeout=30, check=False)


def test_entrypoint_renders_every_placeholder_literally(tmp_path: Path) -> None:
    result = render(tmp_path, **ENV)
    assert result.returncode == 0, result.stderr
    rendered = {p.name: p.read_text() for p in tmp_path.glob("*.conf")}
    assert set(rendered) == {p.name for p in AST.glob("*.conf")}
    assert not any(re.search(r"@[A-Z_]+@", t) for t in rendered.values())
    assert "secret = a&b|c\\d/e" in rendered["manager.conf"]
    assert "client_uri = sip:alice@sip.example.net" in rendered["pjsip.conf"]
    assert "AUDIOSOCKET_ADDR = ivr:9092" in rendered["extensions.conf"]


@pytest.mark.parametrize("missing", sorted(ENV))
def test_entrypoint_refuses_a_missing_value(tmp_path: Path, missing: str) -> None:
    env = {k: v for k, v in ENV.items() if k != missing}
    result = render(tmp_path, **env)
    assert result.returncode == 1 and missing in result.stderr


def test_dialplan_contexts_match_the_ami_client() -> None:
    ctx = contexts((AST / "extensions.conf").read_text())
    s = AmiSettings()
    default_exten = inspect.signature(AmiClient.originate).parameters["exten"].default
    assert any(line.startswith(f"exten => {default_exten},1,") for line in ctx[s.outbound_context])
    assert any(line.startswith("exten => _[+0-9].,1,") for line in ctx[s.transfer_context])
    assert any("Dial(PJSIP/${EXTEN}@" in line for line in ctx[s.transfer_context])
    assert any("${IVR_CALL_UUID}" in line and "AudioSocket(" in line for line in ctx[s.outbound_context])


def test_audiosocket_is_reached_through_gotoif_never_if() -> None:
    ctx = contexts((AST / "extensions.conf").read_text())  # comments stripped
    assert not any("${IF(" in line for lines in ctx.values() for line in lines)  # IF() splits host:port on ':'
    for name, lines in ctx.items():
        for i, line in enumerate(lines):
            if "AudioSocket(" in line:
                assert re.search(r"n\((\w+)\),AudioSocket\(", line), f"{name}: AudioSocket() without a label"
                label = re.search(r"n\((\w+)\)", line).group(1)  # type: ignore[union-attr]
                assert any("GotoIf(" in earlier and f"?{label}:" in earlier for earlier in lines[:i]), name
                assert any("REGEX(" in earlier for earlier in lines[:i]), f"{name}: UUID not validated"


def test_inbound_registers_the_call_as_documented() -> None:
    inbound = contexts((AST / "extensions.conf").read_text())["mikashboks-inbound"]
    curl = next(line for line in inbound if "CURL(" in line)
    assert "${CONTROLLER_URL}/asterisk/calls," in curl
    for param in ("caller=", "dialled=", "channel=", "uniqueid="):
        assert param in curl
    assert any(line.endswith("Answer()") for line in inbound)
    readme = (AST / "README.md").read_text()
    assert "POST ${CONTROLLER_URL}/asterisk/calls" in readme
    assert "caller=<CALLERID(num), URI-encoded>&dialled=<EXTEN>&channel=<CHANNEL>&uniqueid=<UNIQUEID>" in readme


def test_inbound_connects_to_the_worker_named_in_the_answer() -> None:
    """`<uuid>` → AUDIOSOCKET_ADDR; `<uuid> <host:port>` (ivr serve --workers) → that worker (asterisk/README.md)."""
    inbound = contexts((AST / "extensions.conf").read_text())["mikashboks-inbound"]
    assert any("Set(CALL_REPLY=${CURL(" in line for line in inbound)
    assert any(line.endswith("Set(CALL_UUID=${CALL_REPLY:0:36})") for line in inbound)
    assert any(line.endswith("Set(MEDIA_ADDR=${CALL_REPLY:37})") for line in inbound)
    assert any(line.endswith("Set(MEDIA_ADDR=${AUDIOSOCKET_ADDR})") for line in inbound)
    assert any(line.endswith("AudioSocket(${CALL_UUID},${MEDIA_ADDR})") for line in inbound)
    readme = (AST / "README.md").read_text()
    assert "`<uuid> <IVR_OPS__ADVERTISE_HOST>:<port + i>`" in readme and "${CALL_REPLY:37}" in readme


def test_manager_user_matches_settings_with_least_privilege() -> None:
    conf = configparser.ConfigParser(strict=False, inline_comment_prefixes=(";",), comment_prefixes=(";",))
    conf.read_string((AST / "manager.conf").read_text())
    s = AmiSettings()
    assert conf["general"]["enabled"] == "yes" and int(conf["general"]["port"]) == s.port
    user = conf[s.username]
    assert user["secret"] == "@AMI_SECRET@"
    assert set(user["write"].replace(" ", "").split(",")) == {"originate", "call"}
    assert {"call", "dtmf"} <= set(user["read"].replace(" ", "").split(","))


# What each dialplan application / function and each pjsip.conf feature needs loaded (Asterisk 22 module names);
# applications and functions not listed here are in the core.
APP_MODULE = {"AudioSocket": "app_audiosocket.so", "Playback": "app_playback.so", "Dial": "app_dial.so"}
CORE_APPS = {"NoOp", "Answer", "Set", "GotoIf", "Goto", "Hangup"}
FUNC_MODULE = {"CURL": "func_curl.so", "CURLOPT": "func_curl.so", "REGEX": "func_strings.so",
               "URIENCODE": "func_uri.so", "CALLERID": "func_callerid.so"}
# module → what it cannot load without (each module's AST_MODULE_INFO `.requires`)
REQUIRES = {
    "app_audiosocket.so": {"res_audiosocket.so"}, "func_curl.so": {"res_curl.so"},
    "res_pjsip.so": {"res_pjproject.so", "res_sorcery_config.so", "res_sorcery_memory.so", "res_sorcery_astdb.so"},
    "chan_pjsip.so": {"res_pjsip.so", "res_pjsip_session.so", "res_pjsip_pubsub.so"},
    "res_pjsip_session.so": {"res_pjsip.so"}, "res_pjsip_pubsub.so": {"res_pjsip.so"},
    "res_pjsip_sdp_rtp.so": {"res_pjsip.so", "res_pjsip_session.so", "res_rtp_asterisk.so"},
    "res_pjsip_registrar.so": {"res_pjproject.so", "res_pjsip.so"},
    "res_pjsip_outbound_registration.so": {"res_pjsip.so"},
    "res_pjsip_nat.so": {"res_pjsip.so", "res_pjsip_session.so"},
    "res_pjsip_caller_id.so": {"res_pjsip.so", "res_pjsip_session.so"},
    "res_pjsip_rfc3326.so": {"res_pjsip.so", "res_pjsip_session.so"},
}


def loaded_modules() -> tuple[dict[str, str], str]:
    """modules.conf: module → the reason written on its line; and the autoload value."""
    text = (AST / "modules.conf").read_text()
    assert not re.search(r"^\s*noload\s*=", text, re.M), "noload with dependants prints an ERROR per dependant"
    autoload = re.search(r"^autoload\s*=\s*(\S+)", text, re.M)
    line = re.compile(r"^(load|require)\s*=\s*(\S+)\s*(?:;(.*))?$", re.M)
    mods = {m.group(2): (m.group(3) or "").strip() for m in line.finditer(text)}
    return mods, autoload.group(1) if autoload else "yes"


def test_modules_load_exactly_what_the_dialplan_and_pjsip_need() -> None:
    mods, autoload = loaded_modules()
    assert autoload == "no"  # autoload loads every built module: ERRORs at boot for modules we never use
    assert all(mods.values()), f"say why each module loads: {[m for m, why in mods.items() if not why]}"
    dialplan = "\n".join(line for lines in contexts((AST / "extensions.conf").read_text()).values() for line in lines)
    apps = set(re.findall(r"^(?:exten => [^,]+,\d+|same => n(?:\(\w+\))?),(\w+)\(", dialplan, re.M))
    assert apps >= {"AudioSocket", "Playback", "Dial"} and apps <= set(APP_MODULE) | CORE_APPS, apps
    funcs = set(re.findall(r"\$\{([A-Z]+)\(", dialplan)) | set(re.findall(r"Set\(([A-Z]+)\(", dialplan))
    assert funcs <= set(FUNC_MODULE), f"map these dialplan functions to their module: {funcs - set(FUNC_MODULE)}"
    needed = {APP_MODULE[a] for a in apps if a in APP_MODULE} | {FUNC_MODULE[f] for f in funcs}
    pjsip = (AST / "pjsip.conf").read_text()
    needed |= {"pbx_config.so", "chan_pjsip.so", "res_pjsip_sdp_rtp.so", "codec_ulaw.so", "codec_alaw.so"}
    if "type = registration" in pjsip:
        needed |= {"res_pjsip_outbound_registration.so", "res_pjsip_outbound_authenticator_digest.so"}
    if "type = identify" in pjsip:
        needed.add("res_pjsip_endpoint_identifier_ip.so")
    if re.search(r"^auth = ", pjsip, re.M):  # a phone that authenticates to us and registers
        needed |= {"res_pjsip_authenticator_digest.so", "res_pjsip_registrar.so",
                   "res_pjsip_endpoint_identifier_user.so"}
    missing = needed - set(mods)
    assert not missing, f"modules.conf does not load {sorted(missing)}"
    for mod, deps in REQUIRES.items():
        if mod in mods:
            assert deps <= set(mods), f"{mod} needs {sorted(deps - set(mods))}"
    # nothing unused: no old SIP driver, no HTTP/websocket/ARI stack (http.conf disables the HTTP server)
    assert not {m for m in mods if m.startswith(("chan_sip", "res_http", "res_ari", "res_stasis", "app_stasis"))}


def test_modules_require_the_audiosocket_and_curl_stack() -> None:
    text = (AST / "modules.conf").read_text()
    required = set(re.findall(r"^require\s*=\s*(\S+)", text, re.M))
    assert {"res_audiosocket.so", "app_audiosocket.so", "func_curl.so", "res_curl.so",
            "res_pjsip.so", "chan_pjsip.so"} <= required


def test_the_image_ships_every_sound_the_dialplan_plays() -> None:
    dialplan = "\n".join(line for lines in contexts((AST / "extensions.conf").read_text()).values() for line in lines)
    played = set(re.findall(r"Playback\(([\w/-]+)\)", dialplan))
    assert played == {"ss-noservice", "sorry-youre-having-problems"}
    dockerfile = (AST / "Dockerfile").read_text()
    copied = set(re.findall(r"/sounds/en_US_f_Allison/([\w-]+)\.wav", dockerfile))
    assert played <= copied, f"asterisk/Dockerfile does not install {sorted(played - copied)}"
    assert "asterisk-core-sounds-en-wav" in dockerfile and "/var/lib/asterisk/sounds/en/" in dockerfile
    loaded, _ = loaded_modules()
    assert {"app_playback.so", "format_wav.so"} <= set(loaded)  # WAV files, played by Playback()
    compose = yaml.safe_load((AST.parent / "docker-compose.yml").read_text())
    assert compose["services"]["asterisk"]["build"]["context"] == "./asterisk"
    assert "ss-noservice" in (AST / "README.md").read_text()


def test_the_registration_token_never_appears_in_the_dialplan(tmp_path: Path) -> None:
    """Asterisk logs every dialplan line it executes, with its arguments, at verbose 3 (and the entrypoint runs
    -vvv): the token must come from a config Asterisk reads at load (res_curl.conf, applied by res_config_curl as a
    global CURLOPT), never from a dialplan line or a dialplan variable that a line could expand."""
    token = "tok-Zq81-unique-secret-7Hx"
    result = render(tmp_path, **{**ENV, "REGISTER_TOKEN": token})
    assert result.returncode == 0, result.stderr
    dialplan = (tmp_path / "extensions.conf").read_text()
    assert token not in dialplan
    assert "REGISTER_TOKEN" not in dialplan and "httpheader" not in dialplan.lower()
    curl = configparser.ConfigParser(strict=False, inline_comment_prefixes=(";",), comment_prefixes=(";",))
    curl.read_string((tmp_path / "res_curl.conf").read_text())
    assert curl["globals"]["httpheader"] == f"X-IVR-Token: {token}"
    # and the module that applies res_curl.conf [globals] must be loaded, or no header is sent at all
    required = set(re.findall(r"^require\s*=\s*(\S+)", (tmp_path / "modules.conf").read_text(), re.M))
    assert "res_config_curl.so" in required
    for name, text in ((p.name, p.read_text()) for p in tmp_path.glob("*.conf")):
        assert name == "res_curl.conf" or token not in text, f"the token is in {name}"


def test_a_token_that_would_break_the_config_line_is_refused(tmp_path: Path) -> None:
    """`;` starts a comment in Asterisk configs: a token holding one would be cut short, and fail every call."""
    result = render(tmp_path, **{**ENV, "REGISTER_TOKEN": "abc;def"})
    assert result.returncode == 1 and "REGISTER_TOKEN" in result.stderr


def test_outbound_connects_to_the_worker_that_placed_the_call() -> None:
    """Originate's IVR_MEDIA_ADDR (a worker of `ivr serve --workers N`) wins; without it, AUDIOSOCKET_ADDR."""
    outbound = contexts((AST / "extensions.conf").read_text())[AmiSettings().outbound_context]
    for exten in ("reminder", "callback"):
        start = next(i for i, line in enumerate(outbound) if line.startswith(f"exten => {exten},1,"))
        steps = outbound[start:start + 6]
        assert steps[1].endswith("Set(MEDIA_ADDR=${IVR_MEDIA_ADDR})"), steps
        assert 'GotoIf($["${MEDIA_ADDR}" != ""]?check)' in steps[2], steps
        assert steps[3].endswith("Set(MEDIA_ADDR=${AUDIOSOCKET_ADDR})"), steps
        assert steps[5].endswith("AudioSocket(${IVR_CALL_UUID},${MEDIA_ADDR})"), steps
