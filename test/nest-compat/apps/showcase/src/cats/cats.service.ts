import { forwardRef, Inject, Injectable, NotFoundException } from 'streamnest';
import { OwnersService } from '../owners/owners.service';
import { CreateCatDto } from './dto/create-cat.dto';

export interface Cat {
  id: number;
  name: string;
  age: number;
}

@Injectable()
export class CatsService {
  private readonly cats: Cat[] = [{ id: 1, name: 'Tom', age: 3 }];

  constructor(@Inject(forwardRef(() => OwnersService)) private readonly owners: OwnersService) {}

  findAll(limit = 10): Cat[] {
    return this.cats.slice(0, limit);
  }

  findOne(id: number): Cat {
    const cat = this.cats.find((c) => c.id === id);
    if (!cat) throw new NotFoundException(`Cat #${id} not found`);
    return cat;
  }

  create(dto: CreateCatDto): Cat {
    const cat = { id: this.cats.length + 1, ...dto };
    this.cats.push(cat);
    return cat;
  }

  ownerOf(id: number): string {
    return this.owners.ownerName(this.findOne(id).id);
  }
}
