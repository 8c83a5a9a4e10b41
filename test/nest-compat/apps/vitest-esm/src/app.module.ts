import { Module } from 'streamnest';
import { OrdersModule } from './orders/orders.module.js';
import { UsersModule } from './users/users.module.js';

@Module({ imports: [UsersModule, OrdersModule] })
export class AppModule {}
