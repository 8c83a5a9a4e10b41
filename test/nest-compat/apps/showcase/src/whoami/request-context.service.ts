import { Inject, Injectable, REQUEST, Scope } from 'streamnest';
import type { Request } from 'express';

@Injectable({ scope: Scope.REQUEST })
export class RequestContext {
  constructor(@Inject(REQUEST) private readonly request: Request) {}

  get agent(): string {
    return this.request.get('x-agent') ?? 'unknown';
  }
}
