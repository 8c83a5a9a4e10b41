import { Module } from 'streamnest';
import { JwtModule } from 'streamnest/jwt';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';

/** The JWT example's module: HS256 tokens that last `expiresIn`, signed with `secret`. */
export function authModule(secret: string, expiresIn: string | number = '15m') {
  @Module({
    imports: [JwtModule.register({ global: true, secret, signOptions: { expiresIn } })],
    controllers: [AuthController],
    providers: [AuthGuard],
  })
  class AuthModule {}
  return AuthModule;
}
