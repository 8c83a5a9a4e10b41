import { Module } from 'streamnest';
import { BearerGuard } from './bearer.guard.js';
import { CHAT_OPTIONS, type ChatOptions } from './chat-options.js';
import { ChatController } from './chat.controller.js';
import { ChatLog } from './chat-log.js';

/** The LLM-style streaming example: POST /chat behind a Bearer token, and a page that streams and stops it. */
export function llmStreamModule(options: ChatOptions) {
  @Module({
    controllers: [ChatController],
    providers: [ChatLog, BearerGuard, { provide: CHAT_OPTIONS, useValue: options }],
  })
  class LlmStreamModule {}
  return LlmStreamModule;
}
