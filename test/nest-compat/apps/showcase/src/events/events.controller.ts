import { Controller, Get, MessageEvent, Res, Sse } from 'streamnest';
import type { Response } from 'express';
import { interval, map, Observable, take } from 'rxjs';
import { Public } from '../common/public.decorator';

@Controller()
export class EventsController {
  @Public()
  @Get('page')
  index(@Res() response: Response) {
    response.type('text/html').send('<!doctype html><script>new EventSource("/sse")</script>');
  }

  @Public()
  @Sse('sse')
  sse(): Observable<MessageEvent> {
    return interval(10).pipe(
      take(3),
      map((n) => ({ data: { hello: 'world', n } }) as MessageEvent),
    );
  }
}
