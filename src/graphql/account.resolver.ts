import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { User } from "../db/index.js";
import { canonicalEmail } from "../usecases/users/email.js";
import type { GraphQLContext } from "./context.js";
import { LoginInput } from "./login.input.js";
import { LoginPayload, LogoutPayload, RegisterUserPayload } from "./payloads.type.js";
import { RegisterUserInput } from "./registerUser.input.js";
import { UserType } from "./user.type.js";

@Resolver()
export class AccountResolver {
  @Mutation(() => RegisterUserPayload, {
    description: "Creates an account (workflow registerUser) and signs it in.",
  })
  async registerUser(
    @Arg("input", () => RegisterUserInput) input: RegisterUserInput,
    @Ctx() { broker, workflows, clientAddress, signal }: GraphQLContext,
  ): Promise<RegisterUserPayload> {
    const run = await broker.run(
      workflows.registerUser,
      // Validated, so it has a canonical form: the one stored.
      { email: canonicalEmail(input.email)!, password: input.password, clientAddress },
      { signal },
    );
    return run.output;
  }

  @Mutation(() => LoginPayload, { description: "Opens a session (workflow login)." })
  async login(
    @Arg("input", () => LoginInput) input: LoginInput,
    @Ctx() { broker, workflows, clientAddress, signal }: GraphQLContext,
  ): Promise<LoginPayload> {
    const run = await broker.run(
      workflows.login,
      {
        // A string that is no address matches no account: INVALID_CREDENTIALS, as for any.
        email: canonicalEmail(input.email) ?? input.email.trim(),
        password: input.password,
        clientAddress,
      },
      { signal },
    );
    return run.output;
  }

  @Mutation(() => LogoutPayload, {
    description: "Ends the caller's session (workflow logout): the token stops working at once.",
  })
  async logout(
    @Ctx() { broker, workflows, requireSession, signal }: GraphQLContext,
  ): Promise<LogoutPayload> {
    const run = await broker.run(workflows.logout, await requireSession(), { signal });
    return run.output;
  }

  @Query(() => UserType, {
    nullable: true,
    description: "The signed-in user, or null when anonymous.",
  })
  async me(@Ctx() { viewerId, reads }: GraphQLContext): Promise<User | null> {
    const id = await viewerId();
    return id ? reads.user(id) : null;
  }
}
