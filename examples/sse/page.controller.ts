import { Controller, Get, Header } from 'streamnest';
import { PAGE } from './page.js';

/** Serves the live page at `/`, which shows both of the seed's streams. */
@Controller('')
export class PageController {
  @Get('/')
  @Header('Content-Type', 'text/html; charset=utf-8')
  index() {
    return PAGE;
  }
}
