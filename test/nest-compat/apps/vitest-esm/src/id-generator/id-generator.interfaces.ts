export const ID_GENERATOR_OPTIONS = 'ID_GENERATOR_OPTIONS';

export interface IdGeneratorModuleOptions {
  prefix: string;
}
