import { Errors } from '../errors.js';
import { META } from '../common/metadata-keys.js';
import type { Request } from '../common/interfaces.js';
import type { Type } from '../common/types.js';
import type { ControllerMetadata } from '../common/controller.decorator.js';
import { checkVersion, VERSION_NEUTRAL, type VersionValue } from '../common/version.decorator.js';
import { VersioningType, type VersioningOptions } from '../common/versioning-options.js';
import { printable } from '../common/describe.js';

/**
 * Versioning, as `app.enableVersioning()` set it, resolved once at start-up.
 *
 * A route's version is its own `@Version()`, else its controller's, else the
 * default. URI versioning puts it in the path (`/v1/cats`), so the router
 * needs nothing more. The other types register one route path with one
 * handler per version, told apart by a find-my-way constraint strategy
 * (`version`) that reads the request's version once per lookup. Apps without
 * them never derive anything.
 */
export class Versioning {
  /** With URI versioning: what comes before the version in the path (`v`). */
  readonly uriPrefix: string;
  /** With header, media type or custom versioning: the router's constraint. */
  readonly constraint: VersionConstraint | undefined;
  private readonly defaultVersion: VersionValue | undefined;

  constructor(readonly options: VersioningOptions) {
    if (options === null || typeof options !== 'object')
      throw Errors.INVALID_VERSIONING(`give options such as { type: VersioningType.URI }, got ${String(options)}`);
    if (typeof options.type !== 'number' || VersioningType[options.type] === undefined) {
      throw Errors.INVALID_VERSIONING(`type must be VersioningType.URI, HEADER, MEDIA_TYPE or CUSTOM, got ${String(options.type)}`);
    }
    this.defaultVersion = options.defaultVersion === undefined ? undefined : checkVersion(options.defaultVersion, 'app.enableVersioning({ defaultVersion })');
    this.uriPrefix = '';
    this.constraint = undefined;
    switch (options.type) {
      case VersioningType.URI:
        if (options.prefix !== undefined && options.prefix !== false && (typeof options.prefix !== 'string' || /[\s/?#%\\]/.test(options.prefix))) {
          throw Errors.INVALID_VERSIONING(`prefix must be a string without spaces, '/', '?', '#', '%' or '\\', or false, got ${String(options.prefix)}`);
        }
        this.uriPrefix = options.prefix === false ? '' : (options.prefix ?? 'v');
        break;
      case VersioningType.HEADER: {
        if (typeof options.header !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(options.header)) {
          throw Errors.INVALID_VERSIONING(`header must be a request header name such as 'Custom-Header', got ${String(options.header)}`);
        }
        const header = options.header.toLowerCase();
        this.constraint = versionConstraint((req) => {
          const value = req.headers[header];
          return value === undefined ? NO_VERSION : value;
        });
        break;
      }
      case VersioningType.MEDIA_TYPE: {
        if (typeof options.key !== 'string' || options.key === '')
          throw Errors.INVALID_VERSIONING(`key must be a non-empty string such as 'v=', got ${String(options.key)}`);
        const key = options.key;
        // As NestJS reads it: the first parameter of Accept, and what follows the key in it.
        this.constraint = versionConstraint((req) => {
          const parameter = req.headers.accept?.split(';')[1];
          return parameter === undefined ? NO_VERSION : parameter.split(key)[1];
        });
        break;
      }
      case VersioningType.CUSTOM: {
        if (typeof options.extractor !== 'function') throw Errors.INVALID_VERSIONING('extractor must be a function (request) => string | string[]');
        const extractor = options.extractor;
        this.constraint = versionConstraint((req) => extractor(req));
        break;
      }
    }
  }

  /** The version a route answers: its own @Version(), else its controller's, else the default; undefined when none. */
  versionOf(controller: Type, handler: string | symbol): VersionValue | undefined {
    return this.routeVersion(controller, Reflect.getMetadata(META.version, controller.prototype, handler));
  }

  /** The same, for a route whose own version is already known. */
  routeVersion(controller: Type, own: VersionValue | undefined): VersionValue | undefined {
    if (own !== undefined) return own;
    const meta = Reflect.getOwnMetadata(META.controller, controller) as ControllerMetadata | undefined;
    return meta?.version ?? this.defaultVersion;
  }

  get isUri(): boolean {
    return this.options.type === VersioningType.URI;
  }
}

/**
 * The constraint value of a request that names no version (no header, no
 * parameter in Accept). A route whose versions include VERSION_NEUTRAL answers
 * it; a route that is VERSION_NEUTRAL alone has no constraint and answers
 * every request, as in NestJS.
 */
export const NO_VERSION = Symbol('no version');

/** A version as find-my-way stores it: one string, or NO_VERSION. */
export type VersionKey = string | typeof NO_VERSION;

export interface VersionConstraint {
  /** The find-my-way strategy, named `version` (it replaces find-my-way's semver one). */
  strategy: {
    name: 'version';
    mustMatchWhenDerived: false;
    storage(): { get(value: unknown): unknown; set(value: VersionKey, store: unknown): void };
    deriveConstraint(req: Request): unknown;
    validate(value: unknown): void;
  };
  /** The constraints of a request, for `router.find()`. May throw (a custom extractor's error). */
  derive(req: Request): { version: unknown };
}

function versionConstraint(read: (req: Request & { headers: Record<string, any> }) => unknown): VersionConstraint {
  const derive = (req: Request) => {
    const value = read(req as Request & { headers: Record<string, any> });
    return { version: typeof value === 'string' || Array.isArray(value) || value === NO_VERSION ? value : undefined };
  };
  return {
    strategy: {
      name: 'version',
      mustMatchWhenDerived: false,
      storage() {
        const byVersion = new Map<unknown, unknown>();
        return {
          // A request may accept several versions, most wanted first: the first one this path serves wins.
          get(value) {
            if (!Array.isArray(value)) return byVersion.get(value) ?? null;
            for (const v of value) if (byVersion.has(v)) return byVersion.get(v);
            return null;
          },
          set(value, store) {
            byVersion.set(value, store);
          },
        };
      },
      deriveConstraint: (req) => derive(req).version,
      validate(value) {
        if (typeof value !== 'string' && value !== NO_VERSION) throw Errors.INVALID_VERSION('a route version constraint', printable(value));
      },
    },
    derive,
  };
}

/** The find-my-way constraint keys of a route's version, for header, media type and custom versioning; `[]` when it needs none. */
export function versionKeys(version: VersionValue): VersionKey[] {
  if (version === VERSION_NEUTRAL) return [];
  const list = Array.isArray(version) ? version : [version];
  return list.map((v) => (v === VERSION_NEUTRAL ? NO_VERSION : v));
}
