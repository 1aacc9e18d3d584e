// Recording a voice note: the microphone through MediaRecorder (Opus in WebM, as the gateway takes it), the time it
// runs, and when it stops, the note's duration and waveform as its message carries them.

import { waveformOf } from "./store.js";

const TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus"];
const LEVEL_EVERY_MS = 50;
const TICK_MS = 200;

/**
 * Starts recording from the microphone (the browser asks the user once). onTick(elapsedMs) runs a few times a second;
 * onLimit runs once the recording reaches maxMs. Resolves to { finish, cancel }: finish() stops and resolves to the note
 * ({ blob, contentType, durationMs, waveform }), cancel() stops and drops it. Rejects when there is no microphone or
 * the user refuses it.
 */
export async function startRecording({ onTick, onLimit, maxMs }) {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const mimeType = TYPES.find(type => MediaRecorder.isTypeSupported(type)) ?? "";
  const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
  const parts = [];
  recorder.ondataavailable = event => { if (event.data.size > 0) parts.push(event.data); };
  const stopped = new Promise(resolve => { recorder.onstop = resolve; });

  // The loudness while recording, kept in case the finished recording cannot be decoded for its waveform.
  const audio = new AudioContext();
  const analyser = audio.createAnalyser();
  analyser.fftSize = 1024;
  audio.createMediaStreamSource(stream).connect(analyser);
  const frame = new Float32Array(analyser.fftSize);
  const levels = [];
  const sampling = setInterval(() => {
    analyser.getFloatTimeDomainData(frame);
    levels.push(Math.sqrt(frame.reduce((sum, sample) => sum + sample * sample, 0) / frame.length));
  }, LEVEL_EVERY_MS);

  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let limitReached = false;
  const ticking = setInterval(() => {
    onTick(elapsed());
    if (!limitReached && elapsed() >= maxMs) {
      limitReached = true;
      onLimit();
    }
  }, TICK_MS);
  recorder.start(1000); // a part each second, so a long recording is not one buffer held to the end

  async function stop() {
    const durationMs = Math.min(elapsed(), maxMs);
    clearInterval(ticking);
    clearInterval(sampling);
    if (recorder.state !== "inactive") recorder.stop();
    await stopped;
    stream.getTracks().forEach(track => track.stop());
    return durationMs;
  }

  return {
    async finish() {
      const measuredMs = await stop();
      const blob = new Blob(parts, { type: recorder.mimeType || "audio/webm" });
      let waveform;
      let durationMs = measuredMs;
      try {
        const decoded = await audio.decodeAudioData(await blob.arrayBuffer());
        waveform = waveformOf(decoded.getChannelData(0));
        if (decoded.duration > 0) durationMs = decoded.duration * 1000;
      } catch {
        waveform = waveformOf(levels);
      } finally {
        audio.close();
      }
      return {
        blob,
        contentType: blob.type,
        durationMs: Math.max(1, Math.min(Math.round(durationMs), maxMs)),
        waveform,
      };
    },
    async cancel() {
      await stop();
      audio.close();
    },
  };
}
