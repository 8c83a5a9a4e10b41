/**
 * HTTP methods as NestJS numbers them (`RequestMethod.GET === 0`), for code that
 * ports Nest's middleware configuration or route metadata. The order is Nest's and must not change.
 */
export enum RequestMethod {
  GET = 0,
  POST,
  PUT,
  DELETE,
  PATCH,
  ALL,
  OPTIONS,
  HEAD,
  SEARCH,
  PROPFIND,
  PROPPATCH,
  MKCOL,
  COPY,
  MOVE,
  LOCK,
  UNLOCK,
  QUERY,
}
