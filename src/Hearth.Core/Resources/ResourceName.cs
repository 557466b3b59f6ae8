namespace Hearth.Core.Resources;

/// <summary>A resource such as <c>host.processors</c> or <c>global.maya</c>.</summary>
public readonly record struct ResourceName(ResourceScope Scope, string Name)
{
    public static readonly ResourceName Processors = new(ResourceScope.Host, "processors");
    public static readonly ResourceName Memory = new(ResourceScope.Host, "memory");

    public string TypeText => TypeOf(Scope);

    public bool IsHost => Scope == ResourceScope.Host;

    /// <summary>Counted once per host rather than once per piece of work.</summary>
    public bool IsPerHostGlobal => Scope == ResourceScope.GlobalHost;

    public static string TypeOf(ResourceScope scope) => scope switch
    {
        ResourceScope.Host => "host",
        ResourceScope.Global => "global",
        ResourceScope.License => "license",
        _ => "global_host",
    };

    /// <summary>Host resources first, then by name.</summary>
    public static readonly IComparer<ResourceName> Order = Comparer<ResourceName>.Create((a, b) =>
    {
        var byScope = a.Scope.CompareTo(b.Scope);
        return byScope != 0 ? byScope : string.CompareOrdinal(a.Name, b.Name);
    });

    public override string ToString() => $"{TypeText}.{Name}";

    /// <summary>Parses <c>type.name</c>; returns the reason on failure.</summary>
    public static bool TryParse(string text, out ResourceName resource, out string? error)
    {
        resource = default;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            error = $"resource \"{text}\" must be written type.name, with type host, global, license or global_host";
            return false;
        }

        var type = text[..dot];
        var name = text[(dot + 1)..];
        ResourceScope scope;
        switch (type)
        {
            case "host":
                scope = ResourceScope.Host;
                break;
            case "global":
                scope = ResourceScope.Global;
                break;
            case "license":
                scope = ResourceScope.License;
                break;
            case "global_host":
                scope = ResourceScope.GlobalHost;
                break;
            default:
                error = $"unknown resource type \"{type}\" (expected host, global, license or global_host)";
                return false;
        }

        if (name.Length == 0)
        {
            error = $"resource \"{text}\" has no name after \"{type}.\"";
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '_' and not '-')
            {
                error = $"resource name \"{name}\" may hold only letters, digits, '_' and '-'";
                return false;
            }
        }

        // Names are case-insensitive: "host.GPU" on one worker and "host.gpu" in a job must be one resource, and
        // "host.Processors" a typo of the slots, never a new resource that no worker has.
        resource = new ResourceName(scope, name.ToLowerInvariant());
        error = null;
        return true;
    }
}
