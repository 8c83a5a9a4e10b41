import { Module } from 'streamnest';
import { ConfigurableModuleClass } from './config.module-definition';
import { ConfigService } from './config.service';

@Module({
  providers: [ConfigService],
  exports: [ConfigService],
})
export class ConfigModule extends ConfigurableModuleClass {}
