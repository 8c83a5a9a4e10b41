/**
 * A response that takes a handler's whole answer, body and default type, in
 * one call: the web engine's. Node's response builds its head as bytes, so
 * `respond` hands it a Content-Length and its headers in one `writeHead`; a
 * web response's head is a `Response`'s headers, which cost per header set
 * (on Deno most of all), so it is given what it needs and nothing to check.
 * The headers it ends up with are the same as Node's: the type unless the
 * app set one, the length, and `nosniff`.
 */
export const WHOLE_BODY: unique symbol = Symbol('streamnest.wholeBody');

export interface WholeBody {
  [WHOLE_BODY](body: string | Uint8Array, type: string): void;
}
