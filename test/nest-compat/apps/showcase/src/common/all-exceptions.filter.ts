import { ArgumentsHost, Catch, HttpException, HttpStatus } from 'streamnest';
import { BaseExceptionFilter, HttpAdapterHost } from 'streamnest';

/** HttpExceptions as NestJS answers them; anything else with a body of our own. */
@Catch()
export class AllExceptionsFilter extends BaseExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {
    super();
  }

  catch(exception: unknown, host: ArgumentsHost) {
    if (exception instanceof HttpException) return super.catch(exception, host);
    const { httpAdapter } = this.adapterHost;
    const ctx = host.switchToHttp();
    httpAdapter.reply(
      ctx.getResponse(),
      { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, path: httpAdapter.getRequestUrl(ctx.getRequest()), message: 'Something broke' },
      HttpStatus.INTERNAL_SERVER_ERROR,
    );
  }
}
