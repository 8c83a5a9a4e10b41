import { Injectable, NestMiddleware } from 'streamnest';
import type { NextFunction, Request, Response } from 'express';

@Injectable()
export class IdGenerator {
  private next = 0;
  make() {
    return `req-${++this.next}`;
  }
}

@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  constructor(private readonly ids: IdGenerator) {}

  use(req: Request, res: Response, next: NextFunction) {
    res.setHeader('x-request-id', this.ids.make());
    next();
  }
}

export function poweredBy(req: Request, res: Response, next: NextFunction) {
  res.setHeader('x-powered-by', 'showcase');
  next();
}
