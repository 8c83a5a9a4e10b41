import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from 'streamnest';
import { ID_GENERATOR_OPTIONS, type IdGeneratorModuleOptions } from './id-generator.interfaces.js';

@Injectable()
export class IdGenerator {
  constructor(@Inject(ID_GENERATOR_OPTIONS) private readonly options: IdGeneratorModuleOptions) {}

  generate(): string {
    return `${this.options.prefix}_${randomUUID()}`;
  }
}
