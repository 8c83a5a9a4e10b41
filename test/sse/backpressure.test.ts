import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Controller, getSSEStream, Sse } from 'streamnest';
import { runtimeSkip } from '../runtimes/skips.js';
import { startApp } from '../support/app.js';
import { eventually } from '../support/sse-reader.js';

const LIMIT = 256 * 1024;
const report = { falses: 0, writes: 0, cancelReason: undefined as unknown, stopped: false };

@Controller()
class FloodController {
  /** Writes 8 KiB events as fast as the loop allows, until the framework stops it. */
  @Sse('flood', { maxBufferedBytes: LIMIT, highWaterMark: 32 * 1024, heartbeat: false })
  flood() {
    const chunk = 'x'.repeat(8 * 1024);
    let timer: NodeJS.Immediate;
    const { write, body } = getSSEStream({
      cancel(reason) {
        report.cancelReason = reason;
        report.stopped = true;
        clearImmediate(timer);
      },
    });
    const pump = () => {
      for (let i = 0; i < 16 && !report.stopped; i++) {
        report.writes++;
        if (!write({ data: chunk })) report.falses++;
      }
      if (!report.stopped) timer = setImmediate(pump);
    };
    timer = setImmediate(pump);
    return body;
  }
}

test(
  'a reader that never reads is dropped past the unsent-bytes limit; memory stays bounded',
  runtimeSkip('sse: a reader that never reads is dropped past the unsent-bytes limit'),
  async (t) => {
    const { app, url, close } = await startApp({ controllers: [FloodController] });
    t.after(close);
    const { port } = new URL(url);
    const socket = net.connect(Number(port), '127.0.0.1');
    t.after(() => socket.destroy());
    // Ask for the stream, then never read: the kernel buffers fill, then ours.
    socket.write('GET /flood HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    socket.pause();
    await eventually(() => report.stopped, 20_000, 'the slow client to be dropped');
    assert.equal(report.cancelReason, 'slow');
    assert.ok(report.falses > 0, 'write returned false above the high-water mark before the drop');
    assert.equal(app.getSseStats().droppedSlow, 1);
    assert.equal(app.getSseStats().open, 0);
  },
);
