import { Test, TestingModule } from 'streamnest/testing';
import { CatsController } from './cats.controller';
import { CatsService } from './cats.service';
import { OwnersService } from '../owners/owners.service';

describe('CatsController', () => {
  let controller: CatsController;
  let service: CatsService;

  beforeEach(async () => {
    const moduleRef: TestingModule = await Test.createTestingModule({
      controllers: [CatsController],
      providers: [CatsService, { provide: OwnersService, useValue: { ownerName: () => 'mocked owner' } }],
    }).compile();
    controller = moduleRef.get(CatsController);
    service = moduleRef.get(CatsService);
  });

  it('returns what the service finds', () => {
    const cats = [{ id: 9, name: 'Mock', age: 1 }];
    jest.spyOn(service, 'findAll').mockImplementation(() => cats);
    expect(controller.findAll(10)).toBe(cats);
  });

  it('asks the owners service through a forwardRef dependency', () => {
    const res = { setHeader: jest.fn() };
    expect(controller.owner(1, res as any)).toEqual({ owner: 'mocked owner' });
    expect(res.setHeader).toHaveBeenCalledWith('x-owner-lookup', 'yes');
  });

  it('throws NotFoundException for a missing cat', () => {
    expect(() => controller.findOne(42)).toThrow('Cat #42 not found');
  });
});
