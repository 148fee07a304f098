import { Field, InputType } from "type-graphql";
import { EMAIL_MAX_LENGTH } from "../usecases/users/email.js";
import { PASSWORD_MAX_LENGTH } from "./registerUser.input.js";
import { MaxText, NotBlank } from "./validation.js";

@InputType("LoginInput")
export class LoginInput {
  // Not checked for e-mail syntax: a malformed e-mail is simply not an account,
  // and login must answer INVALID_CREDENTIALS for every unknown e-mail alike.
  @Field(() => String)
  @NotBlank()
  @MaxText(EMAIL_MAX_LENGTH)
  email!: string;

  @Field(() => String)
  @NotBlank()
  @MaxText(PASSWORD_MAX_LENGTH)
  password!: string;
}
