import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Reflector, UnauthorizedException } from 'streamnest';
import { IS_PUBLIC_KEY } from './public.decorator';
import { Roles } from './roles.decorator';

const TOKENS: Record<string, { name: string; roles: string[] }> = {
  'admin-token': { name: 'ada', roles: ['admin'] },
  'user-token': { name: 'bob', roles: ['user'] },
};

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest();
    const [type, token] = (request.headers.authorization ?? '').split(' ');
    const user = type === 'Bearer' ? TOKENS[token] : undefined;
    if (!user) throw new UnauthorizedException();
    request.user = user;
    const roles = this.reflector.get(Roles, context.getHandler());
    if (roles && !roles.some((role) => user.roles.includes(role))) throw new ForbiddenException('Admins only');
    return true;
  }
}
