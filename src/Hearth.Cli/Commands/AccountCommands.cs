using System.CommandLine;
using Hearth.Cli.Client;
using Hearth.Core.Algorithms;
using Hearth.Protocol.Rest;

namespace Hearth.Cli.Commands;

/// <summary><c>account create|set|show</c>, <c>org add-member</c> and <c>key create</c>: accounts, their settings and their keys (admin key).</summary>
internal static class AccountCommands
{
    public static IEnumerable<Command> Create() => [Account(), Org(), Key()];

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON" };

    private static Command Account()
    {
        var name = new Argument<string>("name") { Description = "The account's name: letters, digits, '_' and '-'" };
        var org = new Option<bool>("--org") { Description = "Create an organization, which has member users" };
        var json = JsonOption();
        var create = new Command("create", "Create a user account, or an organization with --org") { name, org, json };
        create.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var account = result.GetValue(name)!;
            if (Names.Why(account, "account name") is { } why)
            {
                return Output.Error(why, ExitCodes.InvalidInput);
            }

            var created = await client.PostAsync<AccountView>("/v1/accounts",
                new CreateAccountRequest(account, result.GetValue(org) ? "org" : "user"), cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(created);
            }
            else
            {
                Console.Out.WriteLine($"created {(created.Kind == "org" ? "organization" : "user")} {created.Name}");
            }

            return ExitCodes.Ok;
        }));
        return new Command("account", "Accounts: users and organizations") { create, Set(), Show() };
    }

    /// <summary>
    /// <c>account set NAME [--max-slots N] [--max-instances N] [--shares N] [--data-quota-mb N]</c>: each option is one
    /// field of the body, and only the fields given change. A setting is added here as one more entry of
    /// <see cref="Settings"/>. The data quota is the data API's, kept with the data tree, so it has its own route.
    /// </summary>
    private static Command Set()
    {
        var name = new Argument<string>("name") { Description = "The account or organization" };
        var json = JsonOption();
        var settings = Settings();
        var dataQuota = new Option<long?>("--data-quota-mb") { Description = "Cap the account's data files at this many MiB in total; -1 means no limit" };
        var set = new Command("set", "Change an account's limits or shares; running work is never stopped by a lower limit") { name, dataQuota, json };
        foreach (var (option, _) in settings)
        {
            set.Options.Add(option);
        }

        set.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var body = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var (option, field) in settings)
            {
                if (result.GetValue(option) is { } value)
                {
                    body[field] = value;
                }
            }

            var mb = result.GetValue(dataQuota);
            if (body.Count == 0 && mb is null)
            {
                return Output.Error(
                    $"account set: nothing to change; give at least one of {string.Join(", ", settings.Select(s => s.Option.Name))}, {dataQuota.Name}",
                    ExitCodes.InvalidInput);
            }

            if (mb < -1)
            {
                return Output.Error($"--data-quota-mb {mb} is out of range: a number of MiB, or -1 for no limit", ExitCodes.InvalidInput);
            }

            var account = Uri.EscapeDataString(result.GetValue(name)!);
            if (body.Count > 0)
            {
                var view = await client.PatchAsync<AccountSettingsView>($"/v1/accounts/{account}", body, cancellation).ConfigureAwait(false);
                Print(view, result.GetValue(json));
            }

            if (mb is { } megabytes)
            {
                var quota = await client.PutAsync<DataQuotaView>($"/v1/accounts/{account}/data-quota",
                    new DataQuotaRequest(megabytes < 0 ? null : megabytes), cancellation).ConfigureAwait(false);
                if (result.GetValue(json))
                {
                    Output.WriteJson(quota);
                }
                else
                {
                    Console.Out.WriteLine($"{quota.Account}: data quota {(quota.DataQuotaMb is { } q ? $"{q} MiB" : "none")}");
                }
            }

            return ExitCodes.Ok;
        }));
        return set;
    }

    /// <summary>The options of <c>account set</c>, each with the REST field it sets.</summary>
    private static List<(Option<int?> Option, string Field)> Settings() =>
    [
        (new Option<int?>("--max-slots") { Description = "The most processors its subjobs (an organization's: its members') may hold at once; -1 for no limit" }, "max_slots"),
        (new Option<int?>("--max-instances") { Description = "The most algorithm instances its calls may hold at once; -1 for no limit" }, "max_instances"),
        (new Option<int?>("--shares") { Description = "Its weight under fair share, 1 or more (default 1)" }, "shares"),
    ];

    private static Command Show()
    {
        var name = new Argument<string>("name") { Description = "The account or organization" };
        var json = JsonOption();
        var show = new Command("show", "An account's limits and shares, and what it holds now") { name, json };
        show.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var view = await client.GetAsync<AccountSettingsView>($"/v1/accounts/{Uri.EscapeDataString(result.GetValue(name)!)}", cancellation).ConfigureAwait(false);
            Print(view, result.GetValue(json));
            return ExitCodes.Ok;
        }));
        return show;
    }

    private static void Print(AccountSettingsView view, bool json)
    {
        if (json)
        {
            Output.WriteJson(view);
            return;
        }

        static string Limit(int max) => max < 0 ? "no limit" : max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Console.Out.WriteLine($"{view.Name} ({(view.Kind == "org" ? "organization" : "user")}): slots {view.HeldSlots} of {Limit(view.MaxSlots)}, "
            + $"instances {view.HeldInstances} of {Limit(view.MaxInstances)}, shares {view.Shares}");
    }

    private static Command Org()
    {
        var org = new Argument<string>("org") { Description = "The organization" };
        var user = new Argument<string>("user") { Description = "The user to add" };
        var json = JsonOption();
        var add = new Command("add-member", "Add a user to an organization: members may push, publish and call its private versions") { org, user, json };
        add.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var o = result.GetValue(org)!;
            var membership = await client.PostAsync<MembershipView>($"/v1/orgs/{Uri.EscapeDataString(o)}/members",
                new AddMemberRequest(result.GetValue(user)), cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(membership);
            }
            else
            {
                Console.Out.WriteLine(membership.Added
                    ? $"{membership.User} is now a member of {membership.Org}"
                    : $"{membership.User} was already a member of {membership.Org}");
            }

            return ExitCodes.Ok;
        }));
        return new Command("org", "Organizations") { add };
    }

    private static Command Key()
    {
        var account = new Argument<string>("account") { Description = "The account the key acts for" };
        var json = JsonOption();
        var create = new Command("create", "Create an API key for an account; it is shown once, and only its hash is stored") { account, json };
        create.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var a = result.GetValue(account)!;
            var key = await client.PostAsync<KeyCreatedView>($"/v1/accounts/{Uri.EscapeDataString(a)}/keys", null, cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(new { key.Key, key.Id, key.Account });
            }
            else
            {
                Console.Out.WriteLine(key.Key);
                Console.Error.WriteLine($"hearth: key {key.Id} for {key.Account}; it is not shown again");
            }

            return ExitCodes.Ok;
        }));
        return new Command("key", "API keys") { create, ListKeys(), RevokeKey() };
    }

    private static Command ListKeys()
    {
        var account = new Argument<string>("account") { Description = "The account whose keys to list" };
        var json = JsonOption();
        var list = new Command("list", "List an account's keys (their ids, never the keys), revoked ones included") { account, json };
        list.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var a = result.GetValue(account)!;
            var view = await client.GetAsync<KeyListView>($"/v1/accounts/{Uri.EscapeDataString(a)}/keys", cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(new { Keys = view.Keys.Select(k => new { k.Id, k.Account, k.CreatedAt, k.RevokedAt }) });
                return ExitCodes.Ok;
            }

            if (view.Keys.Count == 0)
            {
                Console.Out.WriteLine($"{a} has no keys");
            }

            foreach (var k in view.Keys)
            {
                Console.Out.WriteLine($"{k.Id}  created {k.CreatedAt:u}  {(k.RevokedAt is { } at ? $"revoked {at:u}" : "active")}");
            }

            return ExitCodes.Ok;
        }));
        return list;
    }

    private static Command RevokeKey()
    {
        var account = new Argument<string>("account") { Description = "The account the key belongs to" };
        var id = new Argument<string>("id") { Description = "The key's id, from key create or key list" };
        var json = JsonOption();
        var revoke = new Command("revoke", "Revoke a key: the supervisor refuses it from the next request on") { account, id, json };
        revoke.SetAction((result, cancellation) => ClientCommand.RunAsync(async client =>
        {
            var (a, i) = (result.GetValue(account)!, result.GetValue(id)!);
            var key = await client.DeleteAsync<KeyView>($"/v1/accounts/{Uri.EscapeDataString(a)}/keys/{Uri.EscapeDataString(i)}", cancellation).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                Output.WriteJson(new { key.Id, key.Account, key.CreatedAt, key.RevokedAt });
            }
            else
            {
                Console.Out.WriteLine($"revoked key {key.Id} of {key.Account} at {key.RevokedAt:u}");
            }

            return ExitCodes.Ok;
        }));
        return revoke;
    }
}
