using System.Collections.Concurrent;
using System.Diagnostics;

namespace Hearth.Worker.Sandboxing;

/// <summary>
/// Finds what an entry command's program needs beyond the system directories, so the sandbox can bind exactly that
/// read-only: a Python under <c>~/.pyenv</c> or a Node under <c>~/.nvm</c> lives outside <c>/usr</c>. Version-manager
/// shims are resolved to the real interpreter, since the shim's own machinery (and its home directory) stays outside.
/// Answers are cached per program: the lookup runs the interpreter once.
/// </summary>
internal sealed class RuntimeLocator(IReadOnlyList<string> forbidden)
{
    private static readonly string[] SystemRoots = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"];
    private readonly ConcurrentDictionary<string, SandboxRuntime> _cache = new(StringComparer.Ordinal);

    /// <summary>The program for <paramref name="program"/> as given in an entry command, run from <paramref name="buildDirectory"/>.</summary>
    public SandboxRuntime Locate(string program, string buildDirectory)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            var path = Path.IsPathRooted(program) ? program : Path.GetFullPath(Path.Combine(buildDirectory, program));
            if (IsUnder(path, buildDirectory))
            {
                // A script in the build: what its #! line names must be there too.
                return Interpreter(path) is { } interpreter ? new SandboxRuntime(path, Locate(interpreter, buildDirectory).Directories) : new SandboxRuntime(path, []);
            }

            return _cache.GetOrAdd(path, p => Resolve(p, p));
        }

        return _cache.GetOrAdd(program, name => Resolve(name, FindOnPath(name) ?? throw new SandboxException($"cannot find {name} on PATH")));
    }

    /// <summary>PATH inside the sandbox: the runtimes' bin directories first, then the system's.</summary>
    public static string PathFor(SandboxRuntime runtime) =>
        string.Join(':', runtime.Directories.Select(d => Path.Combine(d, "bin")).Where(Directory.Exists).Append("/usr/local/bin:/usr/bin:/bin"));

    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(p => File.Exists(p) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(p) & UnixFileMode.UserExecute) != 0));

    public static bool IsSystem(string path) => SystemRoots.Any(r => IsUnder(path, r));

    private SandboxRuntime Resolve(string name, string path)
    {
        var real = RealPath(path);
        if (Path.GetFileName(name).StartsWith("python", StringComparison.Ordinal))
        {
            return Python(path);
        }

        if (IsSystem(real))
        {
            return new SandboxRuntime(path, []);
        }

        var directory = Path.GetDirectoryName(real)!;
        var prefix = Path.GetFileName(directory) == "bin" ? Path.GetDirectoryName(directory)! : directory;
        return new SandboxRuntime(real, [Allowed(prefix, name)]);
    }

    /// <summary>A Python (or a pyenv shim for one) says where it really is and which prefix holds its standard library.</summary>
    private SandboxRuntime Python(string path)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["-I", "-c", "import sys; print(sys.executable); print(sys.base_prefix); print(sys.prefix)"])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new SandboxException($"cannot run {path}");
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)) || process.ExitCode != 0 || lines.Length != 3)
        {
            throw new SandboxException($"cannot ask {path} where it is installed: {process.StandardError.ReadToEnd().Trim()}");
        }

        var executable = RealPath(lines[0]);
        var directories = lines.Skip(1).Distinct(StringComparer.Ordinal).Where(d => !IsSystem(d)).Select(d => Allowed(d, path)).ToList();
        return new SandboxRuntime(executable, directories);
    }

    /// <summary>A runtime directory must not be, or hold, the worker's own files or a whole home directory.</summary>
    private string Allowed(string directory, string program)
    {
        var full = Path.GetFullPath(directory).TrimEnd('/');
        var home = Path.GetDirectoryName(full) is "/home" or "/" || full is "/root" or "/home";
        if (full.Length == 0 || home || forbidden.Any(f => IsUnder(f, full)))
        {
            throw new SandboxException($"{program} is installed in {(full.Length == 0 ? "/" : full)}, which cannot be shared with the sandbox; install it in its own directory (e.g. under /opt)");
        }

        return full;
    }

    private static string? Interpreter(string script)
    {
        try
        {
            using var reader = new StreamReader(script);
            var first = reader.ReadLine();
            if (first is null || !first.StartsWith("#!", StringComparison.Ordinal))
            {
                return null;
            }

            var words = first[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return words.Length == 0 ? null : words[0] == "/usr/bin/env" && words.Length > 1 ? words[1] : words[0];
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string RealPath(string path)
    {
        var info = new FileInfo(path);
        return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName is { } target ? RealPath(target) : Path.GetFullPath(path);
    }

    private static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);
}
