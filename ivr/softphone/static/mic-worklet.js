// Why: runs on the audio thread so the microphone is downsampled to 8 kHz without stutter from the page's UI work.
import { Downsampler } from "./downsample.js";

class MicDownsampler extends AudioWorkletProcessor {
  constructor() {
    super();
    this.down = new Downsampler(sampleRate, 8000, 20);
  }

  process(inputs) {
    const input = inputs[0];
    if (input && input.length > 0) {
      for (const frame of this.down.push(input[0])) this.port.postMessage(frame.buffer, [frame.buffer]);
    }
    return true;
  }
}

registerProcessor("mic-downsampler", MicDownsampler);
