/** A small levelled logger, in the shape of NestJS's, that the app can silence or replace. */
import { printable } from './describe.js';
import { Errors } from '../errors.js';

/** Every level, from the most talkative to the most severe, as NestJS lists them. */
export const LOG_LEVELS = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Levels from a setting such as an environment variable, as NestJS reads it:
 * `'>warn'` (above warn), `'>=warn'` (warn and above), `'log,error'` (those),
 * `'error'` (that one); anything else gives every level.
 */
export function filterLogLevels(setting = ''): LogLevel[] {
  const text = setting.replaceAll(' ', '').toLowerCase();
  const isLevel = (value: string): value is LogLevel => (LOG_LEVELS as readonly string[]).includes(value);
  if (text.startsWith('>')) {
    const inclusive = text[1] === '=';
    const from = LOG_LEVELS.indexOf(text.slice(inclusive ? 2 : 1) as LogLevel);
    if (from === -1) throw Errors.INVALID_ARGUMENT('filterLogLevels()', `after > or >=, a log level (${LOG_LEVELS.join(', ')})`, JSON.stringify(setting));
    return LOG_LEVELS.slice(inclusive ? from : from + 1);
  }
  if (text.includes(',')) return text.split(',').filter(isLevel);
  return isLevel(text) ? [text] : [...LOG_LEVELS];
}

export interface LoggerService {
  log(message: unknown, context?: string): void;
  error(message: unknown, stackOrContext?: string, context?: string): void;
  warn(message: unknown, context?: string): void;
  debug?(message: unknown, context?: string): void;
  verbose?(message: unknown, context?: string): void;
  fatal?(message: unknown, context?: string): void;
}

const DEFAULT_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log'];

/** NestJS's ConsoleLogger options; `logLevels` and `prefix` are honoured, the rest accepted. */
export interface ConsoleLoggerOptions {
  logLevels?: LogLevel[];
  /** What starts each line instead of `[streamnest]`. */
  prefix?: string;
  timestamp?: boolean;
  json?: boolean;
  colors?: boolean;
  compact?: boolean | number;
}

/**
 * Writes timestamped lines to stdout (log, debug, verbose) or stderr (the rest).
 * Made as NestJS's is (`new ConsoleLogger()`, `(options)`, `(context, options)`),
 * or with a list of levels.
 */
export class ConsoleLogger implements LoggerService {
  private levels: Set<LogLevel>;
  private readonly prefix: string;
  private readonly context: string | undefined;

  constructor(levelsContextOrOptions?: LogLevel[] | string | ConsoleLoggerOptions, options: ConsoleLoggerOptions = {}) {
    const given = typeof levelsContextOrOptions === 'object' && !Array.isArray(levelsContextOrOptions) ? levelsContextOrOptions : options;
    const levels = Array.isArray(levelsContextOrOptions) ? levelsContextOrOptions : (given.logLevels ?? DEFAULT_LEVELS);
    this.levels = new Set(levels);
    this.prefix = given.prefix === undefined ? '[streamnest]' : `[${given.prefix}]`;
    this.context = typeof levelsContextOrOptions === 'string' ? levelsContextOrOptions : undefined;
  }

  setLogLevels(levels: LogLevel[]): void {
    this.levels = new Set(levels);
  }
  isLevelEnabled(level: LogLevel): boolean {
    return this.levels.has(level);
  }

  log(message: unknown, context?: string) {
    this.print('log', message, context);
  }
  warn(message: unknown, context?: string) {
    this.print('warn', message, context);
  }
  debug(message: unknown, context?: string) {
    this.print('debug', message, context);
  }
  verbose(message: unknown, context?: string) {
    this.print('verbose', message, context);
  }
  fatal(message: unknown, context?: string) {
    this.print('fatal', message, context);
  }
  error(message: unknown, stackOrContext?: string, context?: string) {
    if (context === undefined && stackOrContext && !stackOrContext.includes('\n')) {
      this.print('error', message, stackOrContext);
    } else {
      this.print('error', message, context, stackOrContext);
    }
  }

  private print(level: LogLevel, message: unknown, context = this.context, stack?: string) {
    if (!this.levels.has(level)) return;
    const text = printable(message);
    const line = `${this.prefix} ${process.pid} ${new Date().toISOString()} ${level.toUpperCase().padStart(7)}${context ? ` [${context}]` : ''} ${text}${stack ? `\n${stack}` : ''}\n`;
    (level === 'log' || level === 'debug' || level === 'verbose' ? process.stdout : process.stderr).write(line);
  }
}

/**
 * The logger users create with `new Logger('Context')`. Every instance writes
 * through the one app-wide sink, so `NestFactory.create(..., { logger: false })` silences all.
 */
export class Logger implements LoggerService {
  private static sink: LoggerService | null = new ConsoleLogger();

  /** Replaces the app-wide sink: a LoggerService, a list of enabled levels, or `false` for silence. */
  static configure(option: LoggerService | LogLevel[] | boolean | undefined): void {
    if (option === undefined || option === true) Logger.sink = new ConsoleLogger();
    else if (option === false) Logger.sink = null;
    else if (Array.isArray(option)) Logger.sink = new ConsoleLogger(option);
    else Logger.sink = option;
  }

  /** `options` is accepted for NestJS compatibility (`{ timestamp: true }`); the console format is the sink's business. */
  constructor(
    protected readonly context?: string,
    protected readonly options: { timestamp?: boolean } = {},
  ) {}

  /** NestJS's name for configure() with a list of levels or `false`. */
  static overrideLogger(logger: LoggerService | LogLevel[] | boolean): void {
    Logger.configure(logger);
  }

  // Static shortcuts, as in NestJS: Logger.log('message', 'Context').
  static log(message: unknown, context?: string): void {
    Logger.emit((sink) => sink.log(message, context));
  }
  static warn(message: unknown, context?: string): void {
    Logger.emit((sink) => sink.warn(message, context));
  }
  static debug(message: unknown, context?: string): void {
    Logger.emit((sink) => sink.debug?.(message, context));
  }
  static verbose(message: unknown, context?: string): void {
    Logger.emit((sink) => sink.verbose?.(message, context));
  }
  static fatal(message: unknown, context?: string): void {
    Logger.emit((sink) => sink.fatal?.(message, context));
  }
  static error(message: unknown, stack?: string, context?: string): void {
    Logger.emit((sink) => (stack === undefined ? sink.error(message, context) : sink.error(message, stack, context)));
  }

  log(message: unknown, context = this.context) {
    Logger.emit((sink) => sink.log(message, context));
  }
  warn(message: unknown, context = this.context) {
    Logger.emit((sink) => sink.warn(message, context));
  }
  debug(message: unknown, context = this.context) {
    Logger.emit((sink) => sink.debug?.(message, context));
  }
  verbose(message: unknown, context = this.context) {
    Logger.emit((sink) => sink.verbose?.(message, context));
  }
  fatal(message: unknown, context = this.context) {
    Logger.emit((sink) => sink.fatal?.(message, context));
  }
  error(message: unknown, stack?: string, context = this.context) {
    Logger.emit((sink) => (stack === undefined ? sink.error(message, context) : sink.error(message, stack, context)));
  }

  /**
   * Logging happens on error paths, so a sink that throws (the app's own
   * LoggerService) must not turn one failure into a crash: its line goes to
   * stderr instead.
   */
  private static emit(write: (sink: LoggerService) => void): void {
    const sink = Logger.sink;
    if (!sink) return;
    try {
      write(sink);
    } catch (error) {
      process.stderr.write(`[streamnest] the logger threw: ${printable(error)}\n`);
    }
  }
}
