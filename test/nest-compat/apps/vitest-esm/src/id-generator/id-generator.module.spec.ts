import { Test } from 'streamnest/testing';
import { IdGenerator } from './id-generator.js';
import { IdGeneratorModule } from './id-generator.module.js';

describe('IdGeneratorModule', () => {
  it('gives each registration its own prefix', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [IdGeneratorModule.register({ prefix: 'abc' })] }).compile();
    expect(moduleRef.get(IdGenerator).generate()).toMatch(/^abc_[0-9a-f-]{36}$/);
  });
});
