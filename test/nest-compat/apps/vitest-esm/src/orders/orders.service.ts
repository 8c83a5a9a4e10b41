import { Injectable } from 'streamnest';
import { IdGenerator } from '../id-generator/id-generator.js';

@Injectable()
export class OrdersService {
  constructor(private readonly ids: IdGenerator) {}

  create(product: string) {
    return { id: this.ids.generate(), product };
  }
}
