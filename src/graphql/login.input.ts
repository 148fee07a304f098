import { MaxLength, MinLength } from "class-validator";
import { Field, InputType } from "type-graphql";
import { PASSWORD_MAX_LENGTH } from "./registerUser.input.js";

@InputType("LoginInput")
export class LoginInput {
  // Not checked for e-mail syntax: a malformed e-mail is simply not an account,
  // and login must answer INVALID_CREDENTIALS for every unknown e-mail alike.
  @Field(() => String)
  @MinLength(1, { message: "email must not be empty" })
  @MaxLength(254, { message: "email must be at most 254 characters" })
  email!: string;

  @Field(() => String)
  @MinLength(1, { message: "password must not be empty" })
  @MaxLength(PASSWORD_MAX_LENGTH, {
    message: `password must be at most ${PASSWORD_MAX_LENGTH} characters`,
  })
  password!: string;
}
