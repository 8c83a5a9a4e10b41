// The servers under test: name (for --servers), compiled file in build/servers/,
// whether it serves the JSON GET benchmark, and the label in the table. An
// `anchor` is not Node: its file is a wrapper that runs nginx + nchan or the Go
// hub, which lib/anchors.mjs finds (or builds) first; one that is not installed
// is skipped with the reason.
export const SERVERS = [
  { name: 'raw', file: 'raw', json: true, label: 'raw node:http' },
  { name: 'streamnest', file: 'streamnest-per-client', json: true, label: 'streamnest (per-client streams: getSSEStream + Set)' },
  { name: 'streamnest-hub', file: 'streamnest-hub', json: false, label: 'streamnest (SseHub)' },
  // The same hub app with SseMetricsModule (prom-client): metrics on, for the cost of metering side by side.
  { name: 'streamnest-hub-metrics', file: 'streamnest-hub-metrics', json: false, label: 'streamnest (SseHub, metrics on)' },
  { name: 'better-sse', file: 'better-sse', json: false, label: 'better-sse Channel' },
  { name: 'hono', file: 'hono', json: true, label: 'Hono streamSSE (@hono/node-server)' },
  { name: 'fastify', file: 'fastify', json: true, label: 'Fastify + @fastify/sse' },
  { name: 'nest-express', file: 'nest-express', json: true, label: 'NestJS @Sse + Subject (Express)' },
  { name: 'nest-fastify', file: 'nest-fastify', json: true, label: 'NestJS @Sse + Subject (Fastify)' },
  {
    name: 'nchan',
    file: 'nchan',
    json: false,
    anchor: 'nchan',
    label: `anchor: nginx + nchan (C, ${process.env.NCHAN_WORKERS ?? 1} worker${(process.env.NCHAN_WORKERS ?? '1') === '1' ? '' : 's'})`,
  },
  { name: 'go-hub', file: 'go-hub', json: false, anchor: 'go-hub', label: `anchor: Go net/http hub (GOMAXPROCS=${process.env.GO_HUB_MAXPROCS ?? 1})` },
];
