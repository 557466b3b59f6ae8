using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Reservations;
using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Web;

/// <summary>
/// <c>/admin/accounts</c>: users and organizations with their members, their API keys (a new key is shown once, on the
/// page its creation answers with, and never again), revoking a key, and creating accounts and memberships.
/// </summary>
public static class AccountPages
{
    public const string Path = "/admin/accounts";

    public static string KeysPath(string account) => $"{Path}/{Uri.EscapeDataString(account)}/keys";

    public static string RevokePath(string account, string key) => $"{KeysPath(account)}/{Uri.EscapeDataString(key)}/revoke";

    public static IEndpointRouteBuilder MapAccountPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(Path).ExcludeFromDescription().RequireAuthorization(HearthAuth.AdminPagePolicy).AddEndpointFilter(AdminFailures.FilterAsync);
        pages.MapGet("", (string? done, string? account, string? key, AccountService accounts, IKeyStore keys, InstancePool pool, ReservationService reservations, CancellationToken ct) =>
            PageAsync(new AccountNotices(Done(done, account, key), null, null), accounts, keys, pool, reservations, ct));
        pages.MapPost("", async (IFormCollection form, AccountService accounts, IKeyStore keys, InstancePool pool, ReservationService reservations, CancellationToken ct) =>
        {
            var name = form["name"].ToString().Trim();
            var error = await AdminFailures.TryAsync(() => accounts.CreateAsync(name, form["kind"] == AccountKinds.Organization, ct)).ConfigureAwait(false);
            return error is null
                ? TypedResults.Redirect($"{Path}?done=created&account={Uri.EscapeDataString(name)}")
                : await PageAsync(new AccountNotices(null, $"Account {name} was not created: {error}", null), accounts, keys, pool, reservations, ct).ConfigureAwait(false);
        });
        pages.MapPost("/{org}/members", async (string org, IFormCollection form, AccountService accounts, IKeyStore keys, InstancePool pool, ReservationService reservations, CancellationToken ct) =>
        {
            var user = form["user"].ToString().Trim();
            var error = await AdminFailures.TryAsync(() => accounts.AddMemberAsync(org, user, ct)).ConfigureAwait(false);
            return error is null
                ? TypedResults.Redirect($"{Path}?done=member&account={Uri.EscapeDataString(org)}&key={Uri.EscapeDataString(user)}")
                : await PageAsync(new AccountNotices(null, $"{user} was not added to {org}: {error}", null), accounts, keys, pool, reservations, ct).ConfigureAwait(false);
        });
        pages.MapPost("/{account}/keys", async (string account, IFormCollection form, AccountService accounts, IKeyStore keys, InstancePool pool, ReservationService reservations, CancellationToken ct) =>
        {
            _ = form;
            (string Id, string Key) created = default;
            var error = await AdminFailures.TryAsync(async () => created = await accounts.CreateKeyAsync(account, ct).ConfigureAwait(false)).ConfigureAwait(false);
            // The key is shown on this answer only: a redirect would have to carry it in a URL.
            return await PageAsync(error is null
                    ? new AccountNotices(null, null, new NewKey(account, created.Id!, created.Key!))
                    : new AccountNotices(null, $"No key was created for {account}: {error}", null),
                accounts, keys, pool, reservations, ct).ConfigureAwait(false);
        });
        pages.MapPost("/{account}/keys/{id}/revoke", async (string account, string id, IFormCollection form, AccountService accounts, IKeyStore keys, InstancePool pool, ReservationService reservations, CancellationToken ct) =>
        {
            _ = form;
            var error = await AdminFailures.TryAsync(() => accounts.RevokeKeyAsync(account, id, ct)).ConfigureAwait(false);
            return error is null
                ? TypedResults.Redirect($"{Path}?done=revoked&account={Uri.EscapeDataString(account)}&key={Uri.EscapeDataString(id)}")
                : await PageAsync(new AccountNotices(null, $"Key {id} was not revoked: {error}", null), accounts, keys, pool, reservations, ct).ConfigureAwait(false);
        });
        return app;
    }

    private static string? Done(string? done, string? account, string? key) => done switch
    {
        "created" => $"Account {account} created. Create a key for it below.",
        "member" => $"{key} is a member of {account}.",
        "revoked" => $"Key {key} of {account} is revoked: it is refused from the next request on.",
        _ => null,
    };

    private static async Task<IResult> PageAsync(
        AccountNotices notices, AccountService accounts, IKeyStore keys, InstancePool pool, ReservationService reservations, CancellationToken ct)
    {
        var all = await accounts.ListAsync(ct).ConfigureAwait(false);
        var allKeys = (await keys.ListAsync(ct).ConfigureAwait(false)).Where(k => k.Role == KeyRoles.Account).ToLookup(k => k.AccountId);
        var members = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var org in all.Where(a => a.Kind == AccountKinds.Organization))
        {
            members[org.Name] = await accounts.MembersOfAsync(org.Name, ct).ConfigureAwait(false);
        }

        var instances = pool.List().GroupBy(i => i.Account).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var reserved = reservations.List().GroupBy(r => r.CallingUser).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var rows = all.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).Select(a => new AccountRow(
            a.Name, a.Kind, a.CreatedAt,
            a.Kind == AccountKinds.Organization ? members.GetValueOrDefault(a.Name) ?? [] : [],
            [.. members.Where(m => m.Value.Contains(a.Name)).Select(m => m.Key)],
            [.. allKeys[a.Name].OrderBy(k => k.CreatedAt).Select(k => new KeyRow(k.Id, k.CreatedAt, k.RevokedAt))],
            instances.GetValueOrDefault(a.Name), reserved.GetValueOrDefault(a.Name))).ToList();
        var status = notices.Error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        return new RazorComponentResult<AccountsPage>(new { Accounts = rows, Notices = notices }) { StatusCode = status };
    }
}

/// <summary>An account as its page lists it: members for an organization, organizations for a user.</summary>
public sealed record AccountRow(
    string Name, string Kind, DateTimeOffset CreatedAt, IReadOnlyList<string> Members, IReadOnlyList<string> MemberOf,
    IReadOnlyList<KeyRow> Keys, int Instances, int Reservations);

/// <summary>An account's API key: never the key itself, which is stored hashed.</summary>
public sealed record KeyRow(string Id, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A key just created, shown this once.</summary>
public sealed record NewKey(string Account, string Id, string Key);

/// <summary>What the accounts page says above its tables: what was done, why not, or a new key.</summary>
public sealed record AccountNotices(string? Notice, string? Error, NewKey? Created);
