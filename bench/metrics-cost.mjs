// What metrics cost the hub's fan-out, in-process and without sockets:
//   node metrics-cost.mjs off|on   (run each a few times, alternating, pinned: taskset -c 0)
// 2,000 subscribers on one channel, bursts of 200 events (one per event-loop turn),
// written to outputs that only touch the bytes. Without the socket writes that
// dominate a real fan-out, this is the framework's own CPU per event and
// subscriber: the upper bound of what metering adds. `on` meters every stream
// (the counting output of sse/monitor) and times every fan-out into a
// prom-client histogram, as SseMetricsModule does. Prints the median and best
// CPU time of a burst (the first two bursts are warm-up).
import client from 'prom-client';
import { SseHub } from '../dist/sse/hub/hub.js';
import { MemoryTransport } from '../dist/sse/hub/memory-transport.js';
import { SSE_ATTACH } from '../dist/common/sse-attach.js';
import { SSE_DEFAULTS } from '../dist/sse/options.js';
import { SseMonitor } from '../dist/sse/monitor/sse-monitor.js';

const SUBSCRIBERS = 2000;
const EVENTS = 200;
const BURSTS = 12;
const mode = process.argv[2] === 'on' ? 'on' : 'off';
const limits = { ...SSE_DEFAULTS, heartbeat: false };
const host = { opened() {}, closed() {}, addBuffered() {}, overBudget: () => false, countSlowDrop() {}, encode() {} };
let sink = 0;

class TouchOutput {
  willDrain = false;
  write(events) {
    for (const event of events) sink += event.framed.length;
  }
  get backlog() {
    return 0;
  }
  onDrain() {
    return () => undefined;
  }
  end() {}
  destroy() {}
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
const hub = new SseHub(new MemoryTransport());
await hub.start();
const monitor = new SseMonitor();
if (mode === 'on') {
  const histogram = new client.Histogram({ name: 'cost_seconds', help: 'cost', registers: [new client.Registry()] });
  monitor.onDelivery((seconds) => histogram.observe(seconds));
  monitor.watchHub(hub);
}
for (let i = 0; i < SUBSCRIBERS; i++) {
  const session = hub.subscribe('bench')[SSE_ATTACH]();
  session.attach(mode === 'on' ? monitor.meter(new TouchOutput(), '/sse') : new TouchOutput(), limits, host);
  if (mode === 'on') monitor.opened(session, '/sse', {});
}

const cpu = [];
for (let b = 0; b < BURSTS; b++) {
  const start = process.cpuUsage();
  for (let i = 0; i < EVENTS; i++) {
    await hub.publish('bench', { data: `t=${i} b=${b} payload` });
    await turn();
  }
  const expected = (b + 1) * EVENTS * SUBSCRIBERS;
  while (hub.stats().delivered < expected) await turn();
  const used = process.cpuUsage(start);
  cpu.push((used.user + used.system) / 1000);
}
const measured = cpu.slice(2).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    mode,
    subscribers: SUBSCRIBERS,
    events: EVENTS,
    medianCpuMs: +measured[measured.length >> 1].toFixed(1),
    bestCpuMs: +measured[0].toFixed(1),
    bytesTouched: sink,
  }),
);
