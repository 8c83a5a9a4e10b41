// The app of the authorized-stream tests: a stream authorized by a short-lived
// token in the query (Mercure-style: the token lists the channels it grants) or
// by a signed cookie, each user with a private channel `user:<id>`.
import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  LastEventId,
  Module,
  Post,
  Query,
  Sse,
  SseHub,
  SseModule,
  type SseTransport,
  UnauthorizedException,
} from 'streamnest';
import { CookiesModule, SignedCookies } from 'streamnest/cookies';
import { JwtModule, JwtService } from 'streamnest/jwt';

/** What a stream token grants: the channels its holder may read, until `exp`. */
export interface StreamClaims {
  sub: string;
  subscribe: string[];
  exp: number;
}

@Controller()
export class AuthorizedStreamController {
  constructor(
    private readonly hub: SseHub,
    private readonly jwt: JwtService,
  ) {}

  /** `?token=…` (an EventSource sends no headers), `&channels=a,b` to narrow what the token grants. */
  @Get('/events')
  @Sse({ heartbeat: false })
  events(@Query('token') token?: string, @Query('channels') requested?: string, @LastEventId() lastEventId?: string) {
    const claims = this.claims(token);
    const channels = requested === undefined ? claims.subscribe : requested.split(',').filter((channel) => claims.subscribe.includes(channel));
    if (channels.length === 0) throw new ForbiddenException();
    return this.hub.subscribe(channels, { lastEventId, expiresAt: claims.exp * 1000 });
  }

  /** Authorized by the signed cookie `user`: the news, and that user's own channel. */
  @Get('/cookie-events')
  @Sse({ heartbeat: false })
  cookieEvents(@SignedCookies('user') user?: string, @LastEventId() lastEventId?: string) {
    if (typeof user !== 'string') throw new UnauthorizedException();
    return this.hub.subscribe(['news', `user:${user}`], { lastEventId });
  }

  /** For the tests only: publishes on any channel of this instance. */
  @Post('/publish')
  publish(@Body() body: { channel: string; data: string }) {
    return this.hub.publish(body.channel, { data: body.data });
  }

  private claims(token: string | undefined): StreamClaims {
    if (!token) throw new UnauthorizedException();
    try {
      const claims = this.jwt.verify<StreamClaims>(token);
      if (!Array.isArray(claims.subscribe) || typeof claims.exp !== 'number') throw new UnauthorizedException();
      return claims;
    } catch {
      throw new UnauthorizedException();
    }
  }
}

export function authorizedModule(secret: string, transport?: SseTransport) {
  @Module({
    imports: [SseModule.forRoot({ transport }), JwtModule.register({ secret }), CookiesModule.forRoot({ secret })],
    controllers: [AuthorizedStreamController],
  })
  class AuthorizedModule {}
  return AuthorizedModule;
}
