import { ConfigurableModuleBuilder } from 'streamnest';

export interface ConfigModuleOptions {
  greeting: string;
}

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<ConfigModuleOptions>()
  .setClassMethodName('register')
  .build();
