import { Injectable } from './injectable.decorator.js';
import type { Type } from './types.js';

let counter = 0;

/**
 * Marks a class made inside a function (a guard configured by its argument,
 * say) as injectable, with a name of its own so the container keeps each
 * configured class apart, as NestJS's `mixin()` does.
 */
export function mixin<T>(type: Type<T>): Type<T> {
  Object.defineProperty(type, 'name', { value: `${type.name || 'Mixin'}#${++counter}` });
  Injectable()(type);
  return type;
}
