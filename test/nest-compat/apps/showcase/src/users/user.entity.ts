import { Exclude, Expose, Transform } from 'class-transformer';

export class RoleEntity {
  id!: number;
  name!: string;
  constructor(partial: Partial<RoleEntity>) {
    Object.assign(this, partial);
  }
}

export class UserEntity {
  id!: number;
  firstName!: string;
  lastName!: string;

  @Exclude()
  password!: string;

  @Expose()
  get fullName(): string {
    return `${this.firstName} ${this.lastName}`;
  }

  @Transform(({ value }) => value.name)
  role!: RoleEntity;

  constructor(partial: Partial<UserEntity>) {
    Object.assign(this, partial);
  }
}
