import { Browser, chromium, Page } from "@playwright/test";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { chromiumArgs } from "../playwright.config";

/**
 * Chromium for journeys with real audio: WebRTC may use the loopback interface (the server's media
 * port is on 127.0.0.1, and test traffic never leaves it), and pages may play sound without a gesture.
 * Each party's microphone is a tone of its own (see `connectWithTone`), not Chromium's fake device.
 */
export const audioLaunch = {
  executablePath: "/usr/bin/chromium",
  args: [...chromiumArgs, "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required"],
};

/** What a page hears: the level, in dB, of the strongest frequency within 20 Hz of each asked one. */
export type Levels = Record<number, number>;

/**
 * Opens an audio connection from the page to `path` (which answers the SDP offer) with a microphone
 * that plays a sine at `hz`, and starts listening to what comes back. Afterwards
 * `levels(page, [hz…])` reads what the page hears.
 */
export async function connectWithTone(page: Page, path: string, hz: number): Promise<void> {
  await page.evaluate(
    async ({ path, hz }) => {
      const context = new AudioContext();
      const tone = context.createOscillator();
      tone.frequency.value = hz;
      const microphone = context.createMediaStreamDestination();
      tone.connect(microphone);
      tone.start();
      const connection = new RTCPeerConnection();
      connection.addTrack(microphone.stream.getAudioTracks()[0], microphone.stream);
      const remote = new Promise<MediaStream>((resolve) => {
        connection.ontrack = (e) => resolve(e.streams[0] ?? new MediaStream([e.track]));
      });
      await connection.setLocalDescription(await connection.createOffer());
      const answer = await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sdp: connection.localDescription!.sdp }),
      });
      if (answer.status !== 201) throw new Error(`${path} answered ${answer.status}: ${await answer.text()}`);
      await connection.setRemoteDescription({ type: "answer", sdp: (await answer.json()).sdp });
      const stream = await remote;
      // Chromium hands a remote stream's samples to Web Audio only while a media element plays it.
      const sink = new Audio();
      sink.muted = true;
      sink.srcObject = stream;
      await sink.play();
      const analyser = context.createAnalyser();
      analyser.fftSize = 8192;
      context.createMediaStreamSource(stream).connect(analyser);
      const w = window as unknown as Record<string, unknown>;
      w.__hovorAudio = { context, analyser, connection, sink };
    },
    { path, hz },
  );
}

export async function levels(page: Page, frequencies: number[]): Promise<Levels> {
  return page.evaluate((frequencies) => {
    const { context, analyser } = (window as unknown as { __hovorAudio: { context: AudioContext; analyser: AnalyserNode } })
      .__hovorAudio;
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    const width = context.sampleRate / analyser.fftSize;
    const result: Record<number, number> = {};
    for (const hz of frequencies) {
      const from = Math.max(0, Math.floor((hz - 20) / width));
      const to = Math.min(bins.length - 1, Math.ceil((hz + 20) / width));
      result[hz] = Math.max(...Array.from(bins.slice(from, to + 1)));
    }
    return result;
  }, frequencies);
}

/** Packets received on the page's audio connection so far. */
export async function packetsReceived(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const { connection } = (window as unknown as { __hovorAudio: { connection: RTCPeerConnection } }).__hovorAudio;
    let packets = 0;
    (await connection.getStats()).forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "audio") packets += s.packetsReceived;
    });
    return packets;
  });
}

/**
 * Chromium whose microphone is a sine at `hz`, as a WAV file Chromium loops: for pages that open
 * their own audio (the desk, the phone page), where `connectWithTone` cannot put the tone in.
 */
export function launchWithMicrophone(hz: number) {
  mkdirSync("artifacts", { recursive: true });
  const file = resolve(`artifacts/tone-${hz}.wav`);
  writeFileSync(file, sineWav(hz, 5));
  return {
    ...audioLaunch,
    args: [
      ...audioLaunch.args,
      "--use-fake-device-for-media-stream",
      "--use-fake-ui-for-media-stream",
      `--use-file-for-fake-audio-capture=${file}`,
    ],
  };
}

/** `seconds` of a sine at `hz`, 48 kHz mono 16-bit PCM, in a WAV container. */
function sineWav(hz: number, seconds: number): Buffer {
  const rate = 48_000;
  const samples = rate * seconds;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write("RIFF", 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write("WAVEfmt ", 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write("data", 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    wav.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 12_000), 44 + i * 2);
  }
  return wav;
}

/**
 * Before any of the page's scripts: every audio connection the page opens is kept, and whatever it
 * receives becomes what `levels` and `packetsReceived` read.
 */
export async function overhearConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const w = window as unknown as Record<string, unknown>;
    class Overheard extends Native {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        this.addEventListener("track", (e) => {
          const stream = e.streams[0] ?? new MediaStream([e.track]);
          const context = new AudioContext();
          const sink = new Audio();
          sink.muted = true;
          sink.srcObject = stream;
          void sink.play();
          const analyser = context.createAnalyser();
          analyser.fftSize = 8192;
          context.createMediaStreamSource(stream).connect(analyser);
          w.__hovorAudio = { context, analyser, connection: this, sink };
        });
      }
    }
    window.RTCPeerConnection = Overheard;
  });
}

/**
 * The parties of a call, each in a Chromium of its own whose microphone plays its own tone, with
 * what each page throws kept (a broken page shows only as a silent one).
 */
export class Parties {
  private browsers: Browser[] = [];
  readonly errors = new Map<Page, string[]>();

  async open(hz: number): Promise<Page> {
    const browser = await chromium.launch(launchWithMicrophone(hz));
    this.browsers.push(browser);
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    this.errors.set(page, []);
    page.on("pageerror", (e) => this.errors.get(page)!.push(e.message));
    await overhearConnections(page);
    return page;
  }

  async close(): Promise<void> {
    await Promise.all(this.browsers.map((b) => b.close()));
  }
}

/** Whether the page hears `hz` clearly above `other` (both tones' levels in dB). */
export async function hears(page: Page, hz: number, other: number): Promise<boolean> {
  const heard = await levels(page, [hz, other]);
  return heard[hz] > -45 && heard[hz] > heard[other] + 20;
}

/** Whether the page hears `hz` hardly at all. */
export async function silentAt(page: Page, hz: number): Promise<boolean> {
  return (await levels(page, [hz]))[hz] < -60;
}

/** The notes of the hold tune (scripts/make-music.sh), apart from every party's tone. */
const HOLD_NOTES = [220, 294, 370, 494, 587];

/** Whether the page hears the hold tune and not the party at `not`. */
export async function hearsHoldMusic(page: Page, not: number): Promise<boolean> {
  const heard = await levels(page, [...HOLD_NOTES, not]);
  return Math.max(...HOLD_NOTES.map((hz) => heard[hz])) > -50 && heard[not] < -60;
}
