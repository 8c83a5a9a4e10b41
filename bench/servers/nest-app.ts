/** The NestJS app both Nest servers run: `@Get('json')` and `@Sse('sse')` over one shared Subject. */
import 'reflect-metadata';
import { Controller, Get, Module, Sse, type MessageEvent } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';

export const events = new Subject<MessageEvent>();

@Controller()
class BenchController {
  @Get('json')
  json() {
    return { hello: 'world' };
  }

  @Sse('sse')
  sse(): Observable<MessageEvent> {
    return events.asObservable();
  }
}

@Module({ controllers: [BenchController] })
export class BenchModule {}
