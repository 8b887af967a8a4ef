import { Page } from "@playwright/test";
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
