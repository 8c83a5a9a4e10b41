import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
  ForbiddenException,
  GatewayTimeoutException,
  GoneException,
  HttpException,
  HttpVersionNotSupportedException,
  ImATeapotException,
  InternalServerErrorException,
  MethodNotAllowedException,
  MisdirectedException,
  NotAcceptableException,
  NotFoundException,
  NotImplementedException,
  PayloadTooLargeException,
  PreconditionFailedException,
  RequestTimeoutException,
  ServiceUnavailableException,
  TooManyRequestsException,
  UnauthorizedException,
  UnprocessableEntityException,
  UnsupportedMediaTypeException,
  statusText,
} from './exceptions.js';
import { HttpStatus } from './http-status.js';
import type { Type } from './types.js';

/** The error statuses a built-in pipe can answer with (`errorHttpStatusCode`). */
export type ErrorHttpStatusCode =
  | HttpStatus.BAD_GATEWAY
  | HttpStatus.BAD_REQUEST
  | HttpStatus.CONFLICT
  | HttpStatus.FORBIDDEN
  | HttpStatus.GATEWAY_TIMEOUT
  | HttpStatus.GONE
  | HttpStatus.HTTP_VERSION_NOT_SUPPORTED
  | HttpStatus.I_AM_A_TEAPOT
  | HttpStatus.INTERNAL_SERVER_ERROR
  | HttpStatus.METHOD_NOT_ALLOWED
  | HttpStatus.MISDIRECTED
  | HttpStatus.NOT_ACCEPTABLE
  | HttpStatus.NOT_FOUND
  | HttpStatus.NOT_IMPLEMENTED
  | HttpStatus.PAYLOAD_TOO_LARGE
  | HttpStatus.PRECONDITION_FAILED
  | HttpStatus.REQUEST_TIMEOUT
  | HttpStatus.SERVICE_UNAVAILABLE
  | HttpStatus.TOO_MANY_REQUESTS
  | HttpStatus.UNAUTHORIZED
  | HttpStatus.UNPROCESSABLE_ENTITY
  | HttpStatus.UNSUPPORTED_MEDIA_TYPE;

/** The built-in exception class for each error status, as NestJS's `HttpErrorByCode`. */
export const HttpErrorByCode: Record<ErrorHttpStatusCode, Type<HttpException>> = {
  [HttpStatus.BAD_GATEWAY]: BadGatewayException,
  [HttpStatus.BAD_REQUEST]: BadRequestException,
  [HttpStatus.CONFLICT]: ConflictException,
  [HttpStatus.FORBIDDEN]: ForbiddenException,
  [HttpStatus.GATEWAY_TIMEOUT]: GatewayTimeoutException,
  [HttpStatus.GONE]: GoneException,
  [HttpStatus.HTTP_VERSION_NOT_SUPPORTED]: HttpVersionNotSupportedException,
  [HttpStatus.I_AM_A_TEAPOT]: ImATeapotException,
  [HttpStatus.INTERNAL_SERVER_ERROR]: InternalServerErrorException,
  [HttpStatus.METHOD_NOT_ALLOWED]: MethodNotAllowedException,
  [HttpStatus.MISDIRECTED]: MisdirectedException,
  [HttpStatus.NOT_ACCEPTABLE]: NotAcceptableException,
  [HttpStatus.NOT_FOUND]: NotFoundException,
  [HttpStatus.NOT_IMPLEMENTED]: NotImplementedException,
  [HttpStatus.PAYLOAD_TOO_LARGE]: PayloadTooLargeException,
  [HttpStatus.PRECONDITION_FAILED]: PreconditionFailedException,
  [HttpStatus.REQUEST_TIMEOUT]: RequestTimeoutException,
  [HttpStatus.SERVICE_UNAVAILABLE]: ServiceUnavailableException,
  [HttpStatus.TOO_MANY_REQUESTS]: TooManyRequestsException,
  [HttpStatus.UNAUTHORIZED]: UnauthorizedException,
  [HttpStatus.UNPROCESSABLE_ENTITY]: UnprocessableEntityException,
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: UnsupportedMediaTypeException,
};

/** What every built-in pipe accepts to shape its failure. */
export interface PipeErrorOptions<E = string> {
  /** The status of the failure (default 400), answered with the matching built-in exception. */
  errorHttpStatusCode?: ErrorHttpStatusCode;
  /** Builds the thrown value from the failure message instead; wins over `errorHttpStatusCode`. */
  exceptionFactory?: (error: E) => any;
}

/**
 * The pipes' `exceptionFactory`: the user's, or the built-in exception for the
 * status. A status with no class of its own (from plain JavaScript) still
 * answers with that status and Nest's body shape.
 */
export function pipeExceptionFactory<E = string>(options: PipeErrorOptions<E> | undefined): (error: E) => any {
  if (options?.exceptionFactory) return options.exceptionFactory;
  const status = options?.errorHttpStatusCode ?? HttpStatus.BAD_REQUEST;
  const Exception = HttpErrorByCode[status];
  if (Exception) return (error) => new Exception(error);
  return (error) => new HttpException(HttpException.createBody(error as any, statusText(status), status), status);
}
