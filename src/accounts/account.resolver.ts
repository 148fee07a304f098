import type { GraphQLResolveInfo } from "graphql";
import { Arg, Ctx, FieldResolver, Info, Mutation, Query, Resolver, Root } from "type-graphql";
import {
  DryRunArg,
  runWorkflow,
  type RequestContext,
  type ViewerAccount,
} from "../graphql/index.js";
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
    @DryRunArg() dryRun: boolean | null,
    @Ctx() context: AccountsContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<RegisterUserPayload> {
    const registration = registrationFrom(input, context.clientAddress);
    return runWorkflow(context, info, context.accounts.workflows.registerUser, registration, {
      dryRun,
      replayable: false,
    });
  }

  @Mutation(() => LoginPayload, { description: "Opens a session (workflow login)." })
  async login(
    @Arg("input", () => LoginInput) input: LoginInput,
    @DryRunArg() dryRun: boolean | null,
    @Ctx() context: AccountsContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<LoginPayload> {
    const attempt = loginAttemptFrom(input, context.clientAddress);
    return runWorkflow(context, info, context.accounts.workflows.login, attempt, {
      dryRun,
      replayable: false,
    });
  }

  @Mutation(() => LogoutPayload, {
    description: "Ends the caller's session (workflow logout): the token stops working at once.",
  })
  async logout(
    @DryRunArg() dryRun: boolean | null,
    @Ctx() context: AccountsContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<LogoutPayload> {
    const viewer = await context.requireViewer();
    return runWorkflow(context, info, context.accounts.workflows.logout, viewer, { dryRun });
  }

  @Mutation(() => UpdateSettingsPayload, {
    description: "Changes the signed-in user's settings (workflow updateSettings).",
  })
  async updateSettings(
    @Arg("input", () => UpdateSettingsInput) input: UpdateSettingsInput,
    @DryRunArg() dryRun: boolean | null,
    @Ctx() context: AccountsContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<UpdateSettingsPayload> {
    const { userId } = await context.requireViewer();
    const change = settingsChangeFrom(input, userId);
    return runWorkflow(context, info, context.accounts.workflows.updateSettings, change, {
      dryRun,
    });
  }

  @Query(() => UserType, {
    nullable: true,
    description: "The signed-in user, or null when anonymous.",
  })
  me(@Ctx() { viewerAccount }: AccountsContext): Promise<ViewerAccount | null> {
    return viewerAccount();
  }
}

/** The user's settings, as a field of User (read from the row `me` loaded). */
@Resolver(() => UserType)
export class UserSettingsResolver {
  @FieldResolver(() => UserSettingsType, {
    description: "The user's settings; `updateSettings` changes them.",
  })
  settings(@Root() user: Pick<ViewerAccount, "activityNotifications">): UserSettings {
    return { activityNotifications: user.activityNotifications };
  }
}
