/// <reference types="node" preserve="true" />
/** streamnest/nats: the NATS JetStream transport for the SSE hub. Needs the optional peer dependencies `@nats-io/transport-node` and `@nats-io/jetstream`. */
export { NatsJetStreamTransport, type NatsJetStreamTransportOptions, type NatsConnectionLike } from './nats-jetstream-transport.js';
