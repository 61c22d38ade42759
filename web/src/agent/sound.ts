// A short beep for new offers, made with the Web Audio API so no sound file is
// needed. Browsers block audio until the page has had a user gesture; then
// this stays silent, which is fine: the tab and the title still show the offer.

type AudioContextCtor = typeof AudioContext;

let ctx: AudioContext | undefined;

/** beep plays two short tones; it never throws. */
export function beep(): void {
  try {
    const Ctor: AudioContextCtor | undefined =
      globalThis.AudioContext ?? (globalThis as unknown as { webkitAudioContext?: AudioContextCtor }).webkitAudioContext;
    if (!Ctor) return;
    ctx ??= new Ctor();
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    const start = ctx.currentTime;
    for (const [i, freq] of [880, 1175].entries()) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const t = start + i * 0.16;
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.15, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.14);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.15);
    }
  } catch {
    // Audio is a nicety; the offer tab and the title carry the news.
  }
}
