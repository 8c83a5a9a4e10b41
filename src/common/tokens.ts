/**
 * Tokens with a meaning of their own, named and spelled as in NestJS.
 *
 * A provider for one of the APP_* tokens is a global enhancer, created by the
 * container with its dependencies: `{ provide: APP_GUARD, useClass: AuthGuard }`.
 * Any number of them may be declared, in any module.
 */
export const APP_GUARD = 'APP_GUARD';
export const APP_INTERCEPTOR = 'APP_INTERCEPTOR';
export const APP_PIPE = 'APP_PIPE';
export const APP_FILTER = 'APP_FILTER';

/** The current request, for request-scoped providers: `@Inject(REQUEST) request`. */
export const REQUEST = 'REQUEST';
/** The class a transient provider is being created for. */
export const INQUIRER = 'INQUIRER';

export const APP_ENHANCER_TOKENS: ReadonlySet<unknown> = new Set([APP_GUARD, APP_INTERCEPTOR, APP_PIPE, APP_FILTER]);
