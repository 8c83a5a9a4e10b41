import { IsString, Length } from 'class-validator';

export class CreateGreetingDto {
  @IsString()
  @Length(1, 20)
  readonly name!: string;
}
