/**
 * Combines several decorators into one, as NestJS's `applyDecorators`:
 *
 * ```ts
 * export const Auth = (...roles: string[]) => applyDecorators(SetMetadata('roles', roles), UseGuards(AuthGuard, RolesGuard));
 * ```
 *
 * The decorators run in the order given. On a class each gets the class alone;
 * on a method each gets the prototype, the name and the descriptor.
 */
export function applyDecorators(...decorators: Array<ClassDecorator | MethodDecorator | PropertyDecorator>) {
  return <TFunction extends Function, Y>(target: TFunction | object, propertyKey?: string | symbol, descriptor?: TypedPropertyDescriptor<Y>): void => {
    for (const decorator of decorators) {
      if (target instanceof Function && !descriptor) {
        (decorator as ClassDecorator)(target);
        continue;
      }
      (decorator as MethodDecorator | PropertyDecorator)(target, propertyKey!, descriptor!);
    }
  };
}
