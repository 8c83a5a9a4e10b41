import { Module, SseModule, type SseTransport } from 'streamnest';
import { ChatController } from './chat.controller.js';

/** The hub example's module: the transport is memory by default, or Redis when given. */
export function chatModule(transport?: SseTransport) {
  @Module({ imports: [SseModule.forRoot({ transport, statsPath: '/stats' })], controllers: [ChatController] })
  class ChatModule {}
  return ChatModule;
}
