import { timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from 'streamnest';
import { CHAT_OPTIONS, type ChatOptions } from './chat-options.js';

/**
 * Lets a request through only with `Authorization: Bearer <the app's token>`;
 * anything else is a JSON 401 before any stream starts, which streamnest/client
 * reports once (code http-status, status 401) and never retries.
 */
@Injectable()
export class BearerGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(CHAT_OPTIONS) options: ChatOptions) {
    this.expected = Buffer.from(`Bearer ${options.token}`);
  }

  canActivate(context: ExecutionContext): boolean {
    const given = Buffer.from(String(context.switchToHttp().getRequest().headers.authorization ?? ''));
    if (given.length !== this.expected.length || !timingSafeEqual(given, this.expected)) throw new UnauthorizedException();
    return true;
  }
}
