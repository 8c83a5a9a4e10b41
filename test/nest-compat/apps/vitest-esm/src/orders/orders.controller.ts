import { Body, Controller, Post } from 'streamnest';
import { OrdersService } from './orders.service.js';

@Controller('orders')
export class OrdersController {
  constructor(private readonly service: OrdersService) {}

  @Post()
  create(@Body('product') product: string) {
    return this.service.create(product);
  }
}
