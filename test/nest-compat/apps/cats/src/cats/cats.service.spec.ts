import { NotFoundException } from 'streamnest';
import { Test } from 'streamnest/testing';
import { CatsService } from './cats.service';

describe('CatsService', () => {
  let service: CatsService;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [CatsService],
    }).compile();

    service = moduleRef.get<CatsService>(CatsService);
  });

  it('should be defined', () => {
    expect(service).toBeDefined();
  });

  it('throws NotFoundException for an unknown cat', () => {
    expect(() => service.findOne(7)).toThrow(NotFoundException);
  });
});
