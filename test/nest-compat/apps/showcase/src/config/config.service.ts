import { Inject, Injectable } from 'streamnest';
import { ConfigModuleOptions, MODULE_OPTIONS_TOKEN } from './config.module-definition';

@Injectable()
export class ConfigService {
  constructor(@Inject(MODULE_OPTIONS_TOKEN) private readonly options: ConfigModuleOptions) {}

  get greeting(): string {
    return this.options.greeting;
  }
}
