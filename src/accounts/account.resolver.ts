import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from "type-graphql";
import type { User } from "../db/index.js";
import type { RequestContext } from "../graphql/index.js";
import type { AccountReads } from "./account.reads.js";
import {
  LoginInput,
  loginAttemptFrom,
  RegisterUserInput,
  registrationFrom,
  settingsChangeFrom,
  UpdateSettingsInput,
} from "./account.inputs.js";
import {
  LoginPayload,
  LogoutPayload,
  RegisterUserPayload,
  UpdateSettingsPayload,
  UserSettingsType,
  UserType,
} from "./account.types.js";
import type { UserSettings } from "./updateSettings.workflow.js";
import type { AccountWorkflows } from "./workflows.js";

/** What the account resolvers find in the request context. */
export interface AccountsContext extends RequestContext {
  accounts: { workflows: AccountWorkflows; reads: AccountReads };
}

@Resolver()
export class AccountResolver {
  @Mutation(() => RegisterUserPayload, {
    description: "Creates an account (workflow registerUser) and signs it in.",
  })
  async registerUser(
    @Arg("input", () => RegisterUserInput) input: RegisterUserInput,
    @Ctx() { broker, accounts, clientAddress, signal }: AccountsContext,
  ): Promise<RegisterUserPayload> {
    const registration = registrationFrom(input, clientAddress);
    const run = await broker.run(accounts.workflows.registerUser, registration, { signal });
    return run.output;
  }

  @Mutation(() => LoginPayload, { description: "Opens a session (workflow login)." })
  async login(
    @Arg("input", () => LoginInput) input: LoginInput,
    @Ctx() { broker, accounts, clientAddress, signal }: AccountsContext,
  ): Promise<LoginPayload> {
    const attempt = loginAttemptFrom(input, clientAddress);
    const run = await broker.run(accounts.workflows.login, attempt, { signal });
    return run.output;
  }

  @Mutation(() => LogoutPayload, {
    description: "Ends the caller's session (workflow logout): the token stops working at once.",
  })
  async logout(
    @Ctx() { broker, accounts, requireViewer, signal }: AccountsContext,
  ): Promise<LogoutPayload> {
    const run = await broker.run(accounts.workflows.logout, await requireViewer(), { signal });
    return run.output;
  }

  @Mutation(() => UpdateSettingsPayload, {
    description: "Changes the signed-in user's settings (workflow updateSettings).",
  })
  async updateSettings(
    @Arg("input", () => UpdateSettingsInput) input: UpdateSettingsInput,
    @Ctx() { broker, accounts, requireViewer, signal }: AccountsContext,
  ): Promise<UpdateSettingsPayload> {
    const { userId } = await requireViewer();
    const run = await broker.run(
      accounts.workflows.updateSettings,
      settingsChangeFrom(input, userId),
      { signal },
    );
    return run.output;
  }

  @Query(() => UserType, {
    nullable: true,
    description: "The signed-in user, or null when anonymous.",
  })
  async me(@Ctx() { viewer, accounts }: AccountsContext): Promise<User | null> {
    const caller = await viewer();
    return caller ? accounts.reads.user(caller.userId) : null;
  }
}

/** The user's settings, as a field of User (read from the row `me` loaded). */
@Resolver(() => UserType)
export class UserSettingsResolver {
  @FieldResolver(() => UserSettingsType, {
    description: "The user's settings; `updateSettings` changes them.",
  })
  settings(@Root() user: User): UserSettings {
    return { activityNotifications: user.activityNotifications };
  }
}
