import { Reflector } from 'streamnest';

export const Roles = Reflector.createDecorator<string[]>();
