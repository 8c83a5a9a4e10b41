import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from 'streamnest';
import type { IncomingMessage, ServerResponse } from 'http';

@Catch(HttpException)
export class HttpExceptionFilter implements ExceptionFilter<HttpException> {
  catch(exception: HttpException, host: ArgumentsHost) {
    const ctx = host.switchToHttp();
    const response = ctx.getResponse<ServerResponse>();
    const request = ctx.getRequest<IncomingMessage>();
    const status = exception.getStatus();

    response.statusCode = status;
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.end(JSON.stringify({
      statusCode: status,
      message: exception.getResponse().message,
      timestamp: new Date().toISOString(),
      path: request.url,
    }));
  }
}
