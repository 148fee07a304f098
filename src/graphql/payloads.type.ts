/**
 * Mutation payloads. Each class `implements` the result type of its workflow, so a
 * change to a use case's output that the payload no longer matches fails to compile;
 * resolvers return the workflow's output as it is.
 */
import { Field, ID, ObjectType } from "type-graphql";
import type { WorkflowResult } from "../broker/index.js";
import type { Activity } from "../db/index.js";
import type { Workflows } from "../workflows/index.js";
import { ActivityType } from "./activity.type.js";

type RegisterUserResult = WorkflowResult<Workflows["registerUser"]>;
type LoginResult = WorkflowResult<Workflows["login"]>;
type LogoutResult = WorkflowResult<Workflows["logout"]>;
type CreateActivityResult = WorkflowResult<Workflows["createActivity"]>;

@ObjectType("RegisterUserPayload")
export class RegisterUserPayload implements Pick<
  RegisterUserResult,
  "userId" | "email" | "welcomeEmailQueued" | "sessionToken"
> {
  @Field(() => ID)
  userId!: string;

  @Field(() => String, { description: "The e-mail as stored: trimmed and lower-cased." })
  email!: string;

  @Field(() => Boolean, { description: "The welcome e-mail is queued; it is sent after commit." })
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

@ObjectType("CreateActivityPayload")
export class CreateActivityPayload implements Pick<
  CreateActivityResult,
  "activityId" | "title" | "notificationId" | "notificationSent" | "statsUpdated" | "activity"
> {
  @Field(() => ID)
  activityId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => ID)
  notificationId!: string;

  @Field(() => Boolean)
  notificationSent!: boolean;

  @Field(() => Boolean)
  statsUpdated!: boolean;

  @Field(() => ActivityType)
  activity!: Activity;
}
