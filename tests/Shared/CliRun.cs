using System.Diagnostics;
using System.Text.Json;

namespace Hearth.Testing;

/// <summary>One finished run of the CLI.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json => JsonDocument.Parse(Stdout.Trim().Split('\n')[^1]).RootElement;

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>Runs the built CLI (<c>dotnet hearth.dll ...</c>) as a real process, bounded in time.</summary>
public static class HearthCli
{
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "hearth.dll");
    private static readonly TimeSpan RunBound = TimeSpan.FromSeconds(90);

    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("HEARTH_URL");
        start.Environment.Remove("HEARTH_API_KEY");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    /// <summary>Runs a client command against <paramref name="url"/> as <paramref name="key"/>.</summary>
    public static Task<CliResult> RunAsync(Uri url, string key, params string[] args) =>
        RunAsync(new Dictionary<string, string?> { ["HEARTH_URL"] = url.ToString().TrimEnd('/'), ["HEARTH_API_KEY"] = key }, args);

    /// <summary>Runs a client command that must succeed, against <paramref name="url"/> as <paramref name="key"/>.</summary>
    public static async Task<CliResult> RequireAsync(Uri url, string key, params string[] args)
    {
        var result = await RunAsync(url, key, args);
        Xunit.Assert.True(result.ExitCode == 0, $"hearth {string.Join(' ', args)} failed: {result}");
        return result;
    }

    /// <summary>The repository's directory, found from the test's output directory.</summary>
    public static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hearth.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Hearth.slnx above {AppContext.BaseDirectory}");
    }

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var process = Process.Start(StartInfo(environment, args))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(RunBound);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hearth {string.Join(' ', args)} did not finish within {RunBound}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
