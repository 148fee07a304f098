import { Field, InputType } from "type-graphql";
import { EMAIL_MAX_LENGTH } from "../usecases/users/email.js";
import { CleanText, IsEmailAddress, MaxText, MinText } from "./validation.js";

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

@InputType("RegisterUserInput")
export class RegisterUserInput {
  @Field(() => String, {
    description: `Stored lower-case, Unicode NFC, its domain in ASCII; at most ${EMAIL_MAX_LENGTH} characters.`,
  })
  @IsEmailAddress()
  email!: string;

  @Field(() => String, {
    description: `${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH} characters.`,
  })
  @MinText(PASSWORD_MIN_LENGTH)
  @MaxText(PASSWORD_MAX_LENGTH)
  @CleanText()
  password!: string;
}
