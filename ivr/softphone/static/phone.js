// Why: the softphone's call logic — microphone → 8 kHz 20 ms frames over the WebSocket, bot audio → speaker,
// keypad digits (the keys pressed shown, earlier ones masked: a PIN is never on screen whole), the live transcript
// of this call only, and a clear message for every way a call can fail.
import { Downsampler } from "./downsample.js";
import { Player } from "./player.js";

const $ = (id) => document.getElementById(id);
const ENDED = {
  caller: "You hung up.",
  bot: "The line ended the call.",
  protocol_error: "The call was closed: the page sent something the server did not accept.",
  peer_error: "The call was closed after an error.",
  shutdown: "The server is shutting down; the call ended.",
  internal_error: "The call ended because of a problem on the server.",
};

const SERVER_DOWN = "Cannot reach the MiKashBoks server: check that it is running, then press Call again.";

const state = { ws: null, ctx: null, mic: null, nodes: [], player: null, muted: false, connected: false, keys: [] };
const stats = { framesSent: 0, digitsSent: 0, transcript: [], state: "idle", lastError: "" };
window.softphone = { stats, get player() { return state.player ? state.player.stats : null; } };

function setStatus(text, name) {
  $("status").textContent = text;
  if (name) stats.state = name;
}

function showError(message) {
  stats.lastError = message;
  $("error").textContent = message;
  $("error").hidden = !message;
}

function addLine(speaker, text) {
  const li = document.createElement("li");
  li.className = speaker;
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = speaker === "bot" ? "MiKashBoks" : "You";
  li.append(who, document.createTextNode(text));
  $("transcript").append(li);
  li.scrollIntoView({ block: "nearest" });
  stats.transcript.push({ speaker, text });
}

// The keys of this call: the last one in clear (feedback for the press), the earlier ones as dots, so that a PIN
// keyed on this page is never readable on the screen as a whole.
function showKeys() {
  const keys = state.keys;
  $("keys").textContent = keys.length ? keys.map((k, i) => (i === keys.length - 1 ? k : "•")).join(" ") : "none";
}

function newCallScreen() {
  $("transcript").replaceChildren(); // the previous call's conversation is not this one's
  stats.transcript = [];
  stats.digitsSent = 0;
  state.keys = [];
  showKeys();
}

function setInCall(inCall) {
  $("call").disabled = inCall;
  $("caller").disabled = inCall;
  $("hangup").disabled = !inCall;
  $("mute").disabled = !inCall;
  for (const b of document.querySelectorAll("#keypad button")) b.disabled = !inCall;
}

async function loadCallers() {
  try {
    const res = await fetch("/phone/callers");
    if (!res.ok) return;
    const { callers } = await res.json();
    for (const c of callers) {
      const opt = document.createElement("option");
      opt.value = c.phone;
      opt.label = c.label ? `${c.label} (${c.phone})` : c.phone;
      $("demo-callers").append(opt);
    }
    if (callers.length && !$("caller").value) $("caller").value = callers[0].phone;
  } catch {
    showError("Cannot reach the MiKashBoks server: check that it is running, then reload this page.");
  }
}

function micError(err) {
  if (err && err.name === "NotAllowedError") {
    return "Microphone access was denied. Allow the microphone for this site in the browser settings, then press Call again.";
  }
  if (err && (err.name === "NotFoundError" || err.name === "OverconstrainedError")) {
    return "No microphone was found. Connect one, then press Call again.";
  }
  if (err && err.name === "NotReadableError") return "The microphone is busy in another application.";
  return `The microphone could not be started (${err && err.name ? err.name : "unknown error"}).`;
}

async function startMicrophone() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.isSecureContext) {
    throw new Error("This page needs a secure address (https:// or localhost) to use the microphone.");
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
  } catch (err) {
    throw new Error(micError(err));
  }
  state.mic = stream;
  const ctx = state.ctx;
  const source = ctx.createMediaStreamSource(stream);
  const sink = ctx.createGain();
  sink.gain.value = 0; // the microphone is processed, never played back to the caller
  sink.connect(ctx.destination);
  const send = (buffer) => {
    const ws = state.ws;
    if (!state.connected || state.muted || !ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(buffer);
    stats.framesSent += 1;
  };
  if (ctx.audioWorklet && window.AudioWorkletNode) {
    try {
      await ctx.audioWorklet.addModule("/phone/static/mic-worklet.js"); // fetched from the server
    } catch {
      throw new Error(SERVER_DOWN); // not the browser's "Failed to load worklet module script"
    }
    const node = new AudioWorkletNode(ctx, "mic-downsampler", { numberOfInputs: 1, numberOfOutputs: 1 });
    node.port.onmessage = (e) => send(e.data);
    source.connect(node).connect(sink);
    state.nodes.push(source, node, sink);
  } else {
    const down = new Downsampler(ctx.sampleRate, 8000, 20);
    const node = ctx.createScriptProcessor(2048, 1, 1);
    node.onaudioprocess = (e) => {
      for (const frame of down.push(e.inputBuffer.getChannelData(0))) send(frame.buffer);
    };
    source.connect(node).connect(sink);
    state.nodes.push(source, node, sink);
  }
}

function onServerMessage(event) {
  if (typeof event.data !== "string") {
    if (state.player) state.player.push(event.data);
    return;
  }
  let msg;
  try { msg = JSON.parse(event.data); } catch { return; }
  if (msg.type === "connected") {
    state.connected = true;
    setStatus("Connected. Speak after the voice, or use the keypad.", "connected");
  } else if (msg.type === "transcript") {
    addLine(msg.speaker, msg.text);
  } else if (msg.type === "flush") {
    if (state.player) state.player.flush();
  } else if (msg.type === "error") {
    showError(msg.message);
  } else if (msg.type === "ended") {
    setStatus(ENDED[msg.reason] || "The call ended.", "ended");
    teardown();
  }
}

async function placeCall(event) {
  event.preventDefault();
  showError("");
  const caller = $("caller").value.trim();
  if (!caller) { showError("Type or pick a caller number first."); return; }
  newCallScreen();
  setInCall(true);
  setStatus("Starting the microphone…", "starting");
  try {
    state.ctx = new AudioContext();
    await state.ctx.resume();
    state.player = new Player(state.ctx, 8000);
    await startMicrophone();
  } catch (err) {
    showError(err.message);
    setStatus("Not connected.", "failed");
    teardown();
    return;
  }
  setStatus("Calling…", "calling");
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/phone/ws`;
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  state.ws = ws;
  let opened = false;
  ws.onopen = () => { opened = true; ws.send(JSON.stringify({ type: "call", caller })); };
  ws.onmessage = onServerMessage;
  ws.onclose = () => {
    if (state.ws !== ws) return;
    if (!opened) {
      showError(SERVER_DOWN);
      setStatus("Not connected.", "failed");
    } else if (stats.state !== "ended") {
      if (!stats.lastError) showError("The connection to the server was lost.");
      setStatus("Call ended.", "ended");
    }
    teardown();
  };
}

function teardown() {
  state.connected = false;
  const ws = state.ws;
  state.ws = null;
  if (ws && ws.readyState <= WebSocket.OPEN) ws.close();
  if (state.mic) for (const t of state.mic.getTracks()) t.stop(); // the browser's microphone indicator goes off
  state.mic = null;
  for (const n of state.nodes) { try { n.disconnect(); } catch { /* already disconnected */ } }
  state.nodes = [];
  if (state.ctx) {
    const ctx = state.ctx;
    setTimeout(() => ctx.close().catch(() => {}), 1500); // let the last words play
  }
  state.ctx = null;
  state.muted = false;
  $("mute").setAttribute("aria-pressed", "false");
  $("mute").textContent = "Mute";
  setInCall(false);
}

// The two tones of each key (Hz), played briefly on the caller's own speaker as feedback for a press.
const DTMF_TONES = {
  1: [697, 1209], 2: [697, 1336], 3: [697, 1477], 4: [770, 1209], 5: [770, 1336], 6: [770, 1477],
  7: [852, 1209], 8: [852, 1336], 9: [852, 1477], "*": [941, 1209], 0: [941, 1336], "#": [941, 1477],
};

function keyTone(digit) {
  const ctx = state.ctx;
  if (!ctx || !DTMF_TONES[digit]) return;
  const gain = ctx.createGain();
  gain.gain.value = 0.08;
  gain.connect(ctx.destination);
  for (const hz of DTMF_TONES[digit]) {
    const osc = ctx.createOscillator();
    osc.frequency.value = hz;
    osc.connect(gain);
    osc.start();
    osc.stop(ctx.currentTime + 0.12);
  }
}

function sendDigit(digit) {
  const ws = state.ws;
  if (!state.connected || !ws || ws.readyState !== WebSocket.OPEN) return;
  ws.send(JSON.stringify({ type: "dtmf", digit }));
  stats.digitsSent += 1;
  state.keys.push(digit);
  showKeys();
  keyTone(digit);
}

function hangUp() {
  const ws = state.ws;
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "hangup" }));
  setStatus("Hanging up…", "hanging-up");
}

function toggleMute() {
  state.muted = !state.muted;
  $("mute").setAttribute("aria-pressed", String(state.muted));
  $("mute").textContent = state.muted ? "Unmute" : "Mute";
}

document.addEventListener("DOMContentLoaded", () => {
  setInCall(false);
  $("dial").addEventListener("submit", placeCall);
  $("hangup").addEventListener("click", hangUp);
  $("mute").addEventListener("click", toggleMute);
  $("keypad").addEventListener("click", (e) => {
    const digit = e.target.closest("button")?.dataset.digit;
    if (digit) sendDigit(digit);
  });
  document.addEventListener("keydown", (e) => {
    if (state.connected && /^[0-9*#]$/.test(e.key) && e.target.tagName !== "INPUT") sendDigit(e.key);
  });
  loadCallers();
});
