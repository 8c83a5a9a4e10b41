/**
 * streamnest, hub path: `SseModule.forRoot()` + `SseHub` (see hub-app.ts): a
 * broadcast encodes once and writes the same bytes to every session.
 */
import { startHubBench } from './hub-app.js';

await startHubBench('streamnest-hub');
