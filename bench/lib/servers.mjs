// The servers under test: name (for --servers), compiled file in build/servers/,
// whether it serves the JSON GET benchmark, and the label in the table.
export const SERVERS = [
  { name: 'raw', file: 'raw', json: true, label: 'raw node:http' },
  { name: 'streamnest', file: 'streamnest-per-client', json: true, label: 'streamnest (per-client streams: getSSEStream + Set)' },
  { name: 'streamnest-hub', file: 'streamnest-hub', json: false, label: 'streamnest (SseHub)' },
  { name: 'better-sse', file: 'better-sse', json: false, label: 'better-sse Channel' },
  { name: 'hono', file: 'hono', json: true, label: 'Hono streamSSE (@hono/node-server)' },
  { name: 'fastify', file: 'fastify', json: true, label: 'Fastify + @fastify/sse' },
  { name: 'nest-express', file: 'nest-express', json: true, label: 'NestJS @Sse + Subject (Express)' },
  { name: 'nest-fastify', file: 'nest-fastify', json: true, label: 'NestJS @Sse + Subject (Fastify)' },
];
