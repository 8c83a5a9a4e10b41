import { createParamDecorator, ExecutionContext } from 'streamnest';

export interface User {
  name: string;
  roles: string[];
}

export const CurrentUser = createParamDecorator((data: keyof User | undefined, ctx: ExecutionContext) => {
  const request = ctx.switchToHttp().getRequest();
  return data ? request.user?.[data] : request.user;
});
