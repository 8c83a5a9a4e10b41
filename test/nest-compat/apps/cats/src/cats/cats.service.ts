import { Injectable, NotFoundException } from 'streamnest';
import { Cat } from './interfaces';

@Injectable()
export class CatsService {
  private readonly cats: Cat[] = [];

  create(cat: Cat) {
    this.cats.push(cat);
  }

  findAll(): Cat[] {
    return this.cats;
  }

  findOne(id: number): Cat {
    const cat = this.cats[id];
    if (!cat) throw new NotFoundException(`Cat #${id} not found`);
    return cat;
  }
}
