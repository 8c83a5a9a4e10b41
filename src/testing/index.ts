/// <reference types="node" preserve="true" />
/** streamnest/testing: the testing module (as @nestjs/testing) and an SSE test client. */
export {
  Test,
  TestingModule,
  TestingModuleBuilder,
  type OverrideBy,
  type OverrideModule,
  type MockFactory,
  type OverrideByFactoryOptions,
  type TestingModuleOptions,
} from './testing-module.js';
export { SseTestClient, type ReceivedEvent, type SseTestClientOptions } from './sse-client.js';
