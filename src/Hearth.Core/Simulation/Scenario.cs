using System.Text.Json;
using Hearth.Core.Placement;
using Hearth.Core.Requirements;
using Hearth.Core.Resources;

namespace Hearth.Core.Simulation;

/// <summary>
/// The scenario format of <c>hearth simulate</c>:
/// <c>{"hosts": [{"name", "resources", "os", "arch", "cpu_model", "groups": [...], "cluster"}], "global": "global.x=N",
/// "accounts": [{"name", "max_slots", "max_instances", "organizations": [...]}], "events": [{"submit": {"id", "reservations",
/// "priority", "requirements", "account"}} | {"finish": ID} | {"host_down": NAME} | {"host_up": NAME} | {"lock": NAME} | {"unlock": NAME}]}</c>.
/// </summary>
public sealed record Scenario(
    IReadOnlyList<ScenarioHost> Hosts,
    IReadOnlyDictionary<ResourceName, int> Global,
    IReadOnlyList<ScenarioEvent> Events)
{
    /// <summary>Accounts with limits or memberships; work of an account not listed is held by no quota.</summary>
    public IReadOnlyList<ScenarioAccount> Accounts { get; init; } = [];

    public static Scenario Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            var line = (int)(e.LineNumber ?? 0);
            throw new ScenarioException($"line {line + 1}, column {ColumnOf(json, line, e.BytePositionInLine ?? 0)}: invalid JSON: {FirstSentence(e.Message)}");
        }

        using (document)
        {
            var root = document.RootElement;
            Expect(root, JsonValueKind.Object, "$");
            RefuseUnknown(root, "$", "hosts", "global", "accounts", "events");
            var hosts = ReadHosts(root);
            return new Scenario(hosts, ReadGlobal(root), ReadEvents(root, [.. hosts.Select(h => h.Name)])) { Accounts = ReadAccounts(root) };
        }
    }

    private static List<ScenarioHost> ReadHosts(JsonElement root)
    {
        if (!root.TryGetProperty("hosts", out var hosts))
        {
            throw new ScenarioException("$.hosts: missing; a scenario needs at least one host");
        }

        Expect(hosts, JsonValueKind.Array, "$.hosts");
        var list = new List<ScenarioHost>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var host in hosts.EnumerateArray())
        {
            var path = $"$.hosts[{i++}]";
            Expect(host, JsonValueKind.Object, path);
            RefuseUnknown(host, path, "name", "resources", "os", "arch", "cpu_model", "groups", "cluster");
            var name = RequiredString(host, "name", path);
            if (!names.Add(name))
            {
                throw new ScenarioException($"{path}.name: host \"{name}\" is listed twice");
            }

            var text = RequiredString(host, "resources", path);
            IReadOnlyDictionary<ResourceName, int> resources;
            try
            {
                resources = ResourceTotals.Parse(text, ResourceScope.Host);
            }
            catch (ResourceRequestSyntaxException e)
            {
                throw new ScenarioException($"{path}.resources: {e.Message}");
            }

            if (!resources.ContainsKey(ResourceName.Processors))
            {
                throw new ScenarioException($"{path}.resources: host \"{name}\" must define host.processors");
            }

            list.Add(new ScenarioHost(name, resources, ReadProperties(host, name, path)));
        }

        return list;
    }

    private static HostProperties ReadProperties(JsonElement host, string name, string path)
    {
        string Optional(string field) =>
            host.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? StringValue(value, $"{path}.{field}") : "";

        var groups = new List<string>();
        if (host.TryGetProperty("groups", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            Expect(list, JsonValueKind.Array, $"{path}.groups");
            var g = 0;
            foreach (var group in list.EnumerateArray())
            {
                groups.Add(StringValue(group, $"{path}.groups[{g++}]"));
            }
        }

        return new HostProperties(name, Optional("os"), Optional("arch"), Optional("cpu_model"), groups, Optional("cluster"));
    }

    private static List<ScenarioAccount> ReadAccounts(JsonElement root)
    {
        var list = new List<ScenarioAccount>();
        if (!root.TryGetProperty("accounts", out var accounts) || accounts.ValueKind == JsonValueKind.Null)
        {
            return list;
        }

        Expect(accounts, JsonValueKind.Array, "$.accounts");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var account in accounts.EnumerateArray())
        {
            var path = $"$.accounts[{i++}]";
            Expect(account, JsonValueKind.Object, path);
            RefuseUnknown(account, path, "name", "max_slots", "max_instances", "organizations");
            var name = RequiredString(account, "name", path);
            if (!names.Add(name))
            {
                throw new ScenarioException($"{path}.name: account \"{name}\" is listed twice");
            }

            var organizations = new List<string>();
            if (account.TryGetProperty("organizations", out var orgs) && orgs.ValueKind != JsonValueKind.Null)
            {
                Expect(orgs, JsonValueKind.Array, $"{path}.organizations");
                var o = 0;
                foreach (var org in orgs.EnumerateArray())
                {
                    organizations.Add(StringValue(org, $"{path}.organizations[{o++}]"));
                }
            }

            list.Add(new ScenarioAccount(name, new AccountLimits(Limit(account, "max_slots", path), Limit(account, "max_instances", path)), organizations));
        }

        return list;
    }

    private static int Limit(JsonElement account, string field, string path)
    {
        if (!account.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return AccountLimits.Unlimited;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var limit) || AccountLimits.Why(field, limit) is not null)
        {
            throw new ScenarioException($"{path}.{field}: {value.GetRawText()} is not a limit: give -1 for no limit, or a count of 0 or more");
        }

        return limit;
    }

    private static IReadOnlyDictionary<ResourceName, int> ReadGlobal(JsonElement root)
    {
        if (!root.TryGetProperty("global", out var global) || global.ValueKind == JsonValueKind.Null)
        {
            return new Dictionary<ResourceName, int>();
        }

        Expect(global, JsonValueKind.String, "$.global");
        try
        {
            return ResourceTotals.Parse(global.GetString(), ResourceScope.Global);
        }
        catch (ResourceRequestSyntaxException e)
        {
            throw new ScenarioException($"$.global: {e.Message}");
        }
    }

    private static List<ScenarioEvent> ReadEvents(JsonElement root, HashSet<string> hosts)
    {
        var list = new List<ScenarioEvent>();
        if (!root.TryGetProperty("events", out var events))
        {
            return list;
        }

        Expect(events, JsonValueKind.Array, "$.events");
        var i = 0;
        foreach (var e in events.EnumerateArray())
        {
            var path = $"$.events[{i++}]";
            Expect(e, JsonValueKind.Object, path);
            var properties = e.EnumerateObject().ToList();
            if (properties.Count != 1)
            {
                throw new ScenarioException($"{path}: an event has exactly one of submit, finish, host_down, host_up, lock or unlock");
            }

            var p = properties[0];
            var at = $"{path}.{p.Name}";
            list.Add(p.Name switch
            {
                "submit" => ReadSubmit(p.Value, at),
                "finish" => new FinishEvent(StringValue(p.Value, at)),
                "host_down" => new HostDownEvent(HostName(p.Value, at, hosts)),
                "host_up" => new HostUpEvent(HostName(p.Value, at, hosts)),
                "lock" => new HostLockEvent(HostName(p.Value, at, hosts), true),
                "unlock" => new HostLockEvent(HostName(p.Value, at, hosts), false),
                _ => throw new ScenarioException($"{at}: unknown event \"{p.Name}\" (expected submit, finish, host_down, host_up, lock or unlock)"),
            });
        }

        return list;
    }

    private static string HostName(JsonElement value, string path, HashSet<string> hosts)
    {
        var name = StringValue(value, path);
        return hosts.Contains(name) ? name : throw new ScenarioException($"{path}: unknown host \"{name}\"");
    }

    private static SubmitEvent ReadSubmit(JsonElement submit, string path)
    {
        Expect(submit, JsonValueKind.Object, path);
        RefuseUnknown(submit, path, "id", "reservations", "priority", "requirements", "account");
        var id = RequiredString(submit, "id", path);
        string? reservations = null;
        if (submit.TryGetProperty("reservations", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            reservations = StringValue(r, $"{path}.reservations");
        }

        var priority = WorkRequest.DefaultPriority;
        if (submit.TryGetProperty("priority", out var p))
        {
            if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out priority) || priority is < 1 or > 9999)
            {
                throw new ScenarioException($"{path}.priority: {p.GetRawText()} is not an integer from 1 (highest) to 9999 (lowest)");
            }
        }

        string? requirements = null;
        if (submit.TryGetProperty("requirements", out var q) && q.ValueKind != JsonValueKind.Null)
        {
            requirements = StringValue(q, $"{path}.requirements");
        }

        string? account = null;
        if (submit.TryGetProperty("account", out var a) && a.ValueKind != JsonValueKind.Null)
        {
            account = StringValue(a, $"{path}.account");
        }

        return new SubmitEvent(id, reservations, priority, requirements, account);
    }

    private static void Expect(JsonElement element, JsonValueKind kind, string path)
    {
        if (element.ValueKind != kind)
        {
            throw new ScenarioException($"{path}: expected {Describe(kind)}, found {Describe(element.ValueKind)}");
        }
    }

    private static void RefuseUnknown(JsonElement element, string path, params string[] known)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new ScenarioException($"{path}.{property.Name}: unknown field (expected {string.Join(", ", known)})");
            }
        }
    }

    private static string RequiredString(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            throw new ScenarioException($"{path}.{name}: missing");
        }

        return StringValue(value, $"{path}.{name}");
    }

    private static string StringValue(JsonElement value, string path)
    {
        Expect(value, JsonValueKind.String, path);
        var text = value.GetString()!;
        return text.Length == 0 ? throw new ScenarioException($"{path}: must not be empty") : text;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>
    /// The 1-based column, in characters, of a byte offset into line <paramref name="line"/> (0-based): the parser
    /// counts UTF-8 bytes, and a person counts characters, so a name with an accent before the error would shift it.
    /// </summary>
    private static long ColumnOf(string json, int line, long bytes)
    {
        var start = 0;
        for (var i = 0; i < line && start >= 0; i++)
        {
            start = json.IndexOf('\n', start) is var at and >= 0 ? at + 1 : -1;
        }

        if (start < 0)
        {
            return bytes + 1;
        }

        var end = json.IndexOf('\n', start);
        var text = json.AsSpan(start, (end < 0 ? json.Length : end) - start);
        long counted = 0;
        var column = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (counted >= bytes)
            {
                break;
            }

            counted += rune.Utf8SequenceLength;
            column += rune.Utf16SequenceLength;
        }

        return column + 1;
    }

    private static string FirstSentence(string message)
    {
        foreach (var marker in (string[])[" LineNumber:", " Path:"])
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }

        return message;
    }
}
