import { Injectable } from 'streamnest';
import { IdGenerator } from '../id-generator/id-generator.js';

@Injectable()
export class UsersService {
  constructor(private readonly ids: IdGenerator) {}

  create(name: string) {
    return { id: this.ids.generate(), name };
  }
}
