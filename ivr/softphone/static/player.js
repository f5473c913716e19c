// Why: bot audio arrives as paced 20 ms frames of 8 kHz PCM; each is scheduled right after the previous one on the
// AudioContext clock, so playback is gap-free and at the right speed whatever the sound card's rate.

const LEAD_S = 0.08; // jitter buffer after a start or an underrun: covers normal WebSocket delivery jitter
const MAX_AHEAD_S = 0.5; // if bursts pile up more than this, restart the schedule instead of adding delay

export class Player {
  constructor(ctx, rate = 8000) {
    this.ctx = ctx;
    this.rate = rate;
    this.next = 0;
    this.sources = new Set();
    this.out = ctx.createGain();
    this.out.connect(ctx.destination);
    this.stats = { framesPlayed: 0, underruns: 0, flushes: 0 };
  }

  push(arrayBuffer) {
    const pcm = new Int16Array(arrayBuffer);
    if (pcm.length === 0) return;
    const buffer = this.ctx.createBuffer(1, pcm.length, this.rate);
    const ch = buffer.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) ch[i] = pcm[i] / 32768;
    const now = this.ctx.currentTime;
    if (this.next < now + 0.005 || this.next > now + MAX_AHEAD_S) {
      if (this.next > 0 && this.next < now + 0.005) this.stats.underruns += 1;
      this.next = now + LEAD_S;
    }
    const src = this.ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(this.out);
    src.onended = () => this.sources.delete(src);
    src.start(this.next);
    this.sources.add(src);
    this.next += buffer.duration;
    this.stats.framesPlayed += 1;
  }

  // Barge-in: the server dropped its queue; drop what is already scheduled here too.
  flush() {
    for (const src of this.sources) {
      try { src.stop(); } catch { /* already ended */ }
    }
    this.sources.clear();
    this.next = 0;
    this.stats.flushes += 1;
  }
}
