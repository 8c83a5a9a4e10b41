import type { VersionOptions } from './version.decorator.js';

/** Where a request names its version, as NestJS numbers them. */
export enum VersioningType {
  /** In the path: `/v1/cats` (after the global prefix, before the controller's path). */
  URI,
  /** In a request header of your choice: `Custom-Header: 1`. */
  HEADER,
  /** In the Accept header's parameters: `Accept: application/json;v=2`. */
  MEDIA_TYPE,
  /** Wherever your `extractor(request)` finds it. */
  CUSTOM,
}

export interface VersioningCommonOptions {
  /** The version of every controller and route that declares none (VERSION_NEUTRAL and arrays allowed). */
  defaultVersion?: VersionOptions['version'];
}

export interface UriVersioningOptions {
  type: VersioningType.URI;
  /** What comes before the version in the path: `v` by default (`/v1/...`); `false` for none (`/1/...`). */
  prefix?: string | false;
}

export interface HeaderVersioningOptions {
  type: VersioningType.HEADER;
  /** The request header that carries the version, such as `Custom-Header`. */
  header: string;
}

export interface MediaTypeVersioningOptions {
  type: VersioningType.MEDIA_TYPE;
  /** The key and separator of the version in the Accept header's parameters: `v=` for `application/json;v=2`. */
  key: string;
}

export interface CustomVersioningOptions {
  type: VersioningType.CUSTOM;
  /**
   * The version(s) a request asks for. An array lists the acceptable versions
   * from the most wanted (usually the highest) down: the first one a route
   * answers wins.
   */
  extractor: (request: any) => string | string[];
}

/** What `app.enableVersioning()` takes, as in NestJS. */
export type VersioningOptions = VersioningCommonOptions &
  (UriVersioningOptions | HeaderVersioningOptions | MediaTypeVersioningOptions | CustomVersioningOptions);
