import { Module } from '../common/module.decorator.js';
import type { DynamicModule, Type } from '../common/types.js';
import type { Container } from '../di/container.js';
import { joinPath } from './router.js';

/** One node of a route tree: a path, the module whose controllers live under it, and nested trees. */
export interface RouteTree {
  path: string;
  module?: Type;
  children?: Array<RouteTree | Type>;
}
export type Routes = RouteTree[];

/** The token RouterModule.register() provides its routes under. */
export const ROUTES = Symbol('ROUTES');

/**
 * Puts whole modules under a path, as NestJS's RouterModule:
 * `RouterModule.register([{ path: 'admin', module: AdminModule, children: [...] }])`
 * makes every route of AdminModule's controllers start with `/admin`.
 */
@Module({})
export class RouterModule {
  static register(routes: Routes): DynamicModule {
    return { module: RouterModule, providers: [{ provide: ROUTES, useValue: routes }] };
  }
}

/** Each controller's module path, from every RouterModule.register() of the app. Read once, at start-up. */
export function modulePaths(container: Container): Map<Type, string> {
  const byModule = new Map<Type, string>();
  const walk = (trees: Array<RouteTree | Type>, parent: string) => {
    for (const tree of trees) {
      // A bare module among children stands under its parent's path.
      const node: RouteTree = typeof tree === 'function' ? { path: '', module: tree } : tree;
      const path = joinPath(parent, node.path ?? '');
      if (node.module) byModule.set(node.module, path);
      walk(node.children ?? [], path);
    }
  };
  for (const routes of container.providersFor(ROUTES) as Routes[]) walk(routes, '');
  const byController = new Map<Type, string>();
  for (const module of container.modules) {
    const path = byModule.get(module.metatype);
    if (path !== undefined) for (const controller of module.controllers) byController.set(controller, path);
  }
  return byController;
}
