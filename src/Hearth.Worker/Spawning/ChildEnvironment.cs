namespace Hearth.Worker.Spawning;

/// <summary>
/// The environment every process a worker starts (subjob or instance) begins from: <c>PATH</c>, <c>HOME</c> and
/// <c>LANG</c>, taken from the worker's own environment or defaulted, then the variables the admin added in the
/// worker's config. Nothing else of the worker's environment passes, so its keys (<c>HEARTH_WORKER_KEY</c>, an
/// admin's <c>HEARTH_API_KEY</c>) never reach a child. Each piece of work then adds its own <c>QB_*</c> and
/// <c>HEARTH_*</c> variables, names the admin may not take.
/// </summary>
internal static class ChildEnvironment
{
    private static readonly (string Name, string Default)[] Passed =
    [
        ("PATH", "/usr/local/bin:/usr/bin:/bin"),
        ("HOME", "/"),
        ("LANG", "C.UTF-8"),
    ];

    /// <summary>The base environment: the passed variables, then <paramref name="added"/> (already checked with <see cref="Check"/>).</summary>
    public static IReadOnlyDictionary<string, string> Base(IReadOnlyDictionary<string, string>? added = null)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, fallback) in Passed)
        {
            environment[name] = Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
        }

        foreach (var (name, value) in added ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary><paramref name="baseEnvironment"/> with a piece of work's own variables set over it.</summary>
    public static Dictionary<string, string> For(IReadOnlyDictionary<string, string> baseEnvironment, params ReadOnlySpan<(string Name, string Value)> work)
    {
        var environment = new Dictionary<string, string>(baseEnvironment, StringComparer.Ordinal);
        foreach (var (name, value) in work)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>What is wrong with an admin-added variable, or null when it may be added.</summary>
    public static string? Check(string name, string value)
    {
        if (name.Length == 0 || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
        {
            return $"\"{name}\" is not a variable name: it must be non-empty, without '=' or NUL";
        }

        if (name.StartsWith("HEARTH_", StringComparison.Ordinal) || name.StartsWith("QB_", StringComparison.Ordinal))
        {
            return $"\"{name}\": HEARTH_* and QB_* variables are set by the worker for each piece of work and cannot be added";
        }

        return value.Contains('\0', StringComparison.Ordinal) ? $"the value of \"{name}\" contains a NUL character" : null;
    }
}
