import { jest } from '@jest/globals';
import { Test } from 'streamnest/testing';
import { GreetingsController } from './greetings.controller.js';
import { GreetingsService } from './greetings.service.js';

describe('GreetingsController (ESM)', () => {
  let controller: GreetingsController;
  let service: GreetingsService;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [GreetingsController],
      providers: [GreetingsService],
    }).compile();
    controller = moduleRef.get(GreetingsController);
    service = moduleRef.get(GreetingsService);
  });

  it('greets through the service', () => {
    const greet = jest.spyOn(service, 'greet');
    expect(controller.many(2)).toEqual({ greeting: 'Hello world! Hello world!' });
    expect(greet).toHaveBeenCalledWith('world', 2);
  });
});
