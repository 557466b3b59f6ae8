using System.Security.Claims;
using Hearth.Core.Algorithms;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Endpoints;

/// <summary><c>/v1/accounts</c> and <c>/v1/orgs</c>: users, organizations, members and API keys. Admin keys only.</summary>
internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1").RequireAuthorization(HearthAuth.AdminPolicy).WithTags("Accounts");
        admin.MapPost("/accounts", CreateAsync).WithSummary("Create a user (kind user, the default) or an organization (kind org)");
        admin.MapGet("/accounts", ListAsync).WithSummary("List accounts");
        admin.MapGet("/accounts/{name}", ShowAsync).WithSummary("An account's limits and shares, and the slots and instances it holds");
        admin.MapPatch("/accounts/{name}", SetAsync).Accepts<SetAccountRequest>("application/json")
            .WithSummary("Change an account's max_slots and max_instances (-1 for no limit) or shares; running work is never stopped by a lower limit");
        admin.MapPost("/orgs/{org}/members", AddMemberAsync).WithSummary("Add a user to an organization");
        admin.MapPost("/accounts/{name}/keys", CreateKeyAsync).WithSummary("Create an API key for an account; the key is shown only in this answer");
        admin.MapGet("/accounts/{name}/keys", ListKeysAsync).WithSummary("List an account's keys (never the keys themselves), revoked ones included");
        admin.MapDelete("/accounts/{name}/keys/{id}", RevokeKeyAsync).WithSummary("Revoke an account's key; it is refused from the next request on");
        return app;
    }

    /// <summary>A refusal as ProblemDetails, with the status its kind maps to.</summary>
    public static ProblemHttpResult Problem(Refusal refusal) =>
        TypedResults.Problem(refusal.Message, statusCode: DomainExceptionHandler.StatusOf(refusal.Kind));

    /// <summary>The account a request acts for, as a caller; null for an admin key, which may act for anyone.</summary>
    public static async ValueTask<Caller?> CallerAsync(ClaimsPrincipal user, AccountService accounts, CancellationToken cancellationToken)
    {
        if (user.IsInRole(KeyRoles.Admin))
        {
            return null;
        }

        var account = user.FindFirstValue(HearthAuth.AccountClaim)
            ?? throw new RefusedException(Refusal.Forbidden("this key belongs to no account"));
        return await accounts.CallerAsync(account, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<Created<AccountView>, ProblemHttpResult>> CreateAsync(CreateAccountRequest? body, AccountService accounts, CancellationToken ct)
    {
        if (body?.Name is not { } name)
        {
            return Problems.BadRequest("the body must be {\"name\": NAME, \"kind\": \"user\" or \"org\"}");
        }

        if (body.Kind is { } kind && kind != AccountKinds.User && kind != AccountKinds.Organization)
        {
            return Problems.BadRequest($"kind \"{kind}\" is not user or org");
        }

        var account = await accounts.CreateAsync(name, body.Kind == AccountKinds.Organization, ct).ConfigureAwait(false);
        return TypedResults.Created($"/v1/accounts/{account.Name}", View(account));
    }

    private static async Task<Ok<AccountListView>> ListAsync(AccountService accounts, CancellationToken ct) =>
        TypedResults.Ok(new AccountListView([.. (await accounts.ListAsync(ct).ConfigureAwait(false)).Select(View)]));

    private static async Task<Results<Ok<AccountSettingsView>, ProblemHttpResult>> ShowAsync(string name, AccountService accounts, Scheduler scheduler, CancellationToken ct)
    {
        var account = await accounts.RequireAsync(name, ct).ConfigureAwait(false);
        return TypedResults.Ok(await scheduler.AccountAsync(account.Name, account.Kind).ConfigureAwait(false));
    }

    /// <summary>Every field is checked before anything changes; an unknown account is 404, a value out of range 400 naming its field (both by the domain exception handler).</summary>
    private static async Task<Results<Ok<AccountSettingsView>, ProblemHttpResult>> SetAsync(
        string name, HttpRequest request, AccountService accounts, Scheduler scheduler, CancellationToken ct)
    {
        var (body, problem) = await BindingExceptionHandler.ReadJsonAsync<SetAccountRequest>(request, "{\"max_slots\": 8, \"max_instances\": -1, \"shares\": 2}")
            .ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        if (body is { MaxSlots: null, MaxInstances: null, Shares: null })
        {
            return Problems.BadRequest("nothing to change: give at least one of max_slots, max_instances (-1 for no limit) and shares");
        }

        var account = await accounts.RequireAsync(name, ct).ConfigureAwait(false);
        return TypedResults.Ok(await scheduler.SetAccountAsync(account.Name, account.Kind, body).ConfigureAwait(false));
    }

    private static async Task<Results<Ok<MembershipView>, ProblemHttpResult>> AddMemberAsync(string org, AddMemberRequest? body, AccountService accounts, Scheduler scheduler, CancellationToken ct)
    {
        if (body?.User is not { } user)
        {
            return Problems.BadRequest("the body must be {\"user\": NAME}");
        }

        var added = await accounts.AddMemberAsync(org, user, ct).ConfigureAwait(false);
        await scheduler.MemberAsync(org, user).ConfigureAwait(false);
        return TypedResults.Ok(new MembershipView(org, user, added, await accounts.MembersOfAsync(org, ct).ConfigureAwait(false)));
    }

    private static async Task<Results<Created<KeyCreatedView>, ProblemHttpResult>> CreateKeyAsync(string name, AccountService accounts, CancellationToken ct)
    {
        var (id, key) = await accounts.CreateKeyAsync(name, ct).ConfigureAwait(false);
        return TypedResults.Created($"/v1/accounts/{name}/keys/{id}", new KeyCreatedView(key, id, name));
    }

    private static async Task<Results<Ok<KeyListView>, ProblemHttpResult>> ListKeysAsync(string name, AccountService accounts, CancellationToken ct)
    {
        return TypedResults.Ok(new KeyListView([.. (await accounts.KeysOfAsync(name, ct).ConfigureAwait(false)).Select(View)]));
    }

    private static async Task<Results<Ok<KeyView>, ProblemHttpResult>> RevokeKeyAsync(string name, string id, AccountService accounts, CancellationToken ct)
    {
        return TypedResults.Ok(View(await accounts.RevokeKeyAsync(name, id, ct).ConfigureAwait(false)));
    }

    private static KeyView View(ApiKeyRecord key) => new(key.Id, key.AccountId!, key.CreatedAt, key.RevokedAt);

    private static AccountView View(AccountRecord account) => new(account.Name, account.Kind, account.CreatedAt);
}
