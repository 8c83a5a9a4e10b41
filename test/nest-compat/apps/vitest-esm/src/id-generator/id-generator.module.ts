import { DynamicModule, Module } from 'streamnest';
import { IdGenerator } from './id-generator.js';
import { ID_GENERATOR_OPTIONS, type IdGeneratorModuleOptions } from './id-generator.interfaces.js';

@Module({})
export class IdGeneratorModule {
  static register(options: IdGeneratorModuleOptions): DynamicModule {
    return {
      module: IdGeneratorModule,
      providers: [{ provide: ID_GENERATOR_OPTIONS, useValue: options }, IdGenerator],
      exports: [IdGenerator],
    };
  }
}
