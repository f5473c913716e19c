// Why: the page captures at the sound card's rate (44.1/48 kHz); the IVR hears telephone audio, 8 kHz 16-bit mono.
// Low-pass (Hamming-windowed sinc, 3.4 kHz: the telephone band) then fractional decimation, in 20 ms frames.

function lowpass(inRate, cutoffHz, transitionHz) {
  let n = Math.ceil(3.3 * inRate / transitionHz);
  if (n % 2 === 0) n += 1;
  const fc = cutoffHz / inRate;
  const mid = (n - 1) / 2;
  const taps = new Float32Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const x = k - mid;
    const sinc = x === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
    taps[k] = sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * k) / (n - 1)));
    sum += taps[k];
  }
  for (let k = 0; k < n; k++) taps[k] /= sum; // unity gain at DC
  return taps;
}

export class Downsampler {
  constructor(inRate, outRate = 8000, frameMs = 20) {
    if (!(inRate >= outRate)) throw new Error(`cannot downsample ${inRate} Hz to ${outRate} Hz`);
    this.ratio = inRate / outRate;
    this.taps = inRate === outRate ? new Float32Array([1]) : lowpass(inRate, 3400, Math.min(600, inRate / 2 - 3400));
    this.history = this.taps.length - 1;
    this.buf = new Float32Array(this.history); // zeros before the first sample
    this.pos = this.history;
    this.frame = new Int16Array((outRate * frameMs) / 1000);
    this.filled = 0;
  }

  fir(i) {
    const t = this.taps;
    const b = this.buf;
    let acc = 0;
    for (let k = 0; k < t.length; k++) acc += t[k] * b[i - k];
    return acc;
  }

  // Feed Float32 samples in [-1, 1]; returns complete 20 ms frames (Int16Array each, 160 samples at 8 kHz).
  push(input) {
    const merged = new Float32Array(this.buf.length + input.length);
    merged.set(this.buf);
    merged.set(input, this.buf.length);
    this.buf = merged;
    const frames = [];
    while (Math.floor(this.pos) + 1 < this.buf.length) {
      const i = Math.floor(this.pos);
      const f = this.pos - i;
      const y = f === 0 ? this.fir(i) : (1 - f) * this.fir(i) + f * this.fir(i + 1);
      this.frame[this.filled++] = Math.max(-32768, Math.min(32767, Math.round(y * 32767)));
      if (this.filled === this.frame.length) {
        frames.push(this.frame);
        this.frame = new Int16Array(this.frame.length);
        this.filled = 0;
      }
      this.pos += this.ratio;
    }
    const drop = Math.floor(this.pos) - this.history;
    if (drop > 0) {
      this.buf = this.buf.slice(drop);
      this.pos -= drop;
    }
    return frames;
  }
}
