import { Field, InputType } from "type-graphql";
import {
  CleanText,
  MaxText,
  MinText,
  NotBlank,
  registerFieldLabels,
  rule,
} from "../graphql/index.js";
import { canonicalEmail, EMAIL_MAX_LENGTH } from "./email.js";
import type { LoginAttempt } from "./login.workflow.js";
import type { Registration } from "./registerUser.workflow.js";
import type { SettingsChange } from "./updateSettings.workflow.js";

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

registerFieldLabels({
  email: "E-mail",
  password: "Password",
  activityNotifications: "Activity notifications",
});

/** An address {@link canonicalEmail} accepts (it is stored in that form). */
function IsEmailAddress(): PropertyDecorator {
  return rule(
    "isEmailAddress",
    (value) => typeof value === "string" && canonicalEmail(value) !== null,
    () => "Enter a valid e-mail address, like name@example.com.",
  );
}

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

  @Field(() => Boolean, {
    defaultValue: true,
    description:
      "Whether to queue the welcome e-mail (default true). False, e.g. for a client that welcomes its users itself: nothing is queued, and `welcomeEmailQueued` is false.",
  })
  sendWelcomeEmail!: boolean;
}

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

@InputType("UpdateSettingsInput")
export class UpdateSettingsInput {
  @Field(() => Boolean, {
    description:
      "Whether logging an activity (`createActivity`) leaves an in-app notification in `me.notifications`.",
  })
  activityNotifications!: boolean;
}

/** registerUser's input from a validated RegisterUserInput: the e-mail in the form it is stored in. */
export function registrationFrom(input: RegisterUserInput, clientAddress: string): Registration {
  return {
    // Validated by IsEmailAddress, so it has a canonical form.
    email: canonicalEmail(input.email)!,
    password: input.password,
    clientAddress,
    sendWelcomeEmail: input.sendWelcomeEmail,
  };
}

/** login's input: the e-mail in its canonical form, or trimmed when it is no address (it then matches no account). */
export function loginAttemptFrom(input: LoginInput, clientAddress: string): LoginAttempt {
  return {
    email: canonicalEmail(input.email) ?? input.email.trim(),
    password: input.password,
    clientAddress,
  };
}

/** updateSettings' input: the caller's settings as given. */
export function settingsChangeFrom(input: UpdateSettingsInput, userId: string): SettingsChange {
  return { userId, activityNotifications: input.activityNotifications };
}
