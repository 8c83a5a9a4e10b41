import { Controller, Get, LastEventId, Query, Sse, SseHub, UnauthorizedException } from 'streamnest';
import { SignedCookies } from 'streamnest/cookies';
import { JwtService } from 'streamnest/jwt';
import { userOf } from './session.js';

/** What a stream token grants: whose it is, and the channels it may read. */
interface StreamClaims {
  sub: string;
  subscribe: string[];
  exp: number;
}

@Controller()
export class FeedController {
  constructor(
    private readonly hub: SseHub,
    private readonly jwt: JwtService,
  ) {}

  /** The page's live feed: the news and the user's private channel, authorized by the session cookie. */
  @Get('events')
  @Sse()
  events(@SignedCookies('user') cookie: unknown, @LastEventId() lastEventId?: string) {
    const user = userOf(cookie);
    const channels = ['news', `user:${user}`];
    return this.hub.subscribe(channels, { lastEventId, allow: channels });
  }

  /** A short-lived token for the same feed, for a client that cannot send the cookie (another origin, a script). */
  @Get('token')
  token(@SignedCookies('user') cookie: unknown) {
    const user = userOf(cookie);
    return { token: this.jwt.sign({ sub: user, subscribe: ['news', `user:${user}`] }) };
  }

  /** The feed authorized by a token in the query: it ends with `expired` when the token does. */
  @Get('events/token')
  @Sse()
  eventsByToken(@Query('token') token: string | undefined, @LastEventId() lastEventId?: string) {
    let claims: StreamClaims;
    try {
      claims = this.jwt.verify<StreamClaims>(String(token));
    } catch {
      throw new UnauthorizedException();
    }
    return this.hub.subscribe(claims.subscribe, { lastEventId, allow: claims.subscribe, expiresAt: claims.exp * 1000 });
  }
}
