namespace Hearth.Testing;

/// <summary>
/// Removes the default run directories that real worker processes made for one supervisor address
/// (<c>~/.local/state/hearth/workers/NAME@ADDRESS_PORT</c>, and their twins under <c>$XDG_RUNTIME_DIR/hearth/workers</c>),
/// so that test runs on random ports leave nothing behind.
/// </summary>
internal static class WorkerDirectories
{
    public static void DeleteFor(string address, int port)
    {
        var suffix = "@" + string.Concat($"{address}:{port}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } s
            ? s
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        string?[] roots = [Path.Combine(state, "hearth", "workers"), Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } r ? Path.Combine(r, "hearth", "workers") : null];
        foreach (var root in roots.Where(r => r is not null && Directory.Exists(r)))
        {
            foreach (var directory in Directory.EnumerateDirectories(root!).Where(d => d.EndsWith(suffix, StringComparison.Ordinal)))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another user's, or still in use: left where it is.
                }
            }
        }
    }
}
