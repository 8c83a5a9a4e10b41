import { Injectable } from 'streamnest';

@Injectable()
export class GreetingsService {
  greet(name: string, times = 1): { greeting: string } {
    return { greeting: Array.from({ length: times }, () => `Hello ${name}!`).join(' ') };
  }
}
