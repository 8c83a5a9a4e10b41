import { Test } from 'streamnest/testing';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

describe('UsersController', () => {
  it('creates through the service, which a spy can replace', async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [UsersController],
      providers: [{ provide: UsersService, useValue: { create: (name: string) => ({ id: 'x', name }) } }],
    }).compile();
    const controller = moduleRef.get(UsersController);
    const service = moduleRef.get(UsersService);
    const spy = vi.spyOn(service, 'create');
    expect(controller.create('Kamil')).toEqual({ id: 'x', name: 'Kamil' });
    expect(spy).toHaveBeenCalledWith('Kamil');
  });
});
