import { Body, Controller, Get, HttpCode, Post, Req, UnauthorizedException, UseGuards } from 'streamnest';
import { JwtService } from 'streamnest/jwt';
import { type AccessPayload, AuthGuard } from './auth.guard.js';

/** The users of the example; a real app asks its database and compares password hashes. */
const USERS = [{ id: '1', username: 'ada', password: 'lovelace' }];

@Controller('auth')
export class AuthController {
  constructor(private readonly jwt: JwtService) {}

  @Post('login')
  @HttpCode(200)
  async login(@Body() body: { username?: string; password?: string }) {
    const user = USERS.find((u) => u.username === body?.username && u.password === body?.password);
    if (!user) throw new UnauthorizedException();
    const payload: AccessPayload = { sub: user.id, username: user.username };
    return { access_token: await this.jwt.signAsync(payload) };
  }

  @UseGuards(AuthGuard)
  @Get('profile')
  profile(@Req() req: { user: AccessPayload }) {
    return req.user;
  }
}
