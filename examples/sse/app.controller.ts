// The seed page's controller, unchanged but for the import.
import { Controller, Get, getSSEStream, Sse } from 'streamnest';

@Controller('')
export class AppController {
  @Get('/sse')
  @Sse()
  sse() {
    const { write, body } = getSSEStream({
      cancel() {
        clearInterval(st);
      },
    });

    const st = setInterval(() => {
      write({
        data: { hello: 'world' },
      });
    }, 1000);

    return body;
  }

  @Get('/sse2')
  @Sse()
  sseWithCustomEvent() {
    const { write, body } = getSSEStream({
      cancel() {
        clearInterval(st);
      },
    });

    let eventId = 1;
    const st = setInterval(() => {
      write({
        data: { hello: 'world' },
        event: 'myEvent',
        id: eventId++,
        retry: 5000,
      });
    }, 1000);

    return body;
  }
}
