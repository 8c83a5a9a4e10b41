import { Injectable } from 'streamnest';

@Injectable()
export class AppService {
  getHello(): string {
    return 'Hello World!';
  }
}
