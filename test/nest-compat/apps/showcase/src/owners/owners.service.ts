import { forwardRef, Inject, Injectable } from 'streamnest';
import { CatsService } from '../cats/cats.service';

@Injectable()
export class OwnersService {
  constructor(@Inject(forwardRef(() => CatsService)) private readonly cats: CatsService) {}

  ownerName(catId: number): string {
    return catId === 1 ? 'Jon' : 'nobody';
  }

  catCount(): number {
    return this.cats.findAll().length;
  }
}
