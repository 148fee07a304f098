import { MaxLength, MinLength } from "class-validator";
import { Field, InputType } from "type-graphql";
import { IsEmailAddress } from "./validation.js";

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

@InputType("RegisterUserInput")
export class RegisterUserInput {
  @Field(() => String)
  @IsEmailAddress()
  @MaxLength(254, { message: "email must be at most 254 characters" })
  email!: string;

  @Field(() => String, { description: `At least ${PASSWORD_MIN_LENGTH} characters.` })
  @MinLength(PASSWORD_MIN_LENGTH, {
    message: `password must be at least ${PASSWORD_MIN_LENGTH} characters`,
  })
  @MaxLength(PASSWORD_MAX_LENGTH, {
    message: `password must be at most ${PASSWORD_MAX_LENGTH} characters`,
  })
  password!: string;
}
