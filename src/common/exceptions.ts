/**
 * HTTP exceptions, shaped exactly as NestJS shapes them, so a ported app sends
 * the same error bodies:
 *
 * - `new HttpException('text', 409)` → `{ statusCode: 409, message: 'text' }`
 * - `new HttpException({ any: 'object' }, 409)` → the object, as it is
 * - `new ConflictException('text')` → `{ message: 'text', error: 'Conflict', statusCode: 409 }`
 * - `new ConflictException()` → `{ message: 'Conflict', statusCode: 409 }`
 * - `new ConflictException({ any: 'object' })` → the object, as it is
 *
 * `getResponse()` returns what the exception was given (or the body a built-in
 * subclass made of it); the default error handler turns a string into
 * `{ statusCode, message }` and sends an object unchanged.
 */
import { HttpStatus } from './http-status.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  418: "I'm a teapot",
  421: 'Misdirected Request',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

/** The reason phrase of a status code, for logs and raw responses. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}

export interface HttpExceptionOptions {
  /** The error behind this one, kept as `exception.cause` (never sent to the client). */
  cause?: unknown;
  /** The `error` field of a built-in exception's body, instead of the status text. */
  description?: string;
}

export interface DescriptionAndOptions {
  description?: string;
  httpExceptionOptions?: HttpExceptionOptions;
}

export type HttpExceptionBodyMessage = string | string[] | number;

/** The body a built-in exception builds from a message. */
export interface HttpExceptionBody {
  message: HttpExceptionBodyMessage;
  error?: string;
  statusCode: number;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isObject = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null;

/**
 * An error that is part of the application's normal answers: the default
 * exception handler sends it without logging it as a failure, as in NestJS.
 */
export class IntrinsicException extends Error {}

export class HttpException extends IntrinsicException {
  /**
   * @param response the body: a string (sent as `{ statusCode, message }`) or an object (sent as it is)
   * @param status the HTTP status code; `HttpStatus` names them
   * @param options `cause`, the error behind this one
   */
  constructor(
    private readonly response: string | Record<string, any>,
    private readonly status: number,
    private readonly options?: HttpExceptionOptions,
  ) {
    super();
    this.initMessage();
    this.initName();
    this.initCause();
  }

  /** Sets `cause` from the options, for error chaining. */
  initCause(): void {
    if (this.options?.cause) this.cause = this.options.cause;
  }

  /**
   * `message` is the response when it is a string, else its `message` property
   * when that is a string, else the class name in words (`Bad Request Exception`).
   */
  initMessage(): void {
    if (isString(this.response)) {
      this.message = this.response;
    } else if (isObject(this.response) && isString(this.response.message)) {
      this.message = this.response.message;
    } else if (this.constructor) {
      this.message = this.constructor.name.match(/[A-Z][a-z]+|[0-9]+/g)?.join(' ') ?? 'Error';
    }
  }

  initName(): void {
    this.name = this.constructor.name;
  }

  getResponse(): string | object {
    return this.response;
  }

  getStatus(): number {
    return this.status;
  }

  /**
   * The body of a built-in exception:
   * - nothing (or an empty string) given: `{ message: description, statusCode }`;
   * - a string, a list of strings or a number: `{ message, error: description, statusCode }`;
   * - an object: that object.
   */
  static createBody(nil: null | '' | undefined, message: HttpExceptionBodyMessage, statusCode: number): HttpExceptionBody;
  static createBody(message: HttpExceptionBodyMessage, error: string | undefined, statusCode: number): HttpExceptionBody;
  static createBody<Body extends Record<string, unknown>>(custom: Body): Body;
  static createBody<Body extends Record<string, unknown>>(
    arg0: null | undefined | HttpExceptionBodyMessage | Body,
    arg1?: HttpExceptionBodyMessage | string,
    statusCode?: number,
  ): HttpExceptionBody | Body {
    if (!arg0) return { message: arg1!, statusCode: statusCode! };
    if (isString(arg0) || Array.isArray(arg0) || typeof arg0 === 'number') {
      return { message: arg0, error: arg1 as string, statusCode: statusCode! };
    }
    return arg0;
  }

  static getDescriptionFrom(descriptionOrOptions: string | HttpExceptionOptions): string {
    return isString(descriptionOrOptions) ? descriptionOrOptions : (descriptionOrOptions?.description as string);
  }

  static getHttpExceptionOptionsFrom(descriptionOrOptions: string | HttpExceptionOptions): HttpExceptionOptions {
    return isString(descriptionOrOptions) ? {} : descriptionOrOptions;
  }

  /** Splits a built-in exception's second argument: a description string, or options (with perhaps a description). */
  static extractDescriptionAndOptionsFrom(descriptionOrOptions: string | HttpExceptionOptions): DescriptionAndOptions {
    return {
      description: HttpException.getDescriptionFrom(descriptionOrOptions),
      httpExceptionOptions: HttpException.getHttpExceptionOptionsFrom(descriptionOrOptions),
    };
  }
}

/**
 * The arguments a built-in exception passes to HttpException. As in NestJS,
 * options without a `description` leave `error` out of the body.
 */
function builtIn(
  objectOrError: unknown,
  descriptionOrOptions: string | HttpExceptionOptions,
  status: number,
): [Record<string, any>, number, HttpExceptionOptions] {
  const { description, httpExceptionOptions } = HttpException.extractDescriptionAndOptionsFrom(descriptionOrOptions);
  return [HttpException.createBody(objectOrError as any, description, status), status, httpExceptionOptions ?? {}];
}

type Described = string | HttpExceptionOptions;

export class BadRequestException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Bad Request') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.BAD_REQUEST));
  }
}
export class UnauthorizedException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Unauthorized') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.UNAUTHORIZED));
  }
}
export class ForbiddenException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Forbidden') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.FORBIDDEN));
  }
}
export class NotFoundException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Not Found') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.NOT_FOUND));
  }
}
export class MethodNotAllowedException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Method Not Allowed') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.METHOD_NOT_ALLOWED));
  }
}
export class NotAcceptableException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Not Acceptable') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.NOT_ACCEPTABLE));
  }
}
export class RequestTimeoutException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Request Timeout') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.REQUEST_TIMEOUT));
  }
}
export class ConflictException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Conflict') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.CONFLICT));
  }
}
export class GoneException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Gone') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.GONE));
  }
}
export class PreconditionFailedException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Precondition Failed') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.PRECONDITION_FAILED));
  }
}
export class PayloadTooLargeException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Payload Too Large') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.PAYLOAD_TOO_LARGE));
  }
}
export class UnsupportedMediaTypeException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Unsupported Media Type') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.UNSUPPORTED_MEDIA_TYPE));
  }
}
export class ImATeapotException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = "I'm a teapot") {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.I_AM_A_TEAPOT));
  }
}
export class MisdirectedException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Misdirected') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.MISDIRECTED));
  }
}
export class UnprocessableEntityException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Unprocessable Entity') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.UNPROCESSABLE_ENTITY));
  }
}
/** Not in NestJS (which has no 429 class): kept because streamnest has always had it. Same shape as the others. */
export class TooManyRequestsException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Too Many Requests') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.TOO_MANY_REQUESTS));
  }
}
export class InternalServerErrorException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Internal Server Error') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.INTERNAL_SERVER_ERROR));
  }
}
export class NotImplementedException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Not Implemented') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.NOT_IMPLEMENTED));
  }
}
export class BadGatewayException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Bad Gateway') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.BAD_GATEWAY));
  }
}
export class ServiceUnavailableException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Service Unavailable') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.SERVICE_UNAVAILABLE));
  }
}
export class GatewayTimeoutException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'Gateway Timeout') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.GATEWAY_TIMEOUT));
  }
}
export class HttpVersionNotSupportedException extends HttpException {
  constructor(objectOrError?: any, descriptionOrOptions: Described = 'HTTP Version Not Supported') {
    super(...builtIn(objectOrError, descriptionOrOptions, HttpStatus.HTTP_VERSION_NOT_SUPPORTED));
  }
}
