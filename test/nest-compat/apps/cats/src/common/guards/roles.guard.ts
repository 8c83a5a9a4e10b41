import { CanActivate, ExecutionContext, Injectable, Reflector } from 'streamnest';
import type { IncomingMessage } from 'http';
import { ROLES_KEY } from '../decorators/roles.decorator';

/** Lets a request through when the route needs no role, or when the `x-roles` header names one it needs. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.get<string[]>(ROLES_KEY, context.getHandler());
    if (!roles) {
      return true;
    }
    const request = context.switchToHttp().getRequest<IncomingMessage>();
    const header = request.headers['x-roles'];
    const userRoles = typeof header === 'string' ? header.split(',').map((role) => role.trim()) : [];
    return roles.some((role) => userRoles.includes(role));
  }
}
