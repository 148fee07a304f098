import { Field, ID, ObjectType } from "type-graphql";
import type { WorkflowResult } from "../broker/index.js";
import type { User } from "../db/index.js";
import type { createLoginWorkflow } from "./login.workflow.js";
import type { createLogoutWorkflow } from "./logout.workflow.js";
import type { createRegisterUserWorkflow } from "./registerUser.workflow.js";
import type { UserSettings, updateSettingsWorkflow } from "./updateSettings.workflow.js";

// Each payload `implements` its workflow's result, so a change to a use case's output that
// the payload no longer matches fails to compile; resolvers return the output as it is.
type RegisterUserResult = WorkflowResult<ReturnType<typeof createRegisterUserWorkflow>>;
type LoginResult = WorkflowResult<ReturnType<typeof createLoginWorkflow>>;
type LogoutResult = WorkflowResult<ReturnType<typeof createLogoutWorkflow>>;
type UpdateSettingsResult = WorkflowResult<typeof updateSettingsWorkflow>;

@ObjectType("User")
export class UserType implements Pick<User, "id" | "email" | "createdAt"> {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType("RegisterUserPayload")
export class RegisterUserPayload implements Pick<
  RegisterUserResult,
  "userId" | "email" | "welcomeEmailQueued" | "sessionToken"
> {
  @Field(() => ID)
  userId!: string;

  @Field(() => String, { description: "The e-mail as stored: trimmed and lower-cased." })
  email!: string;

  @Field(() => Boolean, {
    description:
      "True when the welcome e-mail was queued with the account (it is sent after commit). False when registered with `sendWelcomeEmail: false`: none was queued, and none will be sent.",
  })
  welcomeEmailQueued!: boolean;

  @Field(() => String, {
    description: "Send as `Authorization: Bearer <sessionToken>`. Shown only once.",
  })
  sessionToken!: string;
}

@ObjectType("LoginPayload")
export class LoginPayload implements Pick<LoginResult, "userId" | "sessionToken"> {
  @Field(() => ID)
  userId!: string;

  @Field(() => String, {
    description: "Send as `Authorization: Bearer <sessionToken>`. Shown only once.",
  })
  sessionToken!: string;
}

@ObjectType("LogoutPayload")
export class LogoutPayload implements Pick<LogoutResult, "sessionRevoked"> {
  @Field(() => Boolean, {
    description: "True when this call ended the session; false when it had already ended.",
  })
  sessionRevoked!: boolean;
}

@ObjectType("UserSettings", {
  description: "The signed-in user's settings (`me.settings`); changed by `updateSettings`.",
})
export class UserSettingsType implements UserSettings {
  @Field(() => Boolean, {
    description:
      "Whether logging an activity leaves an in-app notification in `me.notifications` (on for new users). When off, `createActivity` writes none and answers `notificationSent: false`.",
  })
  activityNotifications!: boolean;
}

@ObjectType("UpdateSettingsPayload")
export class UpdateSettingsPayload implements Pick<UpdateSettingsResult, "settings"> {
  @Field(() => UserSettingsType, { description: "The settings as stored." })
  settings!: UserSettings;
}
