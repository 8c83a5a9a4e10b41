import { Injectable, NestMiddleware } from 'streamnest';
import type { ExpressRequest as Request, ExpressResponse as Response } from 'streamnest';

/** Nest's LoggerMiddleware, keeping what it saw so the e2e spec can look. */
@Injectable()
export class LoggerMiddleware implements NestMiddleware {
  static readonly seen: string[] = [];

  use(req: Request, res: Response, next: () => void) {
    LoggerMiddleware.seen.push(`${req.method} ${req.originalUrl}`);
    next();
  }
}
