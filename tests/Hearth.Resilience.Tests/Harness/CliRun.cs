using System.Diagnostics;
using System.Text.Json;

namespace Hearth.Resilience.Tests.Harness;

/// <summary>One finished run of a client command of the CLI.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The JSON its <c>--json</c> output ends with.</summary>
    public JsonElement Json => JsonDocument.Parse(Stdout.Trim().Split('\n')[^1]).RootElement;

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>Runs client commands (<c>account create</c>, <c>algo push</c>, ...) the way a user would, with a bound.</summary>
internal static class CliRun
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    /// <summary>Runs a command that must succeed, as <paramref name="key"/>; returns its result.</summary>
    public static async Task<CliResult> RequireAsync(Uri url, string key, params string[] args)
    {
        var result = await RunAsync(url, key, args);
        Assert.True(result.ExitCode == 0, $"hearth {string.Join(' ', args)} failed: {result}");
        return result;
    }

    public static async Task<CliResult> RunAsync(Uri url, string key, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(HearthProcess.Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HEARTH_URL"] = url.ToString().TrimEnd('/');
        start.Environment["HEARTH_API_KEY"] = key;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hearth {string.Join(' ', args)} did not finish within {Bound.TotalSeconds:0} s");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
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
}
