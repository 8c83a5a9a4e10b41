import assert from 'node:assert/strict';
import { type ArgumentsHost, BaseExceptionFilter, Catch, StreamnestError } from 'streamnest';

/** Asserts a coded streamnest error: its code, its class (TypeError or not), a message led by the code, and what it says. */
export function assertCoded(error: unknown, code: string, type: 'TypeError' | 'Error', ...says: RegExp[]): void {
  assert.ok(error instanceof StreamnestError, `expected a StreamnestError, got ${String(error)}`);
  assert.equal(error.code, code);
  assert.equal(error instanceof TypeError, type === 'TypeError', `${code} should ${type === 'TypeError' ? '' : 'not '}be a TypeError`);
  assert.ok(error.message.startsWith(`${code}: `), error.message);
  for (const pattern of says) assert.match(error.message, pattern);
}

/** What `fn` throws; fails the test if it throws nothing. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return assert.fail('expected a throw');
}

/** What `promise` rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return assert.fail('expected a rejection');
}

/**
 * A global exception filter that notes every exception reaching the filters,
 * then answers as the framework would: how a test sees the coded error behind
 * a 500 the client gets. `caught` fills as requests fail.
 */
export function notingFilter(): { filter: BaseExceptionFilter; caught: unknown[] } {
  const caught: unknown[] = [];
  @Catch()
  class Noting extends BaseExceptionFilter {
    override catch(exception: unknown, host: ArgumentsHost) {
      caught.push(exception);
      super.catch(exception, host);
    }
  }
  return { filter: new Noting(), caught };
}
