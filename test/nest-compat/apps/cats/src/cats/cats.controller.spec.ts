import { Test } from 'streamnest/testing';
import { CatsController } from './cats.controller';
import { CatsService } from './cats.service';
import { Cat } from './interfaces';

describe('CatsController', () => {
  let catsController: CatsController;
  let catsService: CatsService;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [CatsController],
      providers: [CatsService],
    }).compile();

    catsService = moduleRef.get(CatsService);
    catsController = moduleRef.get(CatsController);
  });

  describe('findAll', () => {
    it('should return an array of cats', async () => {
      const result: Cat[] = [{ name: 'Pixel', age: 2, breed: 'Bombay' }];
      jest.spyOn(catsService, 'findAll').mockImplementation(() => result);

      expect(await catsController.findAll()).toBe(result);
    });
  });

  describe('create', () => {
    it('should hand the cat to the service', async () => {
      const create = jest.spyOn(catsService, 'create');
      const cat = { name: 'Pixel', age: 2, breed: 'Bombay' };
      await catsController.create(cat);
      expect(create).toHaveBeenCalledWith(cat);
      expect(catsController.findOne(0)).toEqual(cat);
    });
  });
});
