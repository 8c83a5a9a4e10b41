import { Injectable } from 'streamnest';

/** What the logging interceptor saw, for the tests to read. */
@Injectable()
export class LogStore {
  readonly lines: string[] = [];
}
