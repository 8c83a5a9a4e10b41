/**
 * HTTP exceptions. Thrown from anywhere in a request's pipeline, they become a
 * JSON response `{ statusCode, message, error }`.
 */
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone',
  412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 418: "I'm a teapot", 431: 'Request Header Fields Too Large',
  422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}

export interface HttpExceptionBody { statusCode: number; message: string | string[]; error: string; [k: string]: unknown }

export class HttpException extends Error {
  /** The JSON body this exception becomes. */
  readonly response: HttpExceptionBody;

  /**
   * @param response a message, or a whole object to send as the body
   * @param status the HTTP status code
   */
  constructor(response: string | string[] | Record<string, unknown>, readonly status: number, options: { cause?: unknown } = {}) {
    const message = typeof response === 'string' ? response
      : Array.isArray(response) ? response.join('; ')
      : String((response as { message?: unknown }).message ?? statusText(status));
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.response = typeof response === 'object' && !Array.isArray(response)
      ? { statusCode: status, message, error: statusText(status), ...response }
      : { statusCode: status, message: response, error: statusText(status) };
  }

  getStatus(): number { return this.status; }
  getResponse(): HttpExceptionBody { return this.response; }
}

function statusException(status: number) {
  return class extends HttpException {
    constructor(message: string | string[] | Record<string, unknown> = statusText(status), options?: { cause?: unknown }) {
      super(message, status, options);
    }
  };
}

export class BadRequestException extends statusException(400) {}
export class UnauthorizedException extends statusException(401) {}
export class ForbiddenException extends statusException(403) {}
export class NotFoundException extends statusException(404) {}
export class MethodNotAllowedException extends statusException(405) {}
export class NotAcceptableException extends statusException(406) {}
export class RequestTimeoutException extends statusException(408) {}
export class ConflictException extends statusException(409) {}
export class GoneException extends statusException(410) {}
export class PayloadTooLargeException extends statusException(413) {}
export class UnsupportedMediaTypeException extends statusException(415) {}
export class UnprocessableEntityException extends statusException(422) {}
export class TooManyRequestsException extends statusException(429) {}
export class InternalServerErrorException extends statusException(500) {}
export class NotImplementedException extends statusException(501) {}
export class BadGatewayException extends statusException(502) {}
export class ServiceUnavailableException extends statusException(503) {}
export class GatewayTimeoutException extends statusException(504) {}
