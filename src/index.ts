/// <reference types="node" preserve="true" />
/**
 * streamnest: the public face. Re-exports only, each by name, so that what an
 * app can import is written here and nowhere else (test/core/public-surface
 * pins it). Importing it installs the `reflect-metadata` polyfill that
 * decorator metadata needs. The SSE wire encoder and the transport contract
 * are in streamnest/sse-protocol.
 */
import 'reflect-metadata';

export type {
  Type,
  Abstract,
  InjectionToken,
  Provider,
  ClassProvider,
  ValueProvider,
  ExistingProvider,
  FactoryProvider,
  OptionalFactoryDependency,
  DynamicModule,
  ModuleMetadata,
  ModuleImport,
  HttpMethod,
} from './common/types.js';
// Request and Response come from param.decorators (the decorator and the type, under one name).
export type {
  ArgumentsHost,
  HttpArgumentsHost,
  RpcArgumentsHost,
  WsArgumentsHost,
  ExecutionContext,
  ContextType,
  CanActivate,
  CallHandler,
  NestInterceptor,
  PipeTransform,
  ArgumentMetadata,
  ParamType,
  Paramtype,
  ExceptionFilter,
  OnModuleInit,
  OnApplicationBootstrap,
  OnModuleDestroy,
  BeforeApplicationShutdown,
  OnApplicationShutdown,
  RawBodyRequest,
  Middleware,
  NextFunction,
} from './common/interfaces.js';
export { Module, Global } from './common/module.decorator.js';
export { Injectable, Inject, Optional, Dependencies, type InjectableOptions } from './common/injectable.decorator.js';
export { mixin } from './common/mixin.js';
export { ShutdownSignal } from './common/shutdown-signal.js';
export { Scope, type ScopeOptions } from './common/scope.js';
export { forwardRef, type ForwardReference } from './common/forward-ref.js';
export { APP_GUARD, APP_INTERCEPTOR, APP_PIPE, APP_FILTER, REQUEST, INQUIRER } from './common/tokens.js';
export { ModuleRef, type IntrospectionResult, type ModuleRefGetOptions, type ModuleRefGetOptions as ModuleRefGetOrResolveOpts } from './di/module-ref.js';
export { ContextIdFactory, createContextId, type ContextId } from './di/request-context.js';
export {
  DiscoveryModule,
  DiscoveryService,
  MetadataScanner,
  type DiscoverableDecorator,
  type DiscoveryOptions,
  type FilterByInclude,
  type FilterByMetadataKey,
  type InstanceWrapper,
} from './di/discovery.js';
export { LazyModuleLoader } from './di/lazy-module-loader.js';
export { Controller, type ControllerOptions } from './common/controller.decorator.js';
export type { AliasOptions } from './common/route-alias.js';
export {
  Get,
  Post,
  Put,
  Patch,
  Delete,
  Head,
  Options,
  All,
  Search,
  Propfind,
  Proppatch,
  Mkcol,
  Copy,
  Move,
  Lock,
  Unlock,
  QueryMethod,
  HttpCode,
  Header,
  Redirect,
  RequestMapping,
  type RouteDefinition,
  type RequestMappingMetadata,
  type HttpRedirectResponse,
} from './common/route.decorators.js';
export { Render } from './common/render.decorator.js';
export type { ViewEngine, ViewEngineOptions, CompiledTemplate } from './http/view-renderer.js';
export {
  Param,
  Query,
  Body,
  Headers,
  Req,
  Res,
  Request,
  Response,
  Next,
  Ip,
  Session,
  RawBody,
  HostParam,
  createParamDecorator,
  Bind,
  type ParamDecoratorEnhancer,
  type ParamData,
  type ResponseDecoratorOptions,
} from './common/param.decorators.js';
export { UseGuards, UseInterceptors, UsePipes, UseFilters, Catch, SetMetadata, type Enhancer, type CustomDecorator } from './common/enhancer.decorators.js';
export {
  HttpException,
  IntrinsicException,
  BadRequestException,
  UnauthorizedException,
  ForbiddenException,
  NotFoundException,
  MethodNotAllowedException,
  NotAcceptableException,
  RequestTimeoutException,
  ConflictException,
  GoneException,
  PreconditionFailedException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
  ImATeapotException,
  MisdirectedException,
  UnprocessableEntityException,
  TooManyRequestsException,
  InternalServerErrorException,
  NotImplementedException,
  BadGatewayException,
  ServiceUnavailableException,
  GatewayTimeoutException,
  HttpVersionNotSupportedException,
  type HttpExceptionOptions,
  type HttpExceptionBody,
  type HttpExceptionBodyMessage,
  type DescriptionAndOptions,
} from './common/exceptions.js';
export { Reflector } from './common/reflector.js';
export { Logger, ConsoleLogger, LOG_LEVELS, filterLogLevels, type ConsoleLoggerOptions, type LoggerService, type LogLevel } from './common/logger.js';
export { ParseIntPipe } from './common/pipes/parse-int.pipe.js';
export { ValidationPipe, type ValidationPipeOptions, type ValidationError } from './common/pipes/validation.pipe.js';
export { StreamnestError, StreamnestTypeError, Errors, type ErrorKind } from './errors.js';
export { HttpStatus } from './common/http-status.js';
export { RequestMethod } from './common/request-method.js';
export { HttpErrorByCode, type ErrorHttpStatusCode } from './common/http-error-by-code.js';
export { applyDecorators } from './common/apply-decorators.js';
export type { ReflectableDecorator, CreateDecoratorOptions } from './common/reflector.js';
export type { ParseIntPipeOptions } from './common/pipes/parse-int.pipe.js';
export { ParseFloatPipe, type ParseFloatPipeOptions } from './common/pipes/parse-float.pipe.js';
export { ParseBoolPipe, type ParseBoolPipeOptions } from './common/pipes/parse-bool.pipe.js';
export { ParseArrayPipe, type ParseArrayOptions, type ParseArrayPipeOptions } from './common/pipes/parse-array.pipe.js';
export { ParseDatePipe, type ParseDatePipeOptions } from './common/pipes/parse-date.pipe.js';
export { ParseUUIDPipe, type ParseUUIDPipeOptions } from './common/pipes/parse-uuid.pipe.js';
export { ParseEnumPipe, type ParseEnumPipeOptions } from './common/pipes/parse-enum.pipe.js';
export { DefaultValuePipe } from './common/pipes/default-value.pipe.js';
export type { IFile } from './common/pipes/file/uploaded-file.js';
export { FileValidator, type FileValidatorContext } from './common/pipes/file/file-validator.js';
export { MaxFileSizeValidator, type MaxFileSizeValidatorOptions } from './common/pipes/file/max-file-size.validator.js';
export { FileTypeValidator, type FileTypeValidatorOptions } from './common/pipes/file/file-type.validator.js';
export { ParseFilePipe, type ParseFileOptions } from './common/pipes/file/parse-file.pipe.js';
export { ParseFilePipeBuilder } from './common/pipes/file/parse-file-pipe.builder.js';
export { UploadedFile, UploadedFiles } from './common/upload.decorators.js';
export { StreamableFile, type StreamableFileOptions, type StreamableHandlerResponse } from './common/streamable-file.js';
export {
  ClassSerializerInterceptor,
  type ClassSerializerInterceptorOptions,
  type PlainLiteralObject,
  type TransformerPackage,
} from './common/serializer/class-serializer.interceptor.js';
export {
  SerializeOptions,
  CLASS_SERIALIZER_OPTIONS,
  type ClassSerializerContextOptions,
  type ClassTransformOptions,
} from './common/serializer/serialize-options.decorator.js';
export { BaseExceptionFilter } from './http/base-exception-filter.js';
export { HttpAdapter, HttpAdapterHost, type HttpServer } from './http/http-adapter.js';
export type { NestMiddleware, NestModule, MiddlewareConsumer, MiddlewareConfigProxy, RouteInfo } from './common/middleware-interfaces.js';
export { Version, VERSION_NEUTRAL, type VersionValue, type VersionOptions } from './common/version.decorator.js';
export {
  VersioningType,
  type VersioningOptions,
  type UriVersioningOptions,
  type HeaderVersioningOptions,
  type MediaTypeVersioningOptions,
  type CustomVersioningOptions,
} from './common/versioning-options.js';
export {
  ConfigurableModuleBuilder,
  type ConfigurableModuleBuilderOptions,
  type ConfigurableModuleAsyncOptions,
  type ConfigurableModuleCls,
  type ConfigurableModuleHost,
  type ConfigurableModuleOptionsFactory,
} from './common/configurable-module-builder.js';

export { NestFactory, type IEntryNestModule } from './platform/nest-factory.js';
export {
  NestApplication,
  type ApplicationOptions,
  type NestApplicationOptions,
  type ServerEngine,
  type INestApplication,
  type INestApplicationContext,
} from './platform/application.js';
export { NestApplicationContext } from './platform/application-context.js';
export type { ListenOptions, TlsOptions } from './platform/http-server.js';
export type { WebClient } from './http/web/web-request.js';
export type { ServerLimitsOptions } from './platform/server-limits.js';
export type { BodyParserOptions } from './http/body-parser.js';
export type { ExpressRequest, ExpressRequestMethods, ParsedCookies } from './http/express-request.js';
export type {
  ExpressResponse,
  ExpressResponseMethods,
  CookieOptions,
  HeaderValue,
  SendFileOptions,
  SendFileCallback,
  RenderCallback,
} from './http/express-response.js';
export type { GlobalPrefixOptions } from './http/global-prefix.js';
export { RouterModule, ROUTES, type RouteTree, type Routes } from './http/router-module.js';

export { Sse, type SseRouteOptions } from './sse/sse.decorator.js';
export { SseSignal, SSE_ABORT_CONTROLLER } from './sse/sse-signal.js';
export { getSSEStream, type SSEStream, type SSEStreamOptions, type TypedSSEStreamOptions } from './sse/stream.js';
export {
  defineEvents,
  typed,
  type EventContract,
  type EventMap,
  type EventsOf,
  type ContractEvent,
  type TypeOnly,
  type EventSchema,
  type DataOf,
  type DefineEventsOptions,
} from './sse/contract/define-events.js';
export type { StandardSchemaV1, StandardResult, StandardIssue } from './sse/contract/standard-schema.js';
export type { AsyncApiDocument, AsyncApiOptions, AsyncApiServer } from './sse/asyncapi/asyncapi-document.js';
export type { JsonSchema, JsonSchemaConverter } from './sse/asyncapi/payload-schema.js';
export type { SSEMessageEvent, MessageEvent } from './sse/message-event.js';
export { LastEventId, readLastEventId } from './sse/last-event-id.js';
export { SseFieldError } from './sse/encode.js';
export type { SseOptions } from './sse/options.js';
export type { SseStats } from './sse/runtime.js';

export { SseHub, type PublishMessage, type SubscribeOptions, type HubStats } from './sse/hub/hub.js';
export { HubSubscription, type HubFilter } from './sse/hub/hub-subscription.js';
export { TypedHub, type PublishEvent, type TypedHubOptions } from './sse/hub/typed-hub.js';
export { SseModule, type SseModuleOptions } from './sse/hub/sse.module.js';
export type { HubOptions, ReplayOptions } from './sse/hub/hub-options.js';
export { MemoryTransport, type MemoryTransportOptions } from './sse/hub/memory-transport.js';
// The type SseModule's `transport` option takes; implementing one needs streamnest/sse-protocol.
export type { SseTransport } from './sse/hub/transport.js';

// What the app knows of its own streams (metrics and the dashboard read it), and the SSE doctor's warnings.
export { SseInsights, type DashboardMount } from './sse/monitor/sse-insights.js';
export type { SseMonitor, ClientView } from './sse/monitor/sse-monitor.js';
export type { RouteCounters } from './sse/monitor/route-counters.js';
export { Warnings, WARNING_CODES, type WarningCode, type SseWarning } from './warnings.js';
export type { DoctorOptions } from './platform/sse-doctor.js';
