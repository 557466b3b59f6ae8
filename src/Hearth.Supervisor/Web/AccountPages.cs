using System.Globalization;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Data;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Reservations;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Web;

/// <summary>
/// <c>/admin/accounts</c>: users and organizations with their members, their API keys (a new key is shown once, on the
/// page its creation answers with, and never again), revoking a key, creating accounts and memberships, and each
/// account's limits, shares and data quota with what it holds and uses now, its limits and shares changeable.
/// </summary>
public static class AccountPages
{
    public const string Path = "/admin/accounts";

    public static string KeysPath(string account) => $"{Path}/{Uri.EscapeDataString(account)}/keys";

    public static string RevokePath(string account, string key) => $"{KeysPath(account)}/{Uri.EscapeDataString(key)}/revoke";

    public static IEndpointRouteBuilder MapAccountPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(Path).ExcludeFromDescription().RequireAuthorization(HearthAuth.AdminPagePolicy).AddEndpointFilter(AdminFailures.FilterAsync);
        pages.MapGet("", (string? done, string? account, string? key, [AsParameters] AccountPageSources sources, CancellationToken ct) =>
            PageAsync(new AccountNotices(Done(done, account, key), null, null), sources, ct));
        pages.MapPost("", async (IFormCollection form, [AsParameters] AccountPageSources sources, CancellationToken ct) =>
        {
            var name = form["name"].ToString().Trim();
            var error = await AdminFailures.TryAsync(() => sources.Accounts.CreateAsync(name, form["kind"] == AccountKinds.Organization, ct)).ConfigureAwait(false);
            return error is null
                ? TypedResults.Redirect($"{Path}?done=created&account={Uri.EscapeDataString(name)}")
                : await PageAsync(new AccountNotices(null, $"Account {name} was not created: {error}", null), sources, ct).ConfigureAwait(false);
        });
        pages.MapPost("/{org}/members", async (string org, IFormCollection form, [AsParameters] AccountPageSources sources, CancellationToken ct) =>
        {
            var user = form["user"].ToString().Trim();
            var error = await AdminFailures.TryAsync(() => sources.Accounts.AddMemberAsync(org, user, ct)).ConfigureAwait(false);
            return error is null
                ? TypedResults.Redirect($"{Path}?done=member&account={Uri.EscapeDataString(org)}&key={Uri.EscapeDataString(user)}")
                : await PageAsync(new AccountNotices(null, $"{user} was not added to {org}: {error}", null), sources, ct).ConfigureAwait(false);
        });
        pages.MapPost("/{account}/keys", async (string account, IFormCollection form, [AsParameters] AccountPageSources sources, CancellationToken ct) =>
        {
            _ = form;
            (string Id, string Key) created = default;
            var error = await AdminFailures.TryAsync(async () => created = await sources.Accounts.CreateKeyAsync(account, ct).ConfigureAwait(false)).ConfigureAwait(false);
            // The key is shown on this answer only: a redirect would have to carry it in a URL.
            return await PageAsync(error is null
                    ? new AccountNotices(null, null, new NewKey(account, created.Id!, created.Key!))
                    : new AccountNotices(null, $"No key was created for {account}: {error}", null),
                sources, ct).ConfigureAwait(false);
        });
        pages.MapPost("/{account}/keys/{id}/revoke", async (string account, string id, IFormCollection form, [AsParameters] AccountPageSources sources, CancellationToken ct) =>
        {
            _ = form;
            var error = await AdminFailures.TryAsync(() => sources.Accounts.RevokeKeyAsync(account, id, ct)).ConfigureAwait(false);
            return error is null
                ? TypedResults.Redirect($"{Path}?done=revoked&account={Uri.EscapeDataString(account)}&key={Uri.EscapeDataString(id)}")
                : await PageAsync(new AccountNotices(null, $"Key {id} was not revoked: {error}", null), sources, ct).ConfigureAwait(false);
        });
        pages.MapPost("/limits", async (IFormCollection form, [AsParameters] AccountPageSources sources, CancellationToken ct) =>
        {
            var account = form["account"].ToString().Trim();
            var error = await AdminFailures.TryAsync(async () =>
            {
                var change = LimitsChange(form);
                var found = await sources.Accounts.RequireAsync(account, ct).ConfigureAwait(false);
                await sources.Scheduler.SetAccountAsync(found.Name, found.Kind, change).ConfigureAwait(false);
            }).ConfigureAwait(false);
            return error is null
                ? TypedResults.Redirect($"{Path}?done=limits&account={Uri.EscapeDataString(account)}")
                : await PageAsync(new AccountNotices(null, $"The limits of {account} were not changed: {error}", null), sources, ct).ConfigureAwait(false);
        });
        return app;
    }

    /// <summary>The limits form's fields as the change <c>PATCH /v1/accounts/{name}</c> takes: an empty field is left as it is.</summary>
    private static SetAccountRequest LimitsChange(IFormCollection form)
    {
        var change = new SetAccountRequest(Whole(form, "max_slots"), Whole(form, "max_instances"), Whole(form, "shares"));
        return change is { MaxSlots: null, MaxInstances: null, Shares: null }
            ? throw new InvalidRequestException("nothing to change: give at least one of max slots, max instances (-1 for no limit) and shares")
            : change;
    }

    private static int? Whole(IFormCollection form, string field)
    {
        var text = form[field].ToString().Trim();
        return text.Length == 0 ? null
            : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
            : throw new InvalidRequestException($"{field} \"{text}\" is not a whole number");
    }

    private static string? Done(string? done, string? account, string? key) => done switch
    {
        "created" => $"Account {account} created. Create a key for it below.",
        "member" => $"{key} is a member of {account}.",
        "limits" => $"The limits of {account} are changed; nothing running is stopped by a lower limit.",
        "revoked" => $"Key {key} of {account} is revoked: it is refused from the next request on.",
        _ => null,
    };

    private static async Task<IResult> PageAsync(
        AccountNotices notices, AccountPageSources sources, CancellationToken ct)
    {
        var all = await sources.Accounts.ListAsync(ct).ConfigureAwait(false);
        var allKeys = (await sources.Keys.ListAsync(ct).ConfigureAwait(false)).Where(k => k.Role == KeyRoles.Account).ToLookup(k => k.AccountId);
        var members = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var org in all.Where(a => a.Kind == AccountKinds.Organization))
        {
            members[org.Name] = await sources.Accounts.MembersOfAsync(org.Name, ct).ConfigureAwait(false);
        }

        var limits = (await sources.Scheduler.AccountsAsync([.. all.Select(a => (a.Name, a.Kind))]).ConfigureAwait(false)).ToDictionary(l => l.Name, StringComparer.Ordinal);
        var data = await sources.Data.UsageAsync(ct).ConfigureAwait(false);
        var reserved = sources.Reservations.List().GroupBy(r => r.CallingUser).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var rows = all.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase).Select(a => new AccountRow(
            a.Name, a.Kind, a.CreatedAt,
            a.Kind == AccountKinds.Organization ? members.GetValueOrDefault(a.Name) ?? [] : [],
            [.. members.Where(m => m.Value.Contains(a.Name)).Select(m => m.Key)],
            [.. allKeys[a.Name].OrderBy(k => k.CreatedAt).Select(k => new KeyRow(k.Id, k.CreatedAt, k.RevokedAt))],
            limits[a.Name], data.GetValueOrDefault(a.Name) ?? new DataUsage(0, null), reserved.GetValueOrDefault(a.Name))).ToList();
        var status = notices.Error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        return new RazorComponentResult<AccountsPage>(new { Accounts = rows, Notices = notices }) { StatusCode = status };
    }
}

/// <summary>An account as its page lists it: members for an organization, organizations for a user.</summary>
public sealed record AccountRow(
    string Name, string Kind, DateTimeOffset CreatedAt, IReadOnlyList<string> Members, IReadOnlyList<string> MemberOf,
    IReadOnlyList<KeyRow> Keys, AccountSettingsView Limits, DataUsage Data, int Reservations);

/// <summary>What the accounts page reads: accounts and keys, the scheduler's limits and holdings, data usage, reservations.</summary>
internal sealed record AccountPageSources(AccountService Accounts, IKeyStore Keys, Scheduler Scheduler, DataService Data, ReservationService Reservations);

/// <summary>An account's API key: never the key itself, which is stored hashed.</summary>
public sealed record KeyRow(string Id, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A key just created, shown this once.</summary>
public sealed record NewKey(string Account, string Id, string Key);

/// <summary>What the accounts page says above its tables: what was done, why not, or a new key.</summary>
public sealed record AccountNotices(string? Notice, string? Error, NewKey? Created);
