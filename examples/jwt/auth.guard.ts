import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from 'streamnest';
import { JwtService } from 'streamnest/jwt';

/** What a verified access token carries. */
export interface AccessPayload {
  sub: string;
  username: string;
}

/**
 * NestJS's AuthGuard, as its authentication guide writes it: the Bearer token
 * of the Authorization header, verified, becomes `request.user`. Any failure
 * (no token, a bad signature, an expired token, a wrong algorithm) is a 401,
 * and the reason stays out of the answer.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new UnauthorizedException();
    try {
      request.user = await this.jwt.verifyAsync<AccessPayload>(token);
    } catch {
      throw new UnauthorizedException();
    }
    return true;
  }
}

function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const [type, token] = header.split(' ');
  return type === 'Bearer' && token ? token : undefined;
}
